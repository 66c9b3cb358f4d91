"""Public reads of the registry: a congress's deputy directory and the province-wide deputy search.

Everything here is public (anonymous visitors included), so these selectors load only public columns: the
encrypted, hashed and masked identifiers never leave the database on these paths.
"""

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from shared_apps.registry.models import Constituency, Deputy, Seat, SeatStatus, SeatTier, TermStatus
from tenants.models import CongressStatus
from tenants.params import is_number

PAGE_SIZE = 30
MAX_QUERY_LENGTH = 50
# The only Deputy columns a public page or endpoint may read.
PUBLIC_FIELDS = ("name", "gender", "ethnicity", "party", "occupation", "work_unit", "photo", "biography")
# What a deputy's page offers instead of a phone number; the liaison-station module will make it a link.
CONTACT_NOTE = _("通过本站代表联络站留言")
NPC_NAME = _("全国人民代表大会")

_TIER_ORDER = Case(
    *(When(tier=tier, then=Value(rank)) for rank, tier in enumerate(SeatTier.values)),
    output_field=IntegerField(),
)


class NameChars(Func):
    """The characters of a deputy's name as a text[]: `string_to_array(name, NULL)`.

    Chinese names are two or three characters long and people search them by one or two, which trigrams
    cannot index (a pattern needs three characters to yield one). Migration 0003 indexes this exact
    expression with GIN, so `NameChars() @> ARRAY[each character of the query]` narrows the rows by index
    and `name__icontains` then checks that the characters are adjacent and in order.
    """

    function = "string_to_array"

    def __init__(self, **extra):
        super().__init__(F("name"), Value(None), output_field=ArrayField(TextField()), **extra)


@dataclass(frozen=True)
class SearchFilters:
    """The province-wide search's criteria; empty strings mean "any"."""

    q: str = ""
    tier: str = ""
    congress: str = ""  # a division code
    constituency: str = ""

    @classmethod
    def from_params(cls, params) -> "SearchFilters":
        """Read the criteria from a query dict, dropping values that cannot match anything meaningful."""

        def text(key: str) -> str:
            return (params.get(key) or "").strip()[:MAX_QUERY_LENGTH]

        tier = text("tier")
        congress = text("congress")
        return cls(
            q=text("q"),
            tier=tier if tier in SeatTier.values else "",
            congress=congress if is_number(congress) else "",
            constituency=text("constituency"),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.tier or self.congress or self.constituency)


def public_seats() -> QuerySet[Seat]:
    """Serving seats the public may see: the NPC's, and those in active congresses."""
    return Seat.objects.filter(status=SeatStatus.SERVING).filter(
        Q(congress__isnull=True) | Q(congress__status=CongressStatus.ACTIVE)
    )


def public_seats_prefetch() -> Prefetch:
    """A deputy's public seats, national first, with what a page shows of each, as `deputy.public_seats`
    (one query for a whole page of deputies)."""
    seats = public_seats().select_related("congress", "term", "constituency", "delegation")
    return Prefetch("seats", queryset=seats.order_by(_TIER_ORDER, "id"), to_attr="public_seats")


def seat_deputy_url(seat: Seat) -> str:
    """The deputy's public page in the seat's congress ("" for NPC seats: the NPC is not a tenant)."""
    return seat.congress.url(f"/deputies/{seat.deputy_id}/") if seat.congress is not None else ""


def attach_seat_urls(deputies) -> None:
    """Set `seat.deputy_url` on every public seat of these (prefetched) deputies, for templates."""
    for deputy in deputies:
        for seat in deputy.public_seats:
            seat.deputy_url = seat_deputy_url(seat)


def public_deputies() -> QuerySet[Deputy]:
    """Deputies restricted to their public columns, with their public seats."""
    return Deputy.objects.only(*PUBLIC_FIELDS).prefetch_related(public_seats_prefetch())


# --- a congress's directory ---------------------------------------------------------------------------------


def _directory_seats(congress) -> QuerySet[Seat]:
    return Seat.objects.filter(congress=congress, status=SeatStatus.SERVING, term__status=TermStatus.OPEN)


def directory_seat_list(congress, *, constituency: str = "") -> QuerySet[Seat]:
    """The serving seats of `congress`'s open term (one per deputy), with deputy, constituency and
    delegation, in name order; `constituency` (a name) narrows it. Public."""
    seats = _directory_seats(congress)
    if constituency:
        seats = seats.filter(constituency__name=constituency)
    return (
        seats.select_related("deputy", "constituency", "delegation")
        .only(*(f"deputy__{field}" for field in PUBLIC_FIELDS), "tier", "constituency__name", "delegation__name")
        .order_by("deputy__name", "deputy_id")
    )


def directory_deputy_list(congress, *, constituency: str = "") -> QuerySet[Deputy]:
    """Deputies serving in `congress`'s open term (optionally elected in the constituency so named), by
    name, with their public seats at every tier. Public; the directory API uses it."""
    seats = _directory_seats(congress).filter(deputy=OuterRef("pk"))
    if constituency:
        seats = seats.filter(constituency__name=constituency)
    return public_deputies().filter(Exists(seats)).order_by("name", "id")


def directory_constituency_names(congress) -> list[str]:
    """Names of the constituencies of `congress`'s open term, for the directory's filter."""
    return list(
        Constituency.objects.filter(term__congress=congress, term__status=TermStatus.OPEN).values_list(
            "name", flat=True
        )
    )


def directory_deputy_get(congress, deputy_id: int) -> Deputy:
    """A deputy's public page on `congress`'s host. Raises Deputy.DoesNotExist unless the deputy holds a
    serving seat in this congress's open term (missing and elsewhere-only deputies look the same)."""
    serving_here = _directory_seats(congress).filter(deputy=OuterRef("pk"))
    return public_deputies().filter(Exists(serving_here)).get(pk=deputy_id)


# --- the province-wide search -------------------------------------------------------------------------------


def _name_matches(q: str) -> Q:
    """Substring match on the name. One or two uncased characters (a Chinese given name or surname) also
    go through the character index; the trigram index serves three characters and more."""
    # Letters with case (Latin names) must stay case-insensitive, which the exact character index is not.
    if len(q) >= 3 or q.lower() != q.upper():
        return Q(name__icontains=q)
    return Q(name_chars__contains=sorted(set(q))) & Q(name__icontains=q)


def deputy_search(filters: SearchFilters) -> QuerySet[Deputy]:
    """Deputies with a public seat matching every seat criterion (tier, congress, constituency) and a name
    containing `q`, in name order, with their public seats. Public; the root search page and API use it."""
    seats = public_seats().filter(deputy=OuterRef("pk"))
    if filters.tier:
        seats = seats.filter(tier=filters.tier)
    if filters.congress:
        seats = seats.filter(congress__division_code=filters.congress)
    if filters.constituency:
        seats = seats.filter(constituency__name__icontains=filters.constituency)
    # Exists, not a join: a deputy with several matching seats is listed once, without DISTINCT.
    deputies = public_deputies().filter(Exists(seats))
    if filters.q:
        deputies = deputies.alias(name_chars=NameChars()).filter(_name_matches(filters.q))
    return deputies.order_by("name", "id")


def paginate(queryset: QuerySet, page_number) -> Page:
    """One page of a public listing (PAGE_SIZE per page; a bad page number gives the nearest page)."""
    return Paginator(queryset, PAGE_SIZE).get_page(page_number)
