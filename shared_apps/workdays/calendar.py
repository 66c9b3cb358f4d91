"""Working-day arithmetic over the calendar: Mon–Fri are working days, Sat and Sun are not, then the
province-wide rows, then the congress's own rows, override that rule for their dates.

Each call reads the rows it needs in one query for a window sized to the question (rows are few: some
thirty a year), never one query per day. `WorkCalendar` keeps what it has read, so computing many deadlines
for one congress (a list of suggestions) costs one query, not one per item.
"""

import datetime

from django.db.models import Q

from shared_apps.workdays.models import CalendarDay, DayKind

MAX_WORKING_DAYS = 3650  # about 14 years: larger counts are input errors, not deadlines
MAX_MONTHS = 1200
MAX_SPAN_DAYS = 20 * 366  # the longest stretch any function walks or counts, day by day
_ONE_DAY = datetime.timedelta(days=1)


def _as_date(value) -> datetime.date:
    # A datetime is a date subclass, but it would never equal the calendar's dates: make callers choose the day
    # (timezone.localdate(moment)) rather than compare in UTC by accident.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def overrides(congress, first: datetime.date, last: datetime.date) -> dict[datetime.date, CalendarDay]:
    """The calendar rows in force for `congress` (None: province-wide only) from `first` to `last`, by date:
    a congress's own row wins over the province-wide one. One query."""
    scope = Q(congress__isnull=True) if congress is None else Q(congress__isnull=True) | Q(congress=congress)
    rows = CalendarDay.objects.filter(scope, date__range=(first, last))
    result: dict[datetime.date, CalendarDay] = {}
    # Province-wide rows first, so a congress's own row for the same date overwrites it.
    for row in sorted(rows, key=lambda r: r.congress_id is not None):
        result[row.date] = row
    return result


class WorkCalendar:
    """The working days of one congress (or of the province, for None), read from the database a window at a
    time and kept. Short-lived: create one per request or task, since rows may change afterwards."""

    def __init__(self, congress) -> None:
        self.congress = congress
        self._kinds: dict[datetime.date, str] = {}
        self._first: datetime.date | None = None
        self._last: datetime.date | None = None

    def load(self, first: datetime.date, last: datetime.date) -> None:
        """Make sure the rows from `first` to `last` are known, reading only the part not read yet."""
        if self._first is None or self._last is None:
            self._read(first, last)
            self._first, self._last = first, last
            return
        if first < self._first:
            self._read(first, self._first - _ONE_DAY)
            self._first = first
        if last > self._last:
            self._read(self._last + _ONE_DAY, last)
            self._last = last

    def _read(self, first: datetime.date, last: datetime.date) -> None:
        self._kinds.update({day: row.kind for day, row in overrides(self.congress, first, last).items()})

    def is_working_day(self, date: datetime.date) -> bool:
        date = _as_date(date)
        if self._first is None or self._last is None or not self._first <= date <= self._last:
            # Unknown ground: read a year ahead at once, as callers walk forwards.
            self.load(date, date + datetime.timedelta(days=366))
        kind = self._kinds.get(date)
        if kind is None:
            return date.weekday() < 5
        return kind == DayKind.WORKDAY

    def next_working_day(self, date: datetime.date) -> datetime.date:
        """`date` itself if it is a working day, otherwise the first working day after it."""
        day = _as_date(date)
        for _step in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {date}")

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start`; for n=0, `start` if it is a working day, else the next one."""
        start = _as_date(start)
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise ValueError(f"n must be between 0 and {MAX_WORKING_DAYS}, got {n}")
        if n == 0:
            return self.next_working_day(start)
        # Seven calendar days hold five working days; the margin covers the longest holidays (Spring Festival).
        self.load(start, start + datetime.timedelta(days=n * 7 // 5 + 60))
        day, counted = start, 0
        for _step in range(MAX_SPAN_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
        raise ValueError(f"fewer than {n} working days within {MAX_SPAN_DAYS} days of {start}")

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """How many working days fall after `start`, up to and including `end` (negative when `end` is
        earlier: then the working days after `end` up to and including `start`)."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"span longer than {MAX_SPAN_DAYS} days")
        if end == start:
            return 0
        self.load(start + _ONE_DAY, end)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def deadline_after_months(self, start: datetime.date, n: int) -> datetime.date:
        """`n` calendar months after `start` (clamped to the month's end), moved to the next working day if
        it is not one."""
        return self.next_working_day(add_months(start, n))


def add_months(start: datetime.date, n: int) -> datetime.date:
    """`n` calendar months after `start` (before it for negative n), clamped to the end of the month:
    31 January + 1 month is 28 (or 29) February. No database access."""
    start = _as_date(start)
    if abs(n) > MAX_MONTHS:
        raise ValueError(f"|n| must be at most {MAX_MONTHS}, got {n}")
    year, month_index = divmod(start.year * 12 + start.month - 1 + n, 12)
    month = month_index + 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(start.day, (following - _ONE_DAY).day))


def is_working_day(congress, date: datetime.date) -> bool:
    """Whether `date` is a working day for `congress` (None: by the province-wide calendar). One query."""
    date = _as_date(date)
    calendar = WorkCalendar(congress)
    calendar.load(date, date)
    return calendar.is_working_day(date)


def add_working_days(congress, start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` for `congress` (n=0: `start` if working, else the next working day),
    e.g. "assign within 7 working days of receipt". Raises ValueError for n outside 0..3650."""
    return WorkCalendar(congress).add_working_days(start, n)


def working_days_between(congress, start: datetime.date, end: datetime.date) -> int:
    """The working days after `start` up to and including `end` for `congress` (negative if `end` < `start`)."""
    return WorkCalendar(congress).working_days_between(start, end)


def deadline_after_months(congress, start: datetime.date, n: int) -> datetime.date:
    """A deadline of `n` months (reply within 3 months of assignment: 代表法 Art. 51): `add_months`, then the
    next working day if that day is not one."""
    return WorkCalendar(congress).deadline_after_months(start, n)
