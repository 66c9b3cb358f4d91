"""Calendar pages: the province-wide calendar on the root console (platform administrators) and a congress's
own days on its host (its administrators and office staff). Both call the same services as the API and the
import_calendar command."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.workdays import csvfile, selectors, services
from shared_apps.workdays.forms import CalendarDayForm, CalendarImportForm, CalendarRemoveForm
from shared_apps.workdays.permissions import can_manage_calendar
from tenants.forms import add_service_errors
from tenants.workflow.history import HistoryRow, history_rows


def can_manage_calendar_here(access) -> bool:
    """The calendar pages: whoever may change the rows of the host's scope (the province on the root)."""
    return can_manage_calendar(access, access.congress)


def _back(year: int):
    return redirect(f"{reverse('calendar:index')}?year={year}")


def _page(request, *, day_form=None, import_form=None, status: int = 200):
    congress = request.congress
    year = selectors.year_or_default(request.GET.get("year") or request.POST.get("year"))
    days = list(selectors.calendar_day_list(congress, year))
    context = {
        "year": year,
        "days": days,
        "own_dates": {day.date for day in days},
        "province_days": selectors.calendar_day_list(None, year) if congress is not None else None,
        "day_form": day_form or CalendarDayForm(),
        "import_form": import_form or CalendarImportForm(initial={"year": year}),
        "history": calendar_history(selectors.calendar_event_list(congress)),
        "is_console": congress is None,
    }
    return render(request, "workdays/calendar.html", context, status=status)


@require_access(can_manage_calendar_here)
def index(request):
    """The year's days (`?year=`) with forms to set a day and to import a year; POST sets one day."""
    if request.method != "POST":
        return _page(request)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            day = services.calendar_day_set(
                access=request.access, congress_or_none=request.congress, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存%(date)s。") % {"date": day.date})
            return _back(day.date.year)
    return _page(request, day_form=form, status=400)


# SECURITY: POST only (CSRF-checked): a link or an image cannot remove a day.
@require_POST
@require_access(can_manage_calendar_here)
def remove(request):
    form = CalendarRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效日期（YYYY-MM-DD）。"))
        return _back(selectors.year_or_default(None))
    day = form.cleaned_data["date"]
    if services.calendar_day_remove(access=request.access, congress_or_none=request.congress, date=day):
        messages.success(request, _("已删除%(date)s。") % {"date": day})
    return _back(day.year)


@require_POST
@require_access(can_manage_calendar_here)
def import_year(request):
    """Replace the year's rows with those of an uploaded CSV file: all rows or none."""
    form = CalendarImportForm(request.POST, request.FILES)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            rows = csvfile.parse_rows(csvfile.decode(form.cleaned_data["file"].read()))
            days = services.calendar_year_import(
                access=request.access, congress_or_none=request.congress, year=year, rows=rows
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已导入%(year)d年的%(n)d天。") % {"year": year, "n": len(days)})
            return _back(year)
    return _page(request, import_form=form, status=400)


def _calendar_label(event) -> str:
    parts = [str(event.get_kind_display())]
    if event.date:
        parts.append(event.date.isoformat())
    if event.data.get("year"):
        parts.append(str(event.data["year"]))
    return " ".join(parts)


def calendar_history(events) -> list[HistoryRow]:
    """The calendar's recent changes for the timeline: the kind with its day or year, and who made it (an
    import run from the command line names its source instead)."""
    return history_rows(events, label=_calendar_label, actor=lambda e: e.actor or e.data.get("source") or "—")
