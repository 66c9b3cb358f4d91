from django import forms
from django.utils.translation import gettext_lazy as _

from shared_apps.registry.models import Invitation, SeatStatus

END_CHOICES = [(v, label) for v, label in SeatStatus.choices if v != SeatStatus.SERVING]


class InvitationForm(forms.Form):
    channel = forms.ChoiceField(label=_("方式"), choices=Invitation.Channel.choices)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class SeatEndForm(forms.Form):
    status = forms.ChoiceField(label=_("原因"), choices=END_CHOICES)
    ends_on = forms.DateField(label=_("终止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class TermCloseForm(forms.Form):
    ends_on = forms.DateField(label=_("本届结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    next_number = forms.IntegerField(label=_("新一届届次"), min_value=1, max_value=99)
    confirm = forms.BooleanField(label=_("我确认：本届全部在任席位将终止，代表的访问权限随之调整。"))


class ClaimForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱（登录用）"))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)


class DeputyProfileForm(forms.Form):
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False)
    party = forms.CharField(label=_("党派"), max_length=40, required=False)
    occupation = forms.CharField(label=_("职业"), max_length=100, required=False)
    work_unit = forms.CharField(label=_("工作单位及职务"), max_length=200, required=False)
    biography = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    mobile = forms.CharField(label=_("新手机号码（不修改请留空）"), max_length=20, required=False)
    photo = forms.ImageField(label=_("照片"), required=False)


class SeatRegisterForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    constituency = forms.CharField(label=_("选区"), max_length=100)
    delegation = forms.CharField(label=_("代表团"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("当选日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
