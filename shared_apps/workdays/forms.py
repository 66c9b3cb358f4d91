from django import forms
from django.utils.translation import gettext_lazy as _

from shared_apps.workdays.models import CalendarDay, DayKind
from shared_apps.workdays.selectors import MAX_YEAR, MIN_YEAR


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(label=_("名称"), max_length=CalendarDay._meta.get_field("name").max_length, required=False)


class CalendarRemoveForm(forms.Form):
    date = forms.DateField(label=_("日期"))


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    file = forms.FileField(label=_("CSV文件（date,kind,name）"))
