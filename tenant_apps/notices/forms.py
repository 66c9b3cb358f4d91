from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.notices.models import Notice, Scope


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=Notice._meta.get_field("title").max_length)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea)
    scope = forms.ChoiceField(label=_("发送范围"), choices=Scope.choices, initial=Scope.CHILDREN)
