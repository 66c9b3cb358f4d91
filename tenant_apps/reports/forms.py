from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.reports.models import Rating


def _when(label):
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    opens_at = _when(_("公众评议开始"))
    closes_at = _when(_("公众评议截止"))


class ReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    text = forms.CharField(label=_("述职报告"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    also_in_person = forms.BooleanField(label=_("同时当面向选民述职"), required=False)


class ScoreForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(
        label=_("留言（可选，审核后公开）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)
    challenge_answer = forms.CharField(label=_("验证问题"), required=False, max_length=10)
