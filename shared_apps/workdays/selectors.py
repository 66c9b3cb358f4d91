"""Reads of the working-day calendar. The calendar is not secret, but only its managers' pages and endpoints
list it; deadline code reads it through calendar.py."""

import datetime

from django.db.models import QuerySet

from shared_apps.workdays.calendar import overrides
from shared_apps.workdays.models import CalendarDay, CalendarEvent

MIN_YEAR, MAX_YEAR = 2000, 2099


def year_or_default(value) -> int:
    """The year asked for (`?year=`), or the current one when missing or out of range."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return datetime.date.today().year
    return year if MIN_YEAR <= year <= MAX_YEAR else datetime.date.today().year


def calendar_day_list(congress_or_none, year: int) -> QuerySet[CalendarDay]:
    """The rows of exactly one scope (province-wide for None, else the congress's own) in `year`, by date."""
    scope = {"congress__isnull": True} if congress_or_none is None else {"congress": congress_or_none}
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return CalendarDay.objects.filter(date__range=(first, last), **scope).order_by("date")


def calendar_effective(congress, year: int) -> list[CalendarDay]:
    """The rows in force for `congress` in `year`, by date: its own rows where it has them, else the
    province-wide ones. One query."""
    rows = overrides(congress, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return [rows[day] for day in sorted(rows)]


def calendar_event_list(congress_or_none, limit: int = 20) -> list[CalendarEvent]:
    """The latest history rows of one scope."""
    scope = {"congress__isnull": True} if congress_or_none is None else {"congress": congress_or_none}
    return list(CalendarEvent.objects.filter(**scope).select_related("actor")[:limit])
