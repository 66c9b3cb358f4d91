"""Publication of answered items on the congress's public site (代表法 Art. 51 and 地方组织法 Art. 42: the handling
of suggestions is made public), with the parts the office chose to hide removed, and the confidentiality rule
(RULES.md: on request the identity of the deputy is kept confidential; classified items are never published).

Writes (office, and the lead deputy's confidentiality request on a draft) follow services.py: one transaction, a
locked item, `require_here`, a SuggestionEvent. Public reads search and show the visible parts only, so a hidden
name or text can neither be shown nor found.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from tenant_apps.suggestions import inbox
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    Confidentiality,
    CoSigner,
    Kind,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenants.modules import News
from tenants.params import int_param
from tenants.selectors import effective_settings
from tenants.workflow import lock, require_here
from tenants.workflow.history import record_event

# The parts the office may hide, in the order pages list them. Number, title, category, kind, year and the
# result category always show: they are what the public report (办理情况报告) counts.
HIDEABLE = {
    "deputies": gettext_lazy("代表姓名（领衔代表和附议代表）"),
    "body": gettext_lazy("内容"),
    "reply": gettext_lazy("答复内容"),
    "units": gettext_lazy("承办单位"),
}
ANSWERED = (Status.REPLIED, Status.CLOSED)
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
HIDDEN_NOTE = gettext_lazy("（不公开）")


# -- who may --------------------------------------------------------------------------------------------


def can_publish(access: Access) -> bool:
    """Publish and unpublish items: office staff and administrators of this congress."""
    return perms.is_office(access)


def can_set_confidentiality(access: Access, suggestion: Suggestion) -> bool:
    """The office at any time; the lead deputy (or the delegation staff who drafted it) while it is a draft."""
    if perms.is_office(access):
        return True
    return suggestion.status == Status.DRAFT and perms.can_edit_draft(access, suggestion)


def publish_refusal(item: Suggestion) -> str | None:
    """Why the item cannot be published now (None: it can). A merged item is answered with the item it was
    merged into, so it may be published once that item has a reply."""
    if item.confidentiality == Confidentiality.CLASSIFIED:
        return _("涉密的议案建议按保密规定办理，不能公开。")
    if item.status in ANSWERED:
        return None
    target = item.merged_into if item.status == Status.MERGED else None
    if target is not None and target.status in ANSWERED:
        if target.confidentiality == Confidentiality.CLASSIFIED:
            return _("并入的议案建议涉密，本件不能公开。")
        return None
    return _("只有已答复或已办结的议案建议可以公开（并案的，须待并入的议案建议答复后）。")


# -- services -------------------------------------------------------------------------------------------


def _clean_hidden(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError({"hidden": [_("不公开的内容须是一个列表。")]})
    unknown = sorted({str(v) for v in value} - set(HIDEABLE))
    if unknown:
        raise ValidationError(
            {"hidden": [_("未知的不公开内容：%(keys)s。可选：%(choices)s。") % _keys(unknown, list(HIDEABLE))]}
        )
    return [key for key in HIDEABLE if key in value]


def _keys(unknown: list[str], choices: list[str]) -> dict:
    return {"keys": "、".join(unknown), "choices": "、".join(choices)}


def _forced(item: Suggestion, hidden: list[str]) -> list[str]:
    # RULES.md: an item whose deputy asked for confidentiality never shows the deputies' names.
    if item.confidentiality == Confidentiality.IDENTITY and "deputies" not in hidden:
        hidden = [key for key in HIDEABLE if key in {*hidden, "deputies"}]
    return hidden


@transaction.atomic
def suggestion_publish(*, access: Access, suggestion: Suggestion, hidden: list[str]) -> Suggestion:
    """Publish an answered item on the public site with the parts in `hidden` (keys of HIDEABLE) removed, or
    change which parts a published item hides. An item with confidentiality "identity" always hides
    "deputies"; a classified one is refused. The office only. Raises PermissionDenied or ValidationError
    ("hidden", "status", "confidentiality"); on error nothing changes."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not can_publish(access):
        raise PermissionDenied(_("只有人大办公室可以公开议案建议。"))
    cleaned = _clean_hidden(hidden)
    refusal = publish_refusal(item)
    if refusal is not None:
        key = "confidentiality" if item.confidentiality == Confidentiality.CLASSIFIED else "status"
        raise ValidationError({key: [refusal]})
    cleaned = _forced(item, cleaned)
    was_published = item.published_at is not None
    if not was_published:
        item.published_at = timezone.now()
    previously, item.public_hidden = list(item.public_hidden), cleaned
    item.save(update_fields=["published_at", "public_hidden", "updated_at"])
    data: dict[str, Any] = (
        {"hidden": cleaned, "previously_hidden": previously} if was_published else {"hidden": cleaned}
    )
    record_event(SuggestionEvent, item, actor=access.user, action="publish", data=data)
    inbox.refresh_for_item(access.congress, item)
    return item


def _unpublish(access: Access, item: Suggestion, note: str, **data) -> None:
    item.published_at = None
    item.save(update_fields=["published_at", "updated_at"])
    record_event(SuggestionEvent, item, actor=access.user, action="unpublish", note=note, data=data)
    inbox.refresh_for_item(access.congress, item)


@transaction.atomic
def suggestion_unpublish(*, access: Access, suggestion: Suggestion, note: str = "") -> Suggestion:
    """Take a published item off the public site (the parts it hid are kept, for publishing it again).
    The office only. Raises PermissionDenied or ValidationError ("published")."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not can_publish(access):
        raise PermissionDenied(_("只有人大办公室可以撤销公开。"))
    if item.published_at is None:
        raise ValidationError({"published": [_("这件议案建议尚未公开。")]})
    _unpublish(access, item, str(note or "").strip())
    return item


@transaction.atomic
def suggestion_set_confidentiality(
    *, access: Access, suggestion: Suggestion, confidentiality: str, note: str = ""
) -> Suggestion:
    """Set the item's confidentiality (none, identity, classified): the lead deputy on a draft, the office at
    any time. A published item set to "identity" hides its deputies at once; set to "classified" it is
    unpublished, and so are the published items merged into it (their reply is its reply). Setting the same
    value changes nothing. Raises PermissionDenied or ValidationError ("confidentiality")."""
    require_here(access, perms.HERE_ONLY)
    item = lock(suggestion)
    if not can_set_confidentiality(access, item):
        raise PermissionDenied(_("提交后只有人大办公室可以修改保密要求。"))
    value = str(confidentiality or "")
    if value not in Confidentiality.values:
        raise ValidationError({"confidentiality": [_("请选择公开、身份保密或涉密。")]})
    if value == item.confidentiality:
        return item
    previous, item.confidentiality = item.confidentiality, value
    fields = ["confidentiality"]
    effects: dict = {}
    if item.published_at is not None and value == Confidentiality.IDENTITY and "deputies" not in item.public_hidden:
        item.public_hidden = _forced(item, list(item.public_hidden))
        fields.append("public_hidden")
        effects["hidden"] = item.public_hidden
    if item.published_at is not None and value == Confidentiality.CLASSIFIED:
        item.published_at = None
        fields.append("published_at")
        effects["unpublished"] = True
    item.save(update_fields=[*fields, "updated_at"])
    record_event(
        SuggestionEvent,
        item,
        actor=access.user,
        action="confidentiality",
        note=str(note or "").strip(),
        data={"to": value, "previous": previous, **effects},
    )
    if value == Confidentiality.CLASSIFIED:
        merged = Suggestion.objects.select_for_update().filter(merged_into=item, published_at__isnull=False)
        for other in merged.order_by("pk"):
            _unpublish(access, other, _("并入的议案建议已定为涉密。"), because_of=item.pk)
    inbox.refresh_for_item(access.congress, item)
    return item


# -- public reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFilters:
    """The public list's criteria; empty values mean "any"."""

    q: str = ""
    year: int | None = None
    result: str = ""
    kind: str = ""

    @classmethod
    def from_params(cls, params) -> "PublicFilters":
        """Read the criteria from a query dict, dropping values that cannot match anything (the page's way)."""
        year = str(params.get("year") or "").strip()
        kind = str(params.get("kind") or "").strip()
        return cls(
            q=str(params.get("q") or "").strip()[:MAX_QUERY_LENGTH],
            year=int_param(year, low=1950, high=2999),
            result=str(params.get("result") or "").strip()[:20],
            kind=kind if kind in Kind.values else "",
        )

    @property
    def terms(self) -> list[str]:
        return self.q.split()[:MAX_TERMS]


class _Answer(TypedDict):
    """What public_items annotates: the item whose reply answers it (a merged item's target, else itself)."""

    answer_id: int
    answer_category: str


if TYPE_CHECKING:  # the type checker only: subscripting WithAnnotations fails at runtime on Python 3.11
    from django_stubs_ext import WithAnnotations

    PublicSuggestion = WithAnnotations[Suggestion, _Answer]


def public_items() -> "QuerySet[PublicSuggestion]":
    """Every item the public may see: published, not classified, answered (a merged item: its target answered
    and not classified). `answer_id`, `answer_category` and `answer_reply` name the item whose reply answers it.
    """
    answered_by_target = Q(status=Status.MERGED, merged_into__status__in=ANSWERED) & ~Q(
        merged_into__confidentiality=Confidentiality.CLASSIFIED
    )
    merged = Q(status=Status.MERGED)
    return (
        Suggestion.objects.filter(published_at__isnull=False)
        .exclude(confidentiality=Confidentiality.CLASSIFIED)
        .filter(Q(status__in=ANSWERED) | answered_by_target)
        .annotate(
            answer_id=Case(When(merged, then=F("merged_into_id")), default=F("pk")),
            answer_category=Case(When(merged, then=F("merged_into__result_category")), default=F("result_category")),
        )
        .alias(
            answer_reply=Case(When(merged, then=F("merged_into__reply_public_text")), default=F("reply_public_text"))
        )
        .select_related("lead_deputy", "merged_into")
    )


def _term_matches(term: str) -> Q:
    """The item shows `term` in one of its visible parts. Each part is tested on its own (a term never spans
    two parts) and only where the item does not hide it. SECURITY: a hidden part's condition is false whatever
    its text, so searching for hidden names or text finds nothing."""
    # Chinese has no case: a term without cased letters is matched with LIKE, without the UPPER() of icontains
    # over every row (the same result, at about half the time when measured on 5,000 items).
    lookup = "contains" if term.lower() == term.upper() else "icontains"

    def has(field: str) -> Q:
        return Q(**{f"{field}__{lookup}": term})

    def shown(part: str) -> Q:
        hidden = Q(public_hidden__contains=[part])
        if part == "deputies":  # belt and braces: publishing already adds it for these items
            hidden |= Q(confidentiality=Confidentiality.IDENTITY)
        return ~hidden

    cosigners = CoSigner.objects.filter(suggestion_id=OuterRef("pk"), confirmed_at__isnull=False).filter(
        has("deputy__name")
    )
    units = Assignment.objects.filter(suggestion_id=OuterRef("answer_id")).filter(has("unit__name"))
    return (
        has("number_text")
        | has("title")
        | has("category")
        | (shown("body") & has("body"))
        | (shown("reply") & has("answer_reply"))
        | (shown("deputies") & (has("lead_deputy__name") | Q(Exists(cosigners))))
        | (shown("units") & Q(Exists(units)))
    )


def public_search(filters: PublicFilters) -> "QuerySet[PublicSuggestion]":
    """The public items matching every filter, newest number first. Each whitespace-separated term of `q` must
    occur (case-insensitive substring, so one- and two-character Chinese terms work) in the visible parts:
    number, title, category, body, reply, the deputies' and the units' names. Public."""
    items = public_items()
    if filters.year:
        items = items.filter(submitted_at__year=filters.year)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.result:
        items = items.filter(answer_category=filters.result)
    if filters.terms:
        # A few thousand items per congress: a scan is fast enough, and no index would serve it. Trigrams need
        # three characters (Chinese is searched by one or two), and the visible parts differ item by item.
        items = items.alias(number_text=Cast("number", TextField()))
        for term in filters.terms:
            items = items.filter(_term_matches(term))
    # List rows show neither text: leaving them out keeps the sort of a long result small.
    long_texts = ("body", "reply_public_text", "merged_into__body", "merged_into__reply_public_text")
    return items.defer(*long_texts).order_by(F("number").desc(nulls_last=True), "-pk")


def public_get(pk) -> Suggestion | None:
    """One public item; None when it is missing, unpublished or classified."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return public_items().filter(pk=pk).first()


def public_years() -> list[int]:
    """The years in which public items were raised, newest first (the list's year filter)."""
    return [moment.year for moment in public_items().datetimes("submitted_at", "year", order="DESC")]


def paginate(queryset: QuerySet, page_number) -> Page:
    """One page of the public list (PAGE_SIZE a page; a bad page number gives the nearest page)."""
    return Paginator(queryset, PAGE_SIZE).get_page(page_number)


@dataclass(frozen=True)
class PublicUnit:
    name: str
    role: str
    role_label: str


@dataclass(frozen=True)
class PublicItem:
    """What the public sees of an item. A hidden part is None (its key is in `hidden`); templates and the API
    read only this, never the item, so nothing hidden can slip into a page."""

    id: int
    number: int | None
    kind: str
    kind_label: str
    title: str
    category: str
    year: int | None
    submitted_at: object
    published_at: object
    status: str
    status_label: str
    result_category: str
    result_label: str
    hidden: tuple[str, ...]
    lead_deputy: str | None
    merged_into: dict | None
    # Detail only (None in list rows as well as when hidden: see `hidden`).
    cosigners: tuple[str, ...] | None = None
    body: str | None = None
    reply: str | None = None
    replied_at: object = None
    units: tuple[PublicUnit, ...] | None = None

    @property
    def url(self) -> str:
        return reverse("suggestions:public_detail", args=[self.id])


def _labels(congress) -> dict[str, str]:
    return {code: label for code, label in effective_settings(congress)["categories.result"]}


def _merged_into(item: Suggestion) -> dict | None:
    if item.status != Status.MERGED or item.merged_into is None:
        return None
    target = item.merged_into
    # The same rule as public_items() for an item that is not itself merged: its own page exists.
    shown = (
        target.published_at is not None
        and target.confidentiality != Confidentiality.CLASSIFIED
        and target.status in ANSWERED
    )
    return {"id": target.pk if shown else None, "number": target.number, "title": target.title}


def hidden_parts(item: Suggestion) -> tuple[str, ...]:
    """The parts of a published item the public does not see, in HIDEABLE's order."""
    hidden = _forced(item, [key for key in HIDEABLE if key in item.public_hidden])
    return tuple(hidden)


def public_row(item: Suggestion, labels: dict[str, str], **detail) -> PublicItem:
    """The list row (or, with `detail`, the page) of a public item as returned by public_items()."""
    hidden = hidden_parts(item)
    category = getattr(item, "answer_category", item.result_category)
    return PublicItem(
        id=item.pk,
        number=item.number,
        kind=item.kind,
        kind_label=item.get_kind_display(),
        title=item.title,
        category=item.category,
        year=timezone.localtime(item.submitted_at).year if item.submitted_at else None,
        submitted_at=item.submitted_at,
        published_at=item.published_at,
        status=item.status,
        status_label=item.get_status_display(),
        result_category=category,
        result_label=labels.get(category, ""),
        hidden=hidden,
        lead_deputy=None if "deputies" in hidden else item.lead_deputy.name,
        merged_into=_merged_into(item),
        **detail,
    )


def public_rows(items, congress) -> list[PublicItem]:
    """List rows for a page of public items."""
    labels = _labels(congress)
    return [public_row(item, labels) for item in items]


def public_detail(item: Suggestion, congress) -> PublicItem:
    """The public page of an item from public_get(): the visible parts, the units and the reply."""
    hidden = hidden_parts(item)
    answer = item.merged_into if item.status == Status.MERGED else item
    assert answer is not None  # public_items() admits a merged item only with its target (merged_into__status)
    cosigners = CoSigner.objects.filter(suggestion=item, confirmed_at__isnull=False).select_related("deputy")
    lead_first = Case(*(When(role=role, then=Value(rank)) for rank, role in enumerate(AssignmentRole.values)))
    assignments = Assignment.objects.filter(suggestion=answer).select_related("unit").order_by(lead_first, "pk")
    return public_row(
        item,
        _labels(congress),
        cosigners=None if "deputies" in hidden else tuple(c.deputy.name for c in cosigners),
        body=None if "body" in hidden else item.body,
        reply=None if "reply" in hidden else answer.reply_public_text,
        replied_at=answer.replied_at,
        units=None
        if "units" in hidden
        else tuple(PublicUnit(a.unit.name, a.role, a.get_role_display()) for a in assignments),
    )


# -- the item page's panel ---------------------------------------------------------------------------------


def panel(request, item: Suggestion) -> dict | None:
    """Publication and confidentiality on the item's page: the office's forms; the lead deputy's choice on a
    draft; a read-only line for the item's deputies. None for everyone else."""
    access = request.access
    office = perms.is_office(access)
    may_set = can_set_confidentiality(access, item)
    if not (office or may_set or perms.is_item_deputy(access, item)):
        return None
    return {
        "template": "suggestions/_panel_publication.html",
        "item": item,
        "is_office": office,
        "can_set_confidentiality": may_set,
        "confidentiality_choices": Confidentiality.choices,
        "hideable": [(key, label, key in item.public_hidden) for key, label in HIDEABLE.items()],
        "hidden_labels": [label for key, label in HIDEABLE.items() if key in item.public_hidden],
        "identity": item.confidentiality == Confidentiality.IDENTITY,
        "refusal": publish_refusal(item) if office else None,
        "is_public": item.published_at is not None and public_get(item.pk) is not None,
    }


def news(limit: int) -> list[News]:
    """The latest published answers, for the congress's front page (最新动态): called on its host."""
    items = public_items().filter(status__in=ANSWERED).order_by("-published_at", "-id")[:limit]
    return [
        News(
            title=item.title,
            url=reverse("suggestions:public_detail", kwargs={"pk": item.pk}),
            when=item.published_at,
            kind=str(_("建议答复")),
        )
        for item in items
    ]
