"""Figures of the public's messages (item 7): received, answered, forwarded, escalated, and the time to answer,
per station, per deputy and for the whole congress, over a year or a date range.

Definitions (one place, used by the pages, the API and the public read model alike):
- a message counts from the day it arrived here (for an escalated one: the day it reached this congress);
  held and discarded messages are not counted;
- answered: it has a reply (`replied_at`); the time to answer is from arrival to that reply, in days;
- forwarded: it went to a handling unit; escalated: it went up to the congress above.

Upper tiers read the congresses below them from the public read model exchange.LiaisonFigure, which each
congress keeps current through refresh_public_figures — never from another congress's schema.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.exchange.models import LiaisonFigure
from shared_apps.registry.models import Deputy
from tenant_apps.liaison.models import MessageStatus, PublicMessage, Station
from tenants.connection import current_schema, in_schema_of
from tenants.models import Congress
from tenants.params import int_param
from tenants.validators import TIER_SEGMENT

SECONDS_PER_DAY = 86400.0
NOT_COUNTED = (MessageStatus.HELD, MessageStatus.DISCARDED)
MAX_RANGE_DAYS = 3 * 366


class Epoch(Func):
    """The seconds of an interval, as a double (PostgreSQL's EXTRACT gives numeric)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of a column, NULLs ignored."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _answer_days():
    return Epoch(F("replied_at") - F("created_at")) / SECONDS_PER_DAY


def _aggregates() -> dict:
    """The aggregate expressions every figure is made of (one query whatever the grouping)."""
    counted = ~Q(status__in=NOT_COUNTED)
    answered = counted & Q(replied_at__isnull=False)
    return {
        "received": Count("pk", filter=counted),
        "answered": Count("pk", filter=answered),
        "forwarded": Count("pk", filter=counted & Q(forwarded_unit__isnull=False)),
        "escalated": Count("pk", filter=counted & Q(escalated_transfer_id__isnull=False)),
        "answer_days_total": Sum(_answer_days(), filter=answered),
        "answer_days_median": Median(_answer_days(), filter=answered),
    }


@dataclass(frozen=True)
class Figures:
    received: int = 0
    answered: int = 0
    forwarded: int = 0
    escalated: int = 0
    answer_days_total: float = 0.0
    answer_days_median: float | None = None

    @classmethod
    def from_row(cls, row) -> "Figures":
        if row is None:
            return cls()
        get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
        return cls(
            received=get("received") or 0,
            answered=get("answered") or 0,
            forwarded=get("forwarded") or 0,
            escalated=get("escalated") or 0,
            answer_days_total=float(get("answer_days_total") or 0),
            answer_days_median=get("answer_days_median"),
        )

    @property
    def answer_days_average(self) -> float | None:
        return self.answer_days_total / self.answered if self.answered else None

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.received if self.received else None

    def to_json(self) -> dict:
        def days(value):
            return None if value is None else round(value, 1)

        return {
            "received": self.received,
            "answered": self.answered,
            "forwarded": self.forwarded,
            "escalated": self.escalated,
            "answer_rate": None if self.answer_rate is None else round(self.answer_rate, 4),
            "median_days_to_answer": days(self.answer_days_median),
            "average_days_to_answer": days(self.answer_days_average),
        }


# -- the period ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Messages that arrived from `start` to `end`, both days included (local dates)."""

    start: datetime.date
    end: datetime.date

    @property
    def year(self) -> int | None:
        """The year, when the period is one whole calendar year."""
        whole = (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)
        return self.start.year if whole and self.start.year == self.end.year else None

    @property
    def label(self) -> str:
        if self.year is not None:
            return _("%(year)d年") % {"year": self.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def messages(self):
        return PublicMessage.objects.filter(created_at__date__gte=self.start, created_at__date__lte=self.end)


def period_from(params) -> Period:
    """The period asked for by `year`, or by `date_from` and `date_to` (ISO dates); the current year by
    default. ValidationError keyed by the parameter at fault."""
    params = params or {}
    date_from, date_to = (str(params.get(k) or "").strip() for k in ("date_from", "date_to"))
    if date_from or date_to:
        try:
            start = datetime.date.fromisoformat(date_from)
        except ValueError:
            raise ValidationError({"date_from": [_("请填写开始日期（如2026-01-01）。")]}) from None
        try:
            end = datetime.date.fromisoformat(date_to)
        except ValueError:
            raise ValidationError({"date_to": [_("请填写结束日期（如2026-12-31）。")]}) from None
        if end < start:
            raise ValidationError({"date_to": [_("结束日期不能早于开始日期。")]})
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError({"date_to": [_("统计区间不能超过三年。")]})
        return Period(start, end)
    year = int_param(params.get("year") or timezone.localdate().year, low=2000, high=2100)
    if year is None:
        raise ValidationError({"year": [_("请选择有效的年度。")]})
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


# -- this congress's figures (its own schema) --------------------------------------------------------------


def congress_figures(period: Period) -> Figures:
    return Figures.from_row(period.messages().aggregate(**_aggregates()))


def station_figures(period: Period) -> list[tuple[Station, Figures]]:
    """Every station (inactive ones too, if they had messages) with its figures; messages to a named deputy
    without a station are not in any station's row."""
    rows = {r["station_id"]: r for r in period.messages().values("station_id").annotate(**_aggregates()).order_by()}
    stations = Station.objects.filter(Q(is_active=True) | Q(pk__in=[k for k in rows if k]))
    return [(s, Figures.from_row(rows.get(s.pk))) for s in stations]


def deputy_figures(period: Period) -> list[tuple[Deputy, Figures]]:
    """Each deputy who received messages addressed to them in the period, with their figures, by name."""
    rows = {
        r["deputy_id"]: r
        for r in period.messages().filter(deputy__isnull=False).values("deputy_id").annotate(**_aggregates()).order_by()
    }
    deputies = Deputy.objects.only("id", "name").in_bulk(list(rows))
    found = [(deputies[k], Figures.from_row(row)) for k, row in rows.items() if k in deputies]
    return sorted(found, key=lambda pair: (pair[0].name, pair[0].pk))


def deputy_public_figures(deputy) -> Figures:
    """A deputy's figures here over all time, for their public page: messages addressed to them and those
    they answered on a station's duty (a message to a station counts for the deputy who replied)."""
    return Figures.from_row(PublicMessage.objects.filter(of_deputy(deputy)).aggregate(**_aggregates()))


def of_deputy(deputy) -> Q:
    """Messages addressed to `deputy`, or answered by their account."""
    mine = Q(deputy_id=deputy.pk)
    return mine | Q(replied_by_id=deputy.user_id) if deputy.user_id else mine


# -- the public read model and the roll-up -------------------------------------------------------------------


def refresh_public_figures(congress, message: PublicMessage | None = None) -> None:
    """Bring exchange.LiaisonFigure (public schema) up to date for `congress`: for the year `message` arrived in
    (the only year a change to it can move), or every year at once when no message is given. One aggregate
    query over those messages and one upsert. Call it in the congress's schema, after any change to a message
    (in the same transaction, so the roll-up is never ahead of the congress's own record)."""
    # SECURITY: a congress writes only its own figures, from its own schema.
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    messages = PublicMessage.objects.all()
    if message is not None:
        year = timezone.localtime(message.created_at).year
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        messages = messages.filter(created_at__gte=start, created_at__lt=start.replace(year=year + 1))
    rows = messages.annotate(year=ExtractYear("created_at")).values("year").annotate(**_aggregates()).order_by()
    figures = [
        LiaisonFigure(congress=congress, year=row["year"], **_read_model_fields(Figures.from_row(row))) for row in rows
    ]
    if figures:
        LiaisonFigure.objects.bulk_create(
            figures,
            update_conflicts=True,
            unique_fields=["congress", "year"],
            update_fields=[*_read_model_fields(Figures()), "updated_at"],
        )


def _read_model_fields(figures: Figures) -> dict:
    return {
        "received": figures.received,
        "answered": figures.answered,
        "forwarded": figures.forwarded,
        "escalated": figures.escalated,
        "answer_days_total": figures.answer_days_total,
        "answer_days_median": figures.answer_days_median,
    }


def congresses_below(congress) -> list:
    """Every congress below `congress` (its subtree shares its division-code prefix), as the registry's
    roll-up finds them, in division-code order."""
    prefix = congress.division_code[: TIER_SEGMENT[congress.tier][1]]
    return list(
        Congress.objects.filter(division_code__startswith=prefix).exclude(pk=congress.pk).order_by("division_code")
    )


def rollup_for(congress, year: int) -> tuple[list[dict], Figures]:
    """The year's figures of every congress below `congress`, from the public read model (two queries, public
    tables only), and their total (its median is unknown: medians do not add up)."""
    below = congresses_below(congress)
    stored = {f.congress_id: f for f in LiaisonFigure.objects.filter(congress__in=below, year=year)}
    rows = [{"congress": c, "figures": Figures.from_row(stored.get(c.pk))} for c in below]
    total = Figures(
        **{
            key: sum(getattr(r["figures"], key) for r in rows)
            for key in ("received", "answered", "forwarded", "escalated", "answer_days_total")
        }
    )
    return rows, total
