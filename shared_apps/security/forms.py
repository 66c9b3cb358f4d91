from django import forms
from django.utils.translation import gettext_lazy as _


class GrantForm(forms.Form):
    email = forms.EmailField(label=_("账号邮箱"), max_length=254)
    role = forms.ChoiceField(label=_("角色"), choices=())

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("请选择")), *roles]


class UnlockForm(forms.Form):
    email = forms.EmailField(label=_("账号邮箱"), max_length=254)
