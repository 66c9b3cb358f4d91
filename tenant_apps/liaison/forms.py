"""The liaison module's forms. They carry input only: every check is the services' (one set of messages for the
pages and the API), except the shapes a browser can check as the person types."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.liaison.selectors import categories
from tenant_apps.liaison.services.submission import TEXT_MAX


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _PhotosField(forms.FileField):
    """Several photos in one input; the service checks them (count, size, type by content)."""

    def clean(self, data, initial=None):
        return list(data or [])


class MessageForm(forms.Form):
    # Every check is the service's (one set of messages for the page and the API); the form only carries input.
    category = forms.CharField(label=gettext_lazy("留言类别"), required=False, widget=forms.Select)
    text = forms.CharField(
        label=gettext_lazy("留言内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
    )
    photos = _PhotosField(
        label=gettext_lazy("照片（可选，最多4张，每张不超过5MB）"),
        required=False,
        widget=_MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    sender_name = forms.CharField(label=gettext_lazy("姓名（不公开）"), required=False)
    mobile = forms.CharField(
        label=gettext_lazy("手机号码（用于答复和查询，不公开）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    is_anonymous = forms.BooleanField(label=gettext_lazy("在互动之窗公开时隐去我的姓名"), required=False, initial=True)
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)
    challenge_answer = forms.CharField(
        label=gettext_lazy("验证问题"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = [("", "—"), *categories(congress)]
        self.challenge_question = ""


class StationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    code = forms.CharField(
        label=gettext_lazy("代码"),
        max_length=40,
        help_text=gettext_lazy("用于网址和二维码，只能使用小写字母、数字和连字符，例如 qingyan-1。"),
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    reception_days = forms.CharField(
        label=gettext_lazy("接待时间"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("例如：每月10日、20日上午"),
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=40, required=False)
    introduction = forms.CharField(label=gettext_lazy("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if online:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("网上联络站的代码不能修改。")


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=16)
    last4 = forms.CharField(
        label=gettext_lazy("手机号码后四位"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
