"""Forms of the platform's administration of congresses: provisioning one, its status, and the modules and
settings (of the province's defaults, or of one congress)."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from console import bulk
from tenants.models import Congress, CongressStatus
from tenants.modules import all_modules
from tenants.preferences import all_specs, clean_preferences

TIER_CHOICES = [("city", _("市级")), ("county", _("县级")), ("township", _("乡镇级"))]


class ProvisionForm(forms.Form):
    tier = forms.ChoiceField(label=_("层级"), choices=TIER_CHOICES, initial="township")
    parent = forms.ModelChoiceField(
        label=_("上级人大"),
        queryset=Congress.objects.filter(status=CongressStatus.ACTIVE).exclude(tier="township"),
    )
    division_code = forms.CharField(label=_("区划代码（12位）"), max_length=12)
    name = forms.CharField(label=_("名称"), max_length=100)
    subdomain = forms.CharField(label=_("子域名"), max_length=40)
    admin_email = forms.EmailField(label=_("首位管理员邮箱"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].label_from_instance = lambda c: f"{c.name}（{c.division_code}）"


class TreeUploadForm(forms.Form):
    """A province's tree (or part of it) as one CSV file; checked whole by console.bulk."""

    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("每行一个人大：层级,上级区划代码,区划代码,名称,子域名[,首位管理员邮箱]；UTF-8，可带表头。"),
    )

    def clean_file(self):
        return bulk.read_upload(self.cleaned_data["file"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CongressStatus.choices)
    note = forms.CharField(required=False, max_length=500)


class ConfigurationForm(forms.Form):
    """Modules as checkboxes and one field per setting spec; used for province defaults and a congress alike.

    Lists are edited as lines: choices as `code|label`, terms as `key=label`. Only values that differ from
    `base` (the layer underneath) are kept, so a congress keeps following the province where it did not differ.
    """

    modules = forms.MultipleChoiceField(label=_("启用的模块"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, base: dict, current: dict, modules: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        modules_field = cast(forms.MultipleChoiceField, self.fields["modules"])  # declared above
        modules_field.choices = [(m.key, m.label) for m in all_modules()]
        modules_field.initial = modules
        for spec in all_specs():
            value = current.get(spec.key, base[spec.key])
            self.fields[spec.key] = self._field_for(spec, value)

    @staticmethod
    def _field_for(spec, value):
        if spec.kind == "int":
            return forms.IntegerField(
                label=spec.label, initial=value, min_value=spec.min_value, max_value=spec.max_value
            )
        if spec.kind == "bool":
            return forms.BooleanField(label=spec.label, initial=value, required=False)
        if spec.kind == "text":
            return forms.CharField(label=spec.label, initial=value, required=False)
        if spec.kind == "choices":
            text = "\n".join(f"{code}|{label}" for code, label in value)
        else:
            text = "\n".join(f"{key}={label}" for key, label in value.items())
        return forms.CharField(label=spec.label, initial=text, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        values = {}
        for spec in all_specs():
            if spec.key not in data:
                continue
            raw = data[spec.key]
            try:
                values[spec.key] = self._parse(spec, raw)
            except ValueError as exc:
                self.add_error(spec.key, str(exc))
        if self.errors:
            return data
        try:
            cleaned = clean_preferences(values)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
            return data
        data["preferences"] = {k: v for k, v in cleaned.items() if v != self.base.get(k)}
        return data

    @staticmethod
    def _parse(spec, raw):
        if spec.kind in ("int", "bool", "text"):
            return raw
        pairs = []
        separator = "|" if spec.kind == "choices" else "="
        for line in (raw or "").splitlines():
            if not line.strip():
                continue
            if separator not in line:
                raise ValueError(
                    _("每行应写成 %(form)s。") % {"form": _("代码|名称") if spec.kind == "choices" else _("键=名称")}
                )
            left, right = line.split(separator, 1)
            pairs.append([left.strip(), right.strip()])
        return pairs if spec.kind == "choices" else dict(pairs)
