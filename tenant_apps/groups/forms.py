from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.groups.models import DeputyGroup, Studio
from tenants.params import is_number


class GroupForm(forms.ModelForm):
    """A group's own fields; on an existing group the leader is chosen among its members."""

    leader = forms.TypedChoiceField(label=_("组长"), required=False, coerce=int, empty_value=None)

    class Meta:
        model = DeputyGroup
        fields = ["name", "area_or_field", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["leader"]
            return
        self.fields["leader"].choices = [("", "—")] + [(m.deputy_id, m.deputy.name) for m in members]
        self.initial.setdefault("leader", self.instance.leader_id or "")

    def service_data(self) -> dict:
        """The cleaned values as the services take them."""
        data = {f: self.cleaned_data[f] for f in ("name", "area_or_field", "description")}
        if "leader" in self.fields:
            data["leader"] = self.cleaned_data["leader"]
        return data


class StudioForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["kind", "name", "address", "opening_days", "contact_phone", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class MemberAddForm(forms.Form):
    deputy = forms.IntegerField(label=_("代表编号"), min_value=1)
    joined_on = forms.DateField(label=_("加入日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class DutyRosterForm(forms.Form):
    """The roster as lines `代表编号|值班时间`, e.g. `12|每月15日`."""

    duties = forms.CharField(
        label=_("值班安排"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一条：代表编号|值班时间，例如 12|每月15日"),
    )

    def clean_duties(self) -> list[dict]:
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["duties"].splitlines(), start=1):
            if not line.strip():
                continue
            deputy, _sep, when = (part.strip() for part in line.partition("|"))
            if not is_number(deputy) or len(deputy) > 9:
                errors.append(_("第%(n)d行：代表编号应为数字。") % {"n": number})
                continue
            rows.append({"deputy": int(deputy), "weekday_or_date": when})
        if errors:
            raise forms.ValidationError(errors)
        return rows


def roster_text(duties) -> str:
    """The current roster in the form's line format."""
    return "\n".join(f"{d.deputy_id}|{d.weekday_or_date}" for d in duties)
