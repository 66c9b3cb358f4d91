from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.units.models import HandlingUnit
from tenant_apps.units.services import NAME_MAX_LENGTH, UNIT_FIELDS


class UnitForm(forms.ModelForm):
    """A unit's own fields; the parent is chosen among the other units (the service refuses cycles)."""

    parent = forms.TypedChoiceField(label=_("上级单位"), required=False, coerce=int, empty_value=None)

    class Meta:
        model = HandlingUnit
        fields = list(UNIT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = HandlingUnit.objects.exclude(pk=self.instance.pk) if self.instance.pk else HandlingUnit.objects
        self.fields["parent"].choices = [("", "—")] + [
            (u.pk, u.name if u.is_active else f"{u.name}（{_('已停用')}）") for u in others.order_by("name")
        ]
        self.initial.setdefault("parent", self.instance.parent_id or "")

    def service_data(self) -> dict:
        """The cleaned values as the services take them."""
        return {**{f: self.cleaned_data[f] for f in UNIT_FIELDS}, "parent": self.cleaned_data["parent"]}


class StaffAddForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"))
    name = forms.CharField(
        label=_("姓名"), max_length=NAME_MAX_LENGTH, required=False, help_text=_("新建账号时使用；已有账号不改动。")
    )
    is_contact = forms.BooleanField(label=_("设为本单位联系人"), required=False)
