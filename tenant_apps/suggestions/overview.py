"""The office's overview (issue 4 item 9): every item of the congress past its draft in one filterable table,
with how they stand counted by the lead deputy's delegation, by handling unit and by deputy.

Pure reads in the congress's schema, for the office (and, on assigned items, the state organs' staff:
permissions.can_read_overview). The number of queries does
not depend on the number of items: the table is one annotated query plus one prefetch of the units, each
summary one GROUP BY (the deputies' one more for co-signatures), the filters' checks one query each at most.

Definitions:
- delegation: the lead deputy's delegation (代表团) on their seat in this congress's open term; none when the
  deputy has no seat in that term or the seat names no delegation;
- co-signers: those who confirmed (the co-signers of record, who count towards a motion's quorum);
- overdue: awaiting a reply (assigned or re-handling) and `reply_due` before today — as the bulletin counts it;
- latest evaluation: the lead deputy's rating of the latest reply rated (theirs is the rating that moves the item).

Bad filter values are refused, never silently dropped: parse_filters raises ValidationError keyed by the
parameter, so the page answers 400 with the message and the API 400 by field. Empty values mean "any".
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Delegation, Deputy, Seat, Term, TermStatus
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    Contact,
    ContactKind,
    CoSigner,
    Evaluation,
    Kind,
    Status,
    Suggestion,
)
from tenant_apps.suggestions.permissions import can_read_overview, is_office
from tenant_apps.units.models import HandlingUnit
from tenants.connection import in_schema_of
from tenants.params import is_number
from tenants.selectors import effective_settings

AWAITING = (Status.ASSIGNED, Status.REHANDLING)
STATUSES = tuple(s for s in Status if s != Status.DRAFT)  # the table's statuses, in workflow order
GROUPS = ("delegation", "unit", "deputy")
GROUP_TITLES = {
    "delegation": gettext_lazy("按代表团"),
    "unit": gettext_lazy("按承办单位"),
    "deputy": gettext_lazy("按代表"),
}
NO_DELEGATION = "none"
UNIT_ROLES = ("any", "lead")
FIRST_YEAR, LAST_YEAR = 2000, 2100
QUERY_MAX = 100
TRUE_WORDS, FALSE_WORDS = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}


# -- filters ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewFilters:
    """What the office asked for; every field empty means every item."""

    statuses: tuple[str, ...] = ()
    kind: str = ""
    delegation: int | None = None
    without_delegation: bool = False
    unit: int | None = None
    lead_unit_only: bool = False
    deputy: int | None = None
    result_category: str = ""
    overdue_only: bool = False
    key_only: bool = False
    year: int | None = None
    query: str = ""

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for links to the export and between the summaries)."""
        pairs = [("status", s) for s in self.statuses]
        delegation = NO_DELEGATION if self.without_delegation else self.delegation
        for key, value in (
            ("kind", self.kind),
            ("delegation", delegation),
            ("unit", self.unit),
            ("unit_role", "lead" if self.lead_unit_only and self.unit else ""),
            ("deputy", self.deputy),
            ("result_category", self.result_category),
            ("overdue", "1" if self.overdue_only else ""),
            ("key", "1" if self.key_only else ""),
            ("year", self.year),
            ("q", self.query),
        ):
            if value not in (None, ""):
                pairs.append((key, str(value)))
        return pairs

    def querystring(self) -> str:
        return urlencode(self.params())


def _values(params: Mapping, key: str) -> list[str]:
    """Every value of a parameter: repeated (?status=a&status=b) or comma-separated (?status=a,b)."""
    raw = params.getlist(key) if hasattr(params, "getlist") else params.get(key, [])
    if isinstance(raw, str | int):
        raw = [raw]
    return [part.strip() for value in raw for part in str(value).split(",") if part.strip()]


def _value(params: Mapping, key: str) -> str:
    values = _values(params, key) if key != "q" else [str(params.get(key) or "").strip()]
    if len(values) > 1:
        raise ValidationError({key: [_("此项只能选择一个值。")]})
    return values[0] if values else ""


def _int(params: Mapping, key: str, message: str) -> int | None:
    value = _value(params, key)
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({key: [message]}) from None


def _flag(params: Mapping, key: str) -> bool:
    value = _value(params, key).lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ValidationError({key: [_("请填写 1 或 0。")]})
    return value in TRUE_WORDS


def _collect(errors: dict, parse):
    """Run one parameter's parser, keeping its error so that every bad parameter is reported at once."""
    try:
        return parse()
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def open_term(congress) -> Term | None:
    """The congress's open term (届), whose seats say each deputy's delegation."""
    return Term.objects.filter(congress=congress, status=TermStatus.OPEN).first()


def _parse_statuses(params) -> tuple[str, ...]:
    statuses = _values(params, "status")
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise ValidationError({"status": [_("未知的状态：%(s)s。") % {"s": "、".join(unknown)}]})
    return tuple(s for s in STATUSES if s in statuses)


def _parse_kind(params) -> str:
    kind = _value(params, "kind")
    if kind and kind not in Kind.values:
        raise ValidationError({"kind": [_("请选择议案或建议。")]})
    return kind


def _parse_delegation(params, congress) -> tuple[int | None, bool]:
    if _value(params, "delegation") == NO_DELEGATION:
        return None, True
    pk = _int(params, "delegation", _("代表团不正确。"))
    if (
        pk is not None
        and not Delegation.objects.filter(pk=pk, term__congress=congress, term__status=TermStatus.OPEN).exists()
    ):
        raise ValidationError({"delegation": [_("代表团不存在。")]})
    return pk, False


def _parse_unit(params) -> tuple[int | None, bool]:
    pk = _int(params, "unit", _("承办单位不正确。"))
    if pk is not None and not HandlingUnit.objects.filter(pk=pk).exists():
        raise ValidationError({"unit": [_("承办单位不存在。")]})
    role = _value(params, "unit_role") or "any"
    if role not in UNIT_ROLES:
        raise ValidationError({"unit_role": [_("请选择“任何方式”或“仅主办”。")]})
    return pk, role == "lead"


def _parse_deputy(params, congress) -> int | None:
    pk = _int(params, "deputy", _("代表不正确。"))
    if pk is not None and not Seat.objects.filter(deputy_id=pk, congress=congress).exists():
        raise ValidationError({"deputy": [_("不是本级人大的代表。")]})
    return pk


def result_categories(congress) -> list[tuple[str, str]]:
    """The congress's result categories (categories.result): (code, label)."""
    return [(code, label) for code, label in effective_settings(congress)["categories.result"]]


def _parse_result_category(params, congress) -> str:
    code = _value(params, "result_category")
    if code and code not in dict(result_categories(congress)):
        raise ValidationError({"result_category": [_("请选择本级人大规定的办理结果分类。")]})
    return code


def _parse_year(params) -> int | None:
    year = _int(params, "year", _("年份不正确。"))
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [_("年份不正确。")]})
    return year


def _parse_query(params) -> str:
    query = _value(params, "q")
    if len(query) > QUERY_MAX:
        raise ValidationError({"q": [_("搜索内容不能超过%(n)d个字。") % {"n": QUERY_MAX}]})
    return query


def parse_filters(congress, params: Mapping) -> OverviewFilters:
    """The filters from query parameters (a QueryDict or a dict). Unknown parameters are ignored; a bad value
    of a known one raises ValidationError keyed by the parameter, every bad one at once. The caller is in the
    congress's schema; ids are checked to belong to this congress."""
    errors: dict[str, list[str]] = {}
    statuses = _collect(errors, lambda: _parse_statuses(params))
    kind = _collect(errors, lambda: _parse_kind(params))
    delegation = _collect(errors, lambda: _parse_delegation(params, congress)) or (None, False)
    unit = _collect(errors, lambda: _parse_unit(params)) or (None, False)
    deputy = _collect(errors, lambda: _parse_deputy(params, congress))
    category = _collect(errors, lambda: _parse_result_category(params, congress))
    overdue = _collect(errors, lambda: _flag(params, "overdue"))
    key = _collect(errors, lambda: _flag(params, "key"))
    year = _collect(errors, lambda: _parse_year(params))
    query = _collect(errors, lambda: _parse_query(params))
    if errors:
        raise ValidationError(errors)
    return OverviewFilters(
        statuses=statuses,
        kind=kind,
        delegation=delegation[0],
        without_delegation=delegation[1],
        unit=unit[0],
        lead_unit_only=unit[1],
        deputy=deputy,
        result_category=category,
        overdue_only=overdue,
        key_only=key,
        year=year,
        query=query,
    )


# -- the items ----------------------------------------------------------------------------------------------


def _overdue(today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": AWAITING, f"{prefix}reply_due__lt": today})


class _DelegationAnnotations(TypedDict):
    """What _with_delegation annotates."""

    lead_delegation_id: int | None
    lead_delegation_name: str | None


class _TableAnnotations(_DelegationAnnotations):
    """What _table annotates, on top of the delegation."""

    cosigner_count: int
    has_meeting: bool
    latest_evaluation: str | None
    is_overdue: bool


if TYPE_CHECKING:  # the type checker only: subscripting WithAnnotations fails at runtime on Python 3.11
    from django_stubs_ext import WithAnnotations

    WithDelegation = WithAnnotations[Suggestion, _DelegationAnnotations]
    TableItem = WithAnnotations[Suggestion, _TableAnnotations]


def _with_delegation(items: QuerySet[Suggestion], term: Term | None) -> "QuerySet[WithDelegation]":
    """Annotate the lead deputy's delegation in the open term (a public table, reached by subquery)."""
    if term is None:
        return items.annotate(
            lead_delegation_id=Value(None, output_field=IntegerField()),
            lead_delegation_name=Value(None, output_field=CharField()),
        )
    seat = Seat.objects.filter(deputy_id=OuterRef("lead_deputy_id"), term_id=term.pk)
    return items.annotate(
        lead_delegation_id=Subquery(seat.values("delegation_id")[:1]),
        lead_delegation_name=Subquery(seat.values("delegation__name")[:1]),
    )


def _filtered(filters: OverviewFilters, term: Term | None, today: datetime.date) -> "QuerySet[WithDelegation]":
    items = _with_delegation(Suggestion.objects.exclude(status=Status.DRAFT), term)
    if filters.statuses:
        items = items.filter(status__in=filters.statuses)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.without_delegation:
        items = items.filter(lead_delegation_id__isnull=True)
    elif filters.delegation is not None:
        items = items.filter(lead_delegation_id=filters.delegation)
    if filters.unit is not None:
        assigned = Assignment.objects.filter(suggestion_id=OuterRef("pk"), unit_id=filters.unit)
        if filters.lead_unit_only:
            assigned = assigned.filter(role=AssignmentRole.LEAD)
        items = items.filter(Exists(assigned))
    if filters.deputy is not None:
        signed = CoSigner.objects.filter(
            suggestion_id=OuterRef("pk"), deputy_id=filters.deputy, confirmed_at__isnull=False
        )
        items = items.filter(Q(lead_deputy_id=filters.deputy) | Exists(signed))
    if filters.result_category:
        items = items.filter(result_category=filters.result_category)
    if filters.overdue_only:
        items = items.filter(_overdue(today))
    if filters.key_only:
        items = items.filter(is_key=True)
    if filters.year is not None:
        items = items.filter(submitted_at__year=filters.year)
    if filters.query:
        match = Q(title__icontains=filters.query)
        if is_number(filters.query) and len(filters.query) <= 9:
            match |= Q(number=int(filters.query))
        items = items.filter(match)
    return items


def _table(items: "QuerySet[WithDelegation]", today: datetime.date) -> "QuerySet[TableItem]":
    """The filtered items with what each row shows, computed in the one query (and one prefetch of units)."""
    cosigners = (
        CoSigner.objects.filter(suggestion_id=OuterRef("pk"), confirmed_at__isnull=False)
        .order_by()
        .values("suggestion_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest = Evaluation.objects.filter(suggestion_id=OuterRef("pk"), deputy_id=OuterRef("lead_deputy_id"))
    meetings = Contact.objects.filter(suggestion_id=OuterRef("pk"), kind=ContactKind.MEETING)
    return (
        items.select_related("lead_deputy")
        .annotate(
            cosigner_count=Coalesce(Subquery(cosigners), 0),
            has_meeting=Exists(meetings),
            latest_evaluation=Subquery(latest.order_by("-round", "-id").values("result")[:1]),
            is_overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField()),
        )
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("unit")))
        .order_by("number", "pk")
    )


@dataclass
class UnitPart:
    unit_id: int
    name: str
    role: str
    role_label: str


@dataclass
class OverviewRow:
    """One item as the table, the export and the API show it."""

    id: int
    number: int | None
    kind: str
    kind_label: str
    title: str
    lead_deputy_id: int
    lead_deputy_name: str
    delegation_id: int | None
    delegation_name: str
    cosigner_count: int
    lead_unit: UnitPart | None
    other_units: list[UnitPart]
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    assigned_at: datetime.datetime | None
    reply_due: datetime.date | None
    replied_at: datetime.datetime | None
    is_overdue: bool
    meeting_held: bool
    result_category: str
    result_category_label: str
    latest_evaluation: str
    latest_evaluation_label: str
    is_key: bool
    confidentiality: str
    confidentiality_label: str

    @property
    def other_units_text(self) -> str:
        return "；".join(f"{u.name}（{u.role_label}）" for u in self.other_units)


# -- the summaries ------------------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    """One delegation's, unit's or deputy's items, by status. `extra` is the summary's own column: for a unit
    the items it leads (主办), for a deputy the items they co-signed."""

    key: int | None
    name: str
    total: int = 0
    overdue: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    extra: int | None = None

    def by_status(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUSES]


@dataclass
class Summary:
    group: str
    title: str
    name_header: str
    extra_header: str | None
    rows: list[SummaryRow]


def _counts(prefix: str = "") -> dict:
    return {f"n_{s}": Count("pk", filter=Q(**{f"{prefix}status": s})) for s in STATUSES}


def _summary_row(values: dict, key: str, name: str, extra: str | None = None) -> SummaryRow:
    return SummaryRow(
        key=values[key],
        name=values[name] or "",
        total=values["total"],
        overdue=values["overdue"],
        counts={s: values[f"n_{s}"] for s in STATUSES},
        extra=values[extra] if extra else None,
    )


def _by_delegation(items: "QuerySet[WithDelegation]", today: datetime.date) -> Summary:
    rows = (
        items.values("lead_delegation_id", "lead_delegation_name")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=_overdue(today)), **_counts())
        .order_by(F("lead_delegation_name").asc(nulls_last=True))
    )
    made = [_summary_row(r, "lead_delegation_id", "lead_delegation_name") for r in rows]
    for row in made:
        row.name = row.name or _("未分代表团")
    return Summary("delegation", str(GROUP_TITLES["delegation"]), _("代表团"), None, made)


def _by_unit(items: QuerySet[Suggestion], today: datetime.date) -> Summary:
    rows = (
        Assignment.objects.filter(suggestion_id__in=items.values("pk"))
        .values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=_overdue(today, "suggestion__")),
            lead=Count("pk", filter=Q(role=AssignmentRole.LEAD)),
            **_counts("suggestion__"),
        )
        .order_by("unit__name", "unit_id")
    )
    made = [_summary_row(r, "unit_id", "unit__name", "lead") for r in rows]
    return Summary("unit", str(GROUP_TITLES["unit"]), _("承办单位"), _("其中主办"), made)


def _by_deputy(items: QuerySet[Suggestion], today: datetime.date) -> Summary:
    """Items counted under their lead deputy; the extra column counts the items each deputy co-signed, so a
    deputy who only co-signed has a row too."""
    led = (
        items.values("lead_deputy_id", "lead_deputy__name")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=_overdue(today)), **_counts())
        .order_by()
    )
    rows = {r["lead_deputy_id"]: _summary_row(r, "lead_deputy_id", "lead_deputy__name") for r in led}
    signed = (
        CoSigner.objects.filter(suggestion_id__in=items.values("pk"), confirmed_at__isnull=False)
        .values("deputy_id", "deputy__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for entry in signed:
        row = rows.setdefault(entry["deputy_id"], SummaryRow(entry["deputy_id"], entry["deputy__name"]))
        row.extra = entry["n"]
    for row in rows.values():
        row.extra = row.extra or 0
    made = sorted(rows.values(), key=lambda r: (r.name, r.key or 0))
    return Summary("deputy", str(GROUP_TITLES["deputy"]), _("代表"), _("附议件数"), made)


SUMMARIES = {"delegation": _by_delegation, "unit": _by_unit, "deputy": _by_deputy}


# -- the selector -------------------------------------------------------------------------------------------


@dataclass
class Overview:
    """The filtered items of one congress (`items`, a lazy annotated queryset, in number order) and their
    summaries. `rows()` turns items into OverviewRow; `summary(group)` runs that summary's query once."""

    filters: OverviewFilters
    today: datetime.date
    items: "QuerySet[TableItem]"
    filtered: "QuerySet[WithDelegation]"
    labels: dict[str, dict[str, str]]
    _summaries: dict[str, Summary] = field(default_factory=dict)

    def rows(self, items: "Iterable[TableItem] | None" = None) -> list[OverviewRow]:
        return [self._row(item) for item in (self.items if items is None else items)]

    def summary(self, group: str) -> Summary:
        if group not in self._summaries:
            self._summaries[group] = SUMMARIES[group](self.filtered, self.today)
        return self._summaries[group]

    def summaries(self) -> dict[str, Summary]:
        return {group: self.summary(group) for group in GROUPS}

    def _row(self, item: "TableItem") -> OverviewRow:
        parts = [
            UnitPart(a.unit_id, a.unit.name, a.role, str(AssignmentRole(a.role).label))
            for a in item.assignments.all()  # prefetched
        ]
        lead = next((p for p in parts if p.role == AssignmentRole.LEAD), None)
        results, ratings = self.labels["result"], self.labels["evaluation"]
        evaluation = item.latest_evaluation or ""
        return OverviewRow(
            id=item.pk,
            number=item.number,
            kind=item.kind,
            kind_label=item.get_kind_display(),
            title=item.title,
            lead_deputy_id=item.lead_deputy_id,
            lead_deputy_name=item.lead_deputy.name,
            delegation_id=item.lead_delegation_id,
            delegation_name=item.lead_delegation_name or "",
            cosigner_count=item.cosigner_count,
            lead_unit=lead,
            other_units=[p for p in parts if p is not lead],
            status=item.status,
            status_label=item.get_status_display(),
            submitted_at=item.submitted_at,
            assigned_at=item.assigned_at,
            reply_due=item.reply_due,
            replied_at=item.replied_at,
            is_overdue=item.is_overdue,
            meeting_held=item.has_meeting,
            result_category=item.result_category,
            result_category_label=results.get(item.result_category, item.result_category),
            latest_evaluation=evaluation,
            latest_evaluation_label=ratings.get(evaluation, evaluation),
            is_key=item.is_key,
            confidentiality=item.confidentiality,
            confidentiality_label=item.get_confidentiality_display(),
        )


def overview(access: Access, filters: OverviewFilters) -> Overview:
    """Every item of the caller's congress past its draft that matches `filters`, with their summaries.
    The office (office staff, congress administrators), and the state organs' staff, who read the items that
    were assigned (their departments' handling); raises PermissionDenied for anyone else.
    A constant number of queries, whatever the number of items."""
    # SECURITY: an Access of one congress must never read another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(_("只能查看本级人大的议案建议。"))
    if not can_read_overview(access):
        raise PermissionDenied(_("只有人大办公室可以查看办理情况总览。"))
    assert access.congress is not None  # in_schema_of() above is False for None
    today = timezone.localdate()
    filtered = _filtered(filters, open_term(access.congress), today)
    if not is_office(access):
        filtered = filtered.filter(pk__in=Assignment.objects.values("suggestion_id"))
    settings = effective_settings(access.congress)
    labels = {
        "result": {code: label for code, label in settings["categories.result"]},
        "evaluation": {code: label for code, label in settings["categories.evaluation"]},
    }
    return Overview(filters, today, _table(filtered, today), filtered, labels)


def filter_choices(congress) -> dict:
    """What the filter form offers: the open term's delegations, the units, the deputies on items, the
    result categories (the caller is in the congress's schema)."""
    term = open_term(congress)
    on_items = Suggestion.objects.exclude(status=Status.DRAFT)
    signed = CoSigner.objects.filter(suggestion__in=on_items, confirmed_at__isnull=False)
    on_items_q = Q(pk__in=on_items.values("lead_deputy_id")) | Q(pk__in=signed.values("deputy_id"))
    return {
        "delegations": list(Delegation.objects.filter(term=term).values_list("pk", "name")) if term else [],
        "units": list(HandlingUnit.objects.order_by("name", "pk").values_list("pk", "name")),
        "deputies": list(Deputy.objects.filter(on_items_q).order_by("name", "pk").values_list("pk", "name")),
        "result_categories": result_categories(congress),
    }
