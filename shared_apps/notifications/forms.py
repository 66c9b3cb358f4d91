"""The account's choice of how notices that matter at once reach it."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    by_sms = forms.BooleanField(label=_("短信"), required=False)
    by_email = forms.BooleanField(label=_("电子邮件"), required=False)
