"""Reads for deputy groups and studios. Registry reads (public schema) are read-only ORM queries."""

from collections import defaultdict
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from shared_apps.registry.models import Deputy, Seat, SeatStatus
from tenant_apps.groups.models import MIN_GROUP_MEMBERS, DeputyGroup, DeputyGroupMember, Studio, StudioDuty

SEARCH_LIMIT = 20
# Tiers listed from the lowest up, as a group's mixed membership reads most naturally.
TIER_ORDER = ["township", "county", "city", "province", "national"]


class _MemberCount(TypedDict):
    member_count: int


if TYPE_CHECKING:  # the type checker only: subscripting WithAnnotations fails at runtime on Python 3.11
    from django_stubs_ext import WithAnnotations

    CountedGroup = WithAnnotations[DeputyGroup, _MemberCount]


def group_list() -> "QuerySet[CountedGroup]":
    """Every group, with its leader and member count."""
    # Spelled out: Django drops Meta.ordering from a query that also aggregates.
    return DeputyGroup.objects.select_related("leader").annotate(member_count=Count("members")).order_by("name", "id")


def group_get(pk: int) -> "CountedGroup | None":
    return group_list().filter(pk=pk).first()


def member_list(group: DeputyGroup) -> list[DeputyGroupMember]:
    """The group's members, each with `tiers`: the labels of the tiers where the deputy serves."""
    members = list(DeputyGroupMember.objects.filter(group=group).select_related("deputy"))
    tiers = serving_tiers([m.deputy_id for m in members])
    for member in members:
        member.tiers = tiers.get(member.deputy_id, [])
    return members


def studio_list():
    return Studio.objects.annotate(duty_count=Count("duties")).order_by("name", "id")


def studio_get(pk: int) -> Studio | None:
    return studio_list().filter(pk=pk).first()


def duty_list(studio: Studio):
    return StudioDuty.objects.filter(studio=studio).select_related("deputy")


def group_warnings(member_count: int) -> list[str]:
    """Advice that does not block: a group should have at least three deputies (地方组织法)."""
    if member_count < MIN_GROUP_MEMBERS:
        return [
            _("代表小组一般由三名以上代表组成，本小组现有%(n)d名。") % {"n": member_count},
        ]
    return []


def viewer_deputy_id(user) -> int | None:
    """The registry deputy linked to the signed-in account, if any (to highlight their own groups)."""
    if user is None or not user.is_authenticated:
        return None
    return Deputy.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def group_ids_of(deputy_id: int | None) -> set[int]:
    """The groups of this congress the deputy belongs to."""
    if deputy_id is None:
        return set()
    return set(DeputyGroupMember.objects.filter(deputy_id=deputy_id).values_list("group_id", flat=True))


def serving_deputies():
    """Registry deputies holding at least one serving seat, at any tier and in any congress."""
    return Deputy.objects.filter(seats__status=SeatStatus.SERVING).distinct()


def has_serving_seat(deputy_id: int) -> bool:
    return Seat.objects.filter(deputy_id=deputy_id, status=SeatStatus.SERVING).exists()


def deputy_search(query: str, limit: int = SEARCH_LIMIT) -> list[Deputy]:
    """Serving deputies whose name contains `query`, each with `tiers` and `congress_names` of their seats.

    Only names and seats are read: never identifiers or contact details.
    """
    query = (query or "").strip()
    if not query:
        return []
    deputies = list(
        serving_deputies()
        .filter(Q(name__icontains=query))
        # SECURITY: only the name is loaded: the registry's identifier columns never leave the database here.
        .only("id", "name")
        .prefetch_related(
            Prefetch(
                "seats",
                queryset=Seat.objects.filter(status=SeatStatus.SERVING).select_related("congress"),
                to_attr="serving_seats",
            )
        )[:limit]
    )
    for deputy in deputies:
        seats = _by_tier(deputy.serving_seats)
        deputy.tiers = _tier_labels(seats)
        deputy.congress_names = [seat.congress.name if seat.congress else _("全国人大") for seat in seats]
    return deputies


def serving_tiers(deputy_ids: list[int]) -> dict[int, list[str]]:
    """deputy id → labels of the tiers where the deputy holds a serving seat (e.g. 乡镇级, 县级)."""
    seats: dict[int, list[Seat]] = defaultdict(list)
    for seat in Seat.objects.filter(deputy_id__in=deputy_ids, status=SeatStatus.SERVING):
        seats[seat.deputy_id].append(seat)
    return {deputy_id: _tier_labels(rows) for deputy_id, rows in seats.items()}


def _by_tier(seats: list[Seat]) -> list[Seat]:
    """The seats, lowest tier first."""
    return sorted(seats, key=lambda s: TIER_ORDER.index(s.tier) if s.tier in TIER_ORDER else len(TIER_ORDER))


def _tier_labels(seats: list[Seat]) -> list[str]:
    """Distinct tier labels of these seats, lowest tier first."""
    labels: list[str] = []
    for seat in _by_tier(seats):
        if seat.get_tier_display() not in labels:
            labels.append(seat.get_tier_display())
    return labels
