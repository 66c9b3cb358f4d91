"""What the office sees of its deputies' duty performance in a year (履职统计): per deputy, the records by kind
(from the public duty record, every congress included), the attendance rate at this congress's activities, the
median days to answer public messages here, and the duty reports given here with their satisfaction. Filters:
delegation, group, tier. A fixed number of queries whatever the number of deputies (one per source)."""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from shared_apps.ledger import kinds
from shared_apps.ledger.models import DutyRecord
from shared_apps.registry.models import Deputy, SeatTier
from tenant_apps.duty import selectors
from tenant_apps.duty.models import ActivityStatus, Invitation, InvitationStatus


@dataclass
class Row:
    deputy_id: int
    name: str
    congress: str
    tier: str
    counts: Counter = field(default_factory=Counter)
    invited: int = 0
    attended: int = 0
    excused: int = 0
    answer_days: float | None = None
    reports: int = 0
    satisfaction: float | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def attendance_rate(self) -> float | None:
        """Attended of those expected (invited and not excused) at activities already begun."""
        expected = self.invited - self.excused
        return self.attended / expected if expected > 0 else None


@dataclass(frozen=True)
class Filters:
    year: int
    delegation: int | None = None
    group: int | None = None
    tier: str = ""


def _population(congress, filters: Filters) -> dict[int, Row]:
    seats = selectors.invitable_seats(congress).select_related("deputy", "congress")
    if filters.tier:
        seats = seats.filter(tier=filters.tier)
    if filters.delegation:
        seats = seats.filter(delegation_id=filters.delegation)
    if filters.group:
        seats = seats.filter(deputy_id__in=selectors.deputies_in_groups([filters.group]))
    rows: dict[int, Row] = {}
    for seat in seats.order_by("deputy__name", "deputy_id", "tier"):
        if seat.deputy_id not in rows or seat.congress_id == congress.pk:
            rows[seat.deputy_id] = Row(
                seat.deputy_id, seat.deputy.name, seat.congress.name if seat.congress else "", seat.tier
            )
    return rows


def _attendance(rows: dict[int, Row], year: int) -> None:
    begun = Q(activity__starts_at__lte=timezone.now(), activity__starts_at__year=year)
    counted = (
        Invitation.objects.filter(begun, deputy_id__in=list(rows), activity__origin_congress__isnull=True)
        .filter(activity__status__in=(ActivityStatus.PUBLISHED, ActivityStatus.CLOSED))
        .values("deputy_id")
        .annotate(
            invited=Count("id"),
            attended=Count("id", filter=Q(status=InvitationStatus.ATTENDED)),
            excused=Count("id", filter=Q(status=InvitationStatus.EXCUSED)),
        )
    )
    for item in counted:
        row = rows[item["deputy_id"]]
        row.invited, row.attended, row.excused = item["invited"], item["attended"], item["excused"]


def _answers(congress, rows: dict[int, Row], year: int) -> None:
    if "liaison" not in congress.enabled_modules:
        return
    from tenant_apps.liaison.models import PublicMessage

    users = dict(Deputy.objects.filter(pk__in=list(rows), user__isnull=False).values_list("user_id", "pk"))
    days: dict[int, list[float]] = defaultdict(list)
    answered = PublicMessage.objects.filter(
        replied_by_id__in=list(users), replied_at__year=year, replied_at__isnull=False
    ).values_list("replied_by_id", "created_at", "replied_at")
    for user_id, created, replied in answered:
        if replied is None:
            continue
        days[users[user_id]].append((replied - created).total_seconds() / 86400)
    for deputy_id, values in days.items():
        rows[deputy_id].answer_days = round(statistics.median(values), 1)


def _reports(congress, rows: dict[int, Row], year: int) -> None:
    if "reports" not in congress.enabled_modules:
        return
    from tenant_apps.reports.models import Report, ReportStatus, RoundStatus, ScoreStatus

    found = (
        Report.objects.filter(deputy_id__in=list(rows), status=ReportStatus.PUBLISHED, round__opens_at__year=year)
        .values("deputy_id")
        .annotate(
            n=Count("id", distinct=True),
            scored=Count(
                "scores",
                filter=Q(scores__status=ScoreStatus.COUNTED, round__status=RoundStatus.PUBLISHED),
            ),
            pleased=Count(
                "scores",
                filter=Q(
                    scores__status=ScoreStatus.COUNTED,
                    round__status=RoundStatus.PUBLISHED,
                    scores__rating__in=("satisfied", "basically_satisfied"),
                ),
            ),
        )
    )
    for item in found:
        row = rows[item["deputy_id"]]
        row.reports = item["n"]
        row.satisfaction = item["pleased"] / item["scored"] if item["scored"] else None


def dashboard(congress, filters: Filters) -> list[Row]:
    rows = _population(congress, filters)
    if not rows:
        return []
    records = (
        DutyRecord.objects.filter(deputy_id__in=list(rows), year=filters.year)
        .values("deputy_id", "kind")
        .annotate(n=Count("id"))
    )
    for item in records:
        rows[item["deputy_id"]].counts[item["kind"]] = item["n"]
    _attendance(rows, filters.year)
    _answers(congress, rows, filters.year)
    _reports(congress, rows, filters.year)
    return list(rows.values())


def shown_kinds(rows: list[Row]) -> list[kinds.DutyKind]:
    """The kinds any row has, in the ledger's order (the table's columns)."""
    present = set().union(*(r.counts.keys() for r in rows)) if rows else set()
    return [k for k in kinds.all_kinds() if k.key in present]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def table(rows: list[Row]) -> tuple[list[str], list[list]]:
    """The same figures as headers and rows (the page and the xlsx)."""
    from django.utils.translation import gettext as _

    columns = shown_kinds(rows)
    headers = [_("代表"), _("所在人大"), _("层级"), _("履职记录"), *[k.label for k in columns]]
    headers += [_("出勤率"), _("留言答复用时中位数（天）"), _("述职次数"), _("述职满意率")]
    tiers = dict(SeatTier.choices)
    body = [
        [
            r.name,
            r.congress,
            str(tiers.get(r.tier, r.tier)),
            r.total,
            *[r.counts.get(k.key, 0) for k in columns],
            percent(r.attendance_rate),
            "—" if r.answer_days is None else r.answer_days,
            r.reports,
            percent(r.satisfaction),
        ]
        for r in rows
    ]
    return headers, body


def year_of(value) -> int:
    today = timezone.localdate()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year
    return year if datetime.MINYEAR < year <= today.year and year >= 2000 else today.year
