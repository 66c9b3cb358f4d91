"""The monthly progress bulletin (办理进度通报, issue 4 item 7): per lead unit, how its items stand at the end of
a month. Pure reads in the congress's schema, a constant number of queries (two) whatever the number of units.

Definitions, all "as of" the bulletin's cut-off (the month's last day, or today for the running month), over
the items whose lead unit (主办单位, the one that replies) was assigned during the year up to the cut-off:
- replied: the item has a reply and is not awaiting a new one (re-handling);
- on time: replied, and the reply's local date is on or before `reply_due`;
- overdue: awaiting a reply (assigned or re-handling) and `reply_due` is before the cut-off;
- on-time rate: on time / (replied + overdue), the items whose deadline has been settled one way or the other;
- meeting rate: items with at least one face-to-face meeting (面商) logged by the unit / items assigned;
- A-rate: replies in result category "A" / replies;
- satisfaction rate: evaluations "satisfied" or "basically satisfied" / evaluations (every round).
A rate with nothing to divide by is None, shown as "—".
"""

import calendar
import datetime
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    BulletinPublication,
    Contact,
    ContactKind,
    Evaluation,
    EvaluationLevel,
    Status,
)
from tenant_apps.suggestions.permissions import is_office
from tenants.connection import in_schema_of

AWAITING = (Status.ASSIGNED, Status.REHANDLING)
SATISFIED = (EvaluationLevel.SATISFIED, EvaluationLevel.BASICALLY_SATISFIED)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class BulletinRow:
    """One unit's figures (or the totals, with unit_id None)."""

    unit_id: int | None
    unit_name: str
    assigned: int = 0
    replied: int = 0
    on_time: int = 0
    overdue: int = 0
    met: int = 0
    a_replies: int = 0
    evaluations: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.replied + self.overdue)

    @property
    def meeting_rate(self) -> float | None:
        return _rate(self.met, self.assigned)

    @property
    def a_rate(self) -> float | None:
        return _rate(self.a_replies, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.evaluations)


COUNTS = ("assigned", "replied", "on_time", "overdue", "met", "a_replies", "evaluations", "satisfied")


@dataclass
class Bulletin:
    """One month's bulletin of one congress: a row per lead unit (by name) and the totals."""

    congress_name: str
    year: int
    month: int
    as_of: datetime.date
    rows: list[BulletinRow] = field(default_factory=list)

    @property
    def totals(self) -> BulletinRow:
        total = BulletinRow(unit_id=None, unit_name=_("合计"))
        for row in self.rows:
            for name in COUNTS:
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    def to_json(self) -> dict:
        """What a publication keeps (BulletinPublication.snapshot)."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Bulletin":
        rows = [BulletinRow(**row) for row in data.get("rows", [])]
        as_of = datetime.date.fromisoformat(data["as_of"])
        return cls(data["congress_name"], data["year"], data["month"], as_of, rows)


def period(year, month) -> tuple[int, int]:
    """(year, month) from user input; ValidationError naming the field otherwise."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise ValidationError({"month": [_("请选择年份和月份。")]}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("年份不正确。")]})
    if not 1 <= month <= 12:
        raise ValidationError({"month": [_("月份不正确。")]})
    return year, month


def cut_off(year: int, month: int) -> datetime.date:
    """The month's last day, or today while the month is running."""
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return min(last, timezone.localdate())


def _unit_figures(year: int, as_of: datetime.date) -> list[dict]:
    """Query 1: the lead assignments of the period, counted per unit in one GROUP BY."""
    met = Contact.objects.filter(
        suggestion_id=OuterRef("suggestion_id"),
        unit_id=OuterRef("unit_id"),
        kind=ContactKind.MEETING,
        happened_on__lte=as_of,
    )
    replied = Q(suggestion__replied_at__isnull=False, replied_on__lte=as_of) & ~Q(suggestion__status__in=AWAITING)
    awaiting = Q(suggestion__status__in=AWAITING) | Q(replied_on__gt=as_of)
    return list(
        Assignment.objects.filter(
            role=AssignmentRole.LEAD,
            suggestion__assigned_at__date__gte=datetime.date(year, 1, 1),
            suggestion__assigned_at__date__lte=as_of,
        )
        .annotate(replied_on=TruncDate("suggestion__replied_at"), has_met=Exists(met))
        .values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            replied=Count("pk", filter=replied),
            on_time=Count("pk", filter=replied & Q(replied_on__lte=F("suggestion__reply_due"))),
            overdue=Count("pk", filter=awaiting & Q(suggestion__reply_due__lt=as_of)),
            met=Count("pk", filter=Q(has_met=True)),
            a_replies=Count("pk", filter=replied & Q(suggestion__result_category="A")),
        )
        .order_by("unit__name", "unit_id")
    )


def _evaluation_figures(year: int, as_of: datetime.date) -> dict[int, dict]:
    """Query 2: evaluations of the period's items, counted per lead unit."""
    lead = "suggestion__assignments__unit_id"
    rows = (
        Evaluation.objects.filter(
            suggestion__assignments__role=AssignmentRole.LEAD,
            suggestion__assigned_at__date__gte=datetime.date(year, 1, 1),
            suggestion__assigned_at__date__lte=as_of,
            created_at__date__lte=as_of,
        )
        .values(lead)
        .annotate(evaluations=Count("pk"), satisfied=Count("pk", filter=Q(result__in=SATISFIED)))
        .order_by()
    )
    return {row[lead]: row for row in rows}


def bulletin_for(congress, year: int, month: int) -> Bulletin:
    """The bulletin of `congress` for the month, computed now. The caller is in the congress's schema and has
    checked who may see live figures (can_manage_bulletin). Two queries."""
    as_of = cut_off(year, month)
    evaluations = _evaluation_figures(year, as_of)
    rows = []
    for figures in _unit_figures(year, as_of):
        rated = evaluations.get(figures["unit_id"], {})
        rows.append(
            BulletinRow(
                unit_id=figures["unit_id"],
                unit_name=figures["unit__name"],
                **{k: figures[k] for k in ("assigned", "replied", "on_time", "overdue", "met", "a_replies")},
                evaluations=rated.get("evaluations", 0),
                satisfied=rated.get("satisfied", 0),
            )
        )
    return Bulletin(congress.name, year, month, as_of, rows)


# -- who may, and publishing ------------------------------------------------------------------------------


def can_manage_bulletin(access: Access) -> bool:
    """Live figures, exports of them, and publishing: the office (office staff, congress administrators)."""
    return is_office(access)


def can_view_published_bulletin(access: Access) -> bool:
    """A published bulletin: every member of this congress, whatever the role."""
    return access.congress is not None and access.is_member


def publication_latest(year: int, month: int) -> BulletinPublication | None:
    """The month's latest publication, if any (the caller is in the congress's schema)."""
    return BulletinPublication.objects.filter(year=year, month=month).order_by("-published_at", "-id").first()


def bulletin_visible(access: Access, year: int, month: int) -> tuple[Bulletin, BulletinPublication | None] | None:
    """What the caller sees for the month: the office the live figures (and the latest publication, if any),
    other members the published snapshot; None both when nothing is published and when the caller may not see."""
    publication = publication_latest(year, month) if can_view_published_bulletin(access) else None
    if can_manage_bulletin(access):
        return bulletin_for(access.congress, year, month), publication
    if publication is None:
        return None
    return Bulletin.from_json(publication.snapshot), publication


@transaction.atomic
def bulletin_publish(*, access: Access, year: int, month: int) -> BulletinPublication:
    """Publish the month's bulletin as computed now (the office). Raises PermissionDenied or ValidationError."""
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(_("只能在本级人大的平台上发布通报。"))
    if not can_manage_bulletin(access):
        raise PermissionDenied(_("只有人大办公室可以发布办理进度通报。"))
    year, month = period(year, month)
    snapshot = bulletin_for(access.congress, year, month).to_json()
    return BulletinPublication.objects.create(year=year, month=month, published_by=access.user, snapshot=snapshot)
