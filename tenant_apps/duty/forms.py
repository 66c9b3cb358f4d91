"""Forms of the duty pages: they keep what was typed on every error; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.duty import entries


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"))
    title = forms.CharField(label=_("主题"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    organiser = forms.CharField(label=_("组织单位"), max_length=100)
    description = forms.CharField(label=_("活动内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    public = forms.BooleanField(label=_("向社会公开（活动和出席情况）"), required=False, initial=True)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择")), *[(c, label) for c, label in kinds]]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("活动纪要"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("履职类型"))
    title = forms.CharField(label=_("事项"), max_length=200)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    text = forms.CharField(label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择")), *entries.kind_choices()]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in ("kind", "title", "occurred_on", "place", "text")}


class OfficeEntryForm(EntryForm):
    deputy = forms.TypedChoiceField(label=_("代表"), coerce=int)
    public = forms.BooleanField(label=_("向社会公开"), required=False, initial=True)

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = [("", _("请选择")), *[(d.pk, d.name) for d in deputies]]
        self.order_fields(["deputy", "kind", "title", "occurred_on", "place", "text", "public"])
