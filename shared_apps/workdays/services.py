"""Writes to the working-day calendar: one day at a time, or a year's announcement at once.

Working days follow the official calendar, including make-up working weekends (调休): the calendar is data
that administrators maintain each year (shared/domain/RULES.md), so nothing here knows any holiday.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from shared_apps.workdays.models import CalendarDay, CalendarEvent, DayKind
from shared_apps.workdays.permissions import can_manage_calendar
from shared_apps.workdays.selectors import MAX_YEAR, MIN_YEAR
from tenants.fields import max_length
from tenants.workflow.history import record_event

NAME_MAX = max_length(CalendarDay, "name")
MAX_IMPORT_ROWS = 366
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
_LOCK_CLASS = 1463894361  # "WDAY": the first key of this app's advisory locks


def _require(access: Access, congress_or_none) -> None:
    if not can_manage_calendar(access, congress_or_none):
        if congress_or_none is None:
            raise PermissionDenied(_("只有省级平台管理员可以维护全省工作日历。"))
        raise PermissionDenied(_("只有本级人大管理员和机关工作人员可以维护本级工作日历。"))


def _lock_scope(congress_or_none) -> None:
    # Writes of one scope (the province, or one congress) take turns, so an import's delete-then-insert never
    # meets a day set meanwhile.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, congress_or_none.pk if congress_or_none else 0]
        )


def parse_date(value) -> datetime.date:
    """A date from a date or from text (2026-10-01 or 2026/10/1). Raises ValidationError."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        for fmt in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(str(value or "").strip(), fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("请填写有效日期（YYYY-MM-DD）。"))
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError(_("日期应在%(first)d年至%(last)d年之间。") % {"first": MIN_YEAR, "last": MAX_YEAR})
    return day


def clean_day(congress_or_none, date, kind, name, *, province_holidays: set[datetime.date] | None = None) -> dict:
    """Validate one day; returns {date, kind, name} or raises ValidationError keyed by field.

    A make-up working day only makes sense on a weekend, or (for a congress) on a day the province-wide
    calendar gives off; `province_holidays` saves a query per row when many days are checked.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"kind": str(kind or "").strip(), "name": str(name or "").strip()}
    try:
        cleaned["date"] = parse_date(date)
    except ValidationError as exc:
        errors["date"] = exc.messages
    if cleaned["kind"] not in DayKind.values:
        errors["kind"] = [_("类型应为 holiday（放假）或 workday（调休上班）。")]
    if len(cleaned["name"]) > NAME_MAX:
        errors["name"] = [_("名称不能超过%(n)d个字。") % {"n": NAME_MAX}]
    if not errors and _is_needless_workday(congress_or_none, cleaned, province_holidays):
        errors["date"] = [_("周一至周五本来就是工作日：调休上班只能设在周末或全省日历的放假日。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _is_needless_workday(congress_or_none, cleaned: dict, province_holidays: set[datetime.date] | None) -> bool:
    day = cleaned["date"]
    if cleaned["kind"] != DayKind.WORKDAY or day.weekday() >= 5:
        return False
    if congress_or_none is None:
        return True
    if province_holidays is not None:
        return day not in province_holidays
    return not CalendarDay.objects.filter(congress__isnull=True, date=day, kind=DayKind.HOLIDAY).exists()


@transaction.atomic
def calendar_day_set(*, access: Access, congress_or_none, date, kind: str, name: str = "") -> CalendarDay:
    """Mark `date` as a holiday or a make-up working day, province-wide (`congress_or_none` None: platform
    administrators) or for one congress (its administrators and office staff). Replaces that scope's row for
    the date, if any. Raises PermissionDenied, or ValidationError keyed by field."""
    _require(access, congress_or_none)
    cleaned = clean_day(congress_or_none, date, kind, name)
    _lock_scope(congress_or_none)
    # Locked row: the history's "previous" is the value this save replaces, not one a concurrent save wrote.
    day, created = CalendarDay.objects.select_for_update().get_or_create(
        congress=congress_or_none,
        date=cleaned["date"],
        defaults={"kind": cleaned["kind"], "name": cleaned["name"], "created_by": access.user},
    )
    previous = None
    if not created:
        # Setting a day to what it already is writes no history: the API's POST is idempotent.
        if (day.kind, day.name) == (cleaned["kind"], cleaned["name"]):
            return day
        previous = {"kind": day.kind, "name": day.name}
        day.kind, day.name = cleaned["kind"], cleaned["name"]
        day.save(update_fields=["kind", "name"])
    record_event(
        CalendarEvent,
        actor=access.user,
        kind=CalendarEvent.Kind.SET,
        congress=congress_or_none,
        date=day.date,
        data={"kind": day.kind, "name": day.name, "previous": previous},
    )
    return day


@transaction.atomic
def calendar_day_remove(*, access: Access, congress_or_none, date) -> bool:
    """Remove the scope's row for `date` (the day then follows the province-wide calendar, or the Mon–Fri rule).
    Same permissions as calendar_day_set. Returns whether a row was removed."""
    _require(access, congress_or_none)
    try:
        day = parse_date(date)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages}) from None
    _lock_scope(congress_or_none)
    row = CalendarDay.objects.select_for_update().filter(congress=congress_or_none, date=day).first()
    if row is None:
        return False
    row.delete()
    record_event(
        CalendarEvent,
        actor=access.user,
        kind=CalendarEvent.Kind.REMOVED,
        congress=congress_or_none,
        date=day,
        data={"kind": row.kind, "name": row.name},
    )
    return True


@transaction.atomic
def calendar_year_import(
    *, access: Access, congress_or_none, year: int, rows: list[dict], actor_label: str = ""
) -> list[CalendarDay]:
    """Enter a year's announcement at once: the scope's rows of `year` become exactly `rows` (each {date, kind,
    name}, with an optional `line` for messages). All or nothing: any bad row raises ValidationError under
    "rows", naming its line, and nothing is written. Same permissions as calendar_day_set."""
    _require(access, congress_or_none)
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": [_("年份应在%(first)d年至%(last)d年之间。") % {"first": MIN_YEAR, "last": MAX_YEAR}]}
        )
    cleaned = _clean_rows(congress_or_none, year, rows)
    _lock_scope(congress_or_none)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Replace, not merge: the year becomes exactly the announcement, so a day it no longer lists does not linger.
    replaced, _by_model = CalendarDay.objects.filter(congress=congress_or_none, date__range=(first, last)).delete()
    days = CalendarDay.objects.bulk_create(
        [CalendarDay(congress=congress_or_none, created_by=access.user, **row) for row in cleaned]
    )
    record_event(
        CalendarEvent,
        actor=access.user,
        kind=CalendarEvent.Kind.IMPORTED,
        congress=congress_or_none,
        data={"year": year, "count": len(days), "replaced": replaced, "source": actor_label},
    )
    return days


def _clean_rows(congress_or_none, year: int, rows: list[dict]) -> list[dict]:
    if not rows:
        raise ValidationError({"rows": [_("没有可导入的日期。")]})
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError({"rows": [_("一年最多导入%(n)d行。") % {"n": MAX_IMPORT_ROWS}]})
    province_holidays = None
    if congress_or_none is not None:
        # Read once for the whole file: clean_day would otherwise query once per row.
        province_holidays = set(
            CalendarDay.objects.filter(
                congress__isnull=True,
                date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
                kind=DayKind.HOLIDAY,
            ).values_list("date", flat=True)
        )
    cleaned: list[dict] = []
    errors: list[str] = []
    seen: dict[datetime.date, int] = {}  # date → the line it is first on
    for index, row in enumerate(rows):
        line = row.get("line", index + 1)
        try:
            day = clean_day(
                congress_or_none, row.get("date"), row.get("kind"), row.get("name"), province_holidays=province_holidays
            )
        except ValidationError as exc:
            errors += [_line(line, f"{field}: {' '.join(msgs)}") for field, msgs in exc.message_dict.items()]
            continue
        if day["date"].year != year:
            errors.append(_line(line, _("日期%(date)s不属于%(year)d年。") % {"date": day["date"], "year": year}))
        elif day["date"] in seen:
            errors.append(
                _line(line, _("日期%(date)s与第%(other)s行重复。") % {"date": day["date"], "other": seen[day["date"]]})
            )
        seen.setdefault(day["date"], line)
        cleaned.append(day)
    if errors:
        raise ValidationError({"rows": errors})
    return cleaned


def _line(line, message: str) -> str:
    return _("第%(line)s行：%(message)s") % {"line": line, "message": message}
