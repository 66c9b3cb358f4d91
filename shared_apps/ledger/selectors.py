"""Reads of the duty record: a deputy's yearly ledger (履职账单) across every congress and tier, in a fixed number
of queries whatever the number of seats and records, and who may see which rows of it."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q

from shared_apps.ledger import kinds
from shared_apps.ledger.models import DutyRecord
from shared_apps.memberships.permissions import OFFICE_ROLES, Access
from shared_apps.registry.models import Deputy, Seat, SeatStatus, SeatTier


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    group: str
    count: int


class Entry(NamedTuple):
    """One duty of the ledger, as the page, the PDF, the xlsx and the API show it (a tuple: the ledger makes one
    per row on every visit)."""

    occurred_on: datetime.date
    congress_name: str
    kind: str
    category: str
    title: str
    url: str
    public: bool


@dataclass(frozen=True)
class SeatLine:
    """One of the deputy's seats, as the ledger's heading names it."""

    congress_name: str
    tier: str
    status: str
    term_number: int

    @property
    def tier_label(self) -> str:
        return str(dict(SeatTier.choices).get(self.tier, self.tier))

    @property
    def status_label(self) -> str:
        return str(dict(SeatStatus.choices).get(self.status, self.status))


@dataclass
class Ledger:
    """A deputy's year: every visible record, counted by kind and by month, and the seats it spans."""

    deputy: Deputy
    year: int
    public_only: bool
    records: list[Entry]
    seats: list[SeatLine]
    counts: list[KindCount] = field(default_factory=list)
    by_month: list[int] = field(default_factory=list)  # 12 numbers, January first

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def congress_names(self) -> list[str]:
        names = dict.fromkeys(s.congress_name for s in self.seats if s.congress_name)
        for record in self.records:
            names.setdefault(record.congress_name)
        return list(names)


def seat_congress_ids(deputy_id: int) -> set[int]:
    """The congresses where the deputy holds or held a seat."""
    return set(Seat.objects.filter(deputy_id=deputy_id, congress__isnull=False).values_list("congress_id", flat=True))


def can_view_full_ledger(access: Access, deputy: Deputy) -> bool:
    """The deputy themself, and the office of any congress where the deputy sits now (a serving seat, on that
    congress's host): a congress where they once sat sees what was published, like everyone else."""
    user = access.user
    if user is not None and getattr(user, "is_authenticated", False) and deputy.user_id == user.pk:
        return True
    if access.congress is None or not access.roles & OFFICE_ROLES:
        return False
    return Seat.objects.filter(deputy=deputy, congress=access.congress, status=SeatStatus.SERVING).exists()


# The year's records (in order) and the deputy's seats in ONE indexed round trip: the ledger is read on every
# visit to a deputy's page, and its cost must stay that of reading its rows (bench/duty.py).
_LEDGER_SQL = """
SELECT 'r', r.occurred_on, c.name, r.kind, r.category, r.title, r.url, r.public, 0, r.id
  FROM ledger_dutyrecord r JOIN tenants_congress c ON c.id = r.congress_id
 WHERE r.deputy_id = %(deputy)s AND r.year = %(year)s {public}
UNION ALL
SELECT 's', s.starts_on, COALESCE(c.name, ''), s.tier, s.status, '', '', false, t.number, s.id
  FROM registry_seat s JOIN registry_term t ON t.id = s.term_id LEFT JOIN tenants_congress c ON c.id = s.congress_id
 WHERE s.deputy_id = %(deputy)s
 ORDER BY 1, 2, 10
"""


_TIER_ORDER = {t: i for i, t in enumerate(SeatTier.values)}


def ledger(deputy: Deputy, year: int, *, public_only: bool) -> Ledger:
    """The deputy's ledger for `year`: one query, whatever the seats and records."""
    sql = _LEDGER_SQL.format(public="AND r.public" if public_only else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"deputy": deputy.pk, "year": year})
        rows = cursor.fetchall()
    records = [Entry._make(row[1:8]) for row in rows if row[0] == "r"]
    seats = sorted(
        (SeatLine(row[2], row[3], row[4], row[8]) for row in rows if row[0] == "s"),
        key=lambda s: _TIER_ORDER.get(s.tier, 9),
    )
    counted = Counter(r.kind for r in records)
    counts = [KindCount(k.key, k.label, k.group, counted[k.key]) for k in kinds.all_kinds() if k.key in counted]
    by_month = [0] * 12
    for r in records:
        by_month[r.occurred_on.month - 1] += 1
    return Ledger(deputy, year, public_only, records, seats, counts, by_month)


def years_of(deputy: Deputy, *, public_only: bool) -> list[int]:
    """The years with records (newest first), and this year in any case."""
    rows = DutyRecord.objects.filter(deputy=deputy)
    if public_only:
        rows = rows.filter(public=True)
    years = set(rows.values_list("year", flat=True).distinct())
    years.add(datetime.date.today().year)
    return sorted(years, reverse=True)


def counts_by_deputy(congress, year: int, deputy_ids) -> dict[int, Counter]:
    """For the office's dashboard: each deputy's records of `year`, counted by kind, from every congress."""
    result: dict[int, Counter] = {d: Counter() for d in deputy_ids}
    rows = (
        DutyRecord.objects.filter(deputy_id__in=list(deputy_ids), year=year)
        .values("deputy_id", "kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        result.setdefault(row["deputy_id"], Counter())[row["kind"]] = row["n"]
    return result


def public_filter() -> Q:
    return Q(public=True)
