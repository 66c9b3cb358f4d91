"""Reads of the duty record: a deputy's yearly ledger (履职账单) across every congress and tier, in a fixed number
of queries whatever the number of seats and records, and who may see which rows of it."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from shared_apps.ledger import kinds
from shared_apps.ledger.models import DutyRecord
from shared_apps.memberships.permissions import OFFICE_ROLES, Access
from shared_apps.registry.models import Deputy, Seat


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    group: str
    count: int


@dataclass
class Ledger:
    """A deputy's year: every visible record, counted by kind and by month, and the congresses they come from."""

    deputy: Deputy
    year: int
    public_only: bool
    records: list[DutyRecord]
    seats: list[Seat]
    counts: list[KindCount] = field(default_factory=list)
    by_month: list[int] = field(default_factory=list)  # 12 numbers, January first

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def congress_names(self) -> list[str]:
        names = dict.fromkeys(s.congress.name if s.congress else str(s.term) for s in self.seats)
        for record in self.records:
            names.setdefault(record.congress.name)
        return list(names)


def seat_congress_ids(deputy_id: int) -> set[int]:
    """The congresses where the deputy holds or held a seat."""
    return set(Seat.objects.filter(deputy_id=deputy_id, congress__isnull=False).values_list("congress_id", flat=True))


def can_view_full_ledger(access: Access, deputy: Deputy, congress_ids: set[int] | None = None) -> bool:
    """The deputy themself, and the office of any congress where the deputy sits (on that congress's host)."""
    user = access.user
    if user is not None and getattr(user, "is_authenticated", False) and deputy.user_id == user.pk:
        return True
    if access.congress is None or not access.roles & OFFICE_ROLES:
        return False
    ids = congress_ids if congress_ids is not None else seat_congress_ids(deputy.pk)
    return access.congress.pk in ids


def ledger(deputy: Deputy, year: int, *, public_only: bool) -> Ledger:
    """The deputy's ledger for `year`: two queries (seats, records), whatever the seats and records."""
    seats = list(
        Seat.objects.filter(deputy=deputy)
        .select_related("congress", "term", "constituency", "delegation")
        .order_by("term__tier", "id")
    )
    rows = DutyRecord.objects.filter(deputy=deputy, year=year).select_related("congress")
    if public_only:
        rows = rows.filter(public=True)
    records = list(rows.order_by("occurred_on", "id"))
    counted = Counter(r.kind for r in records)
    counts = [KindCount(k.key, k.label, k.group, counted[k.key]) for k in kinds.all_kinds() if counted.get(k.key)]
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
