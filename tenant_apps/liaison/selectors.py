"""Reads of the liaison module with visibility applied: the handlers' messages, the stations, the held messages.
`<entity>_get_for_user` answers None both for a missing object and for one the caller may not see.

The caller is given as an Access or as the Handler read from it once (permissions.handler_for); what a person
handles is decided by the same rules as the predicates in permissions.py.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from shared_apps.exchange.models import TrackedMatter, Transfer
from shared_apps.memberships.models import Membership
from shared_apps.memberships.permissions import OFFICE_ROLES, Access
from shared_apps.registry.models import Deputy, Seat, SeatStatus, TermStatus
from tenant_apps.liaison.exchange import origin_transfer
from tenant_apps.liaison.models import (
    MessageStatus,
    PublicMessage,
    Station,
    StationDeputy,
    StationEvent,
    StationStaff,
)
from tenant_apps.liaison.permissions import Handler, can_use_inbox, can_view, handler_for
from tenant_apps.units.models import UnitStaff
from tenants.selectors import effective_settings

HIDDEN = (MessageStatus.HELD, MessageStatus.DISCARDED)


# -- the handlers' messages ------------------------------------------------------------------------------


def _mine(handler: Handler) -> Q:
    """The messages the caller handles or was forwarded, as a condition (no office shortcut)."""
    condition = Q(pk__in=[])
    if handler.staffed_station_ids:
        condition |= Q(station_id__in=handler.staffed_station_ids)
    if handler.deputy_id is not None:
        condition |= Q(deputy_id=handler.deputy_id) | Q(station_id__in=handler.duty_station_ids)
    if handler.staffed_unit_ids:
        condition |= Q(forwarded_unit_id__in=handler.staffed_unit_ids)
    return condition


def message_list(access: Access, *, status: str = "") -> QuerySet[PublicMessage]:
    """The messages the caller may handle here, new ones first, then the newest. The office sees every one
    (held ones only when asking for that status); everyone else the ones they handle. Nothing for outsiders."""
    handler = handler_for(access)
    if not can_use_inbox(handler):
        return PublicMessage.objects.none()
    office = handler.is_office
    messages = PublicMessage.objects.all() if office else PublicMessage.objects.filter(_mine(handler))
    if status in MessageStatus.values:
        messages = messages.filter(status=status)
    if status not in HIDDEN or not office:
        messages = messages.exclude(status__in=HIDDEN)
    first = Case(When(status=MessageStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
    return messages.select_related("station", "deputy", "forwarded_unit").order_by(first, "-created_at", "-id")


def message_get_for_user(access: Access, pk) -> PublicMessage | None:
    """One message the caller may see; None both for a missing one and for one they may not see."""
    handler = handler_for(access)
    if not can_use_inbox(handler):
        return None
    message = (
        PublicMessage.objects.select_related("station", "deputy", "forwarded_unit", "origin_congress")
        .filter(pk=pk)
        .first()
    )
    if message is None or not can_view(handler, message):
        return None
    return message


def awaiting(user, congress) -> QuerySet[PublicMessage]:
    """The messages waiting for `user` here: new ones they may handle (the office: all new ones), and the
    ones forwarded to a unit they staff and not yet answered."""
    if Membership.objects.filter(user_id=user.pk, congress=congress, role__in=OFFICE_ROLES).exists():
        return PublicMessage.objects.filter(status=MessageStatus.NEW)
    deputy_id = Deputy.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    mine = Q(station_id__in=StationStaff.objects.filter(user_id=user.pk).values("station_id"))
    if deputy_id is not None:
        on_duty = StationDeputy.objects.filter(deputy_id=deputy_id).values("station_id")
        mine |= Q(deputy_id=deputy_id) | Q(station_id__in=on_duty)
    units = UnitStaff.objects.filter(user_id=user.pk).values("unit_id")
    return PublicMessage.objects.filter(
        Q(status=MessageStatus.NEW) & mine | Q(status=MessageStatus.FORWARDED, forwarded_unit_id__in=units)
    )


def _handler_q(message: PublicMessage) -> Q:
    """The registry deputies who handle the message: the one it names and those on duty at its station."""
    condition = Q(pk=message.deputy_id) if message.deputy_id else Q(pk__in=[])
    if message.station_id:
        on_duty = StationDeputy.objects.filter(station_id=message.station_id).values("deputy_id")
        condition |= Q(pk__in=on_duty)
    return condition


def handler_user_ids(message: PublicMessage) -> set[int]:
    """The accounts that handle the message (apart from the office): its deputies, its station's staff, and
    the staff of the unit it was forwarded to. Three queries, whatever their number."""
    ids = set(Deputy.objects.filter(_handler_q(message), user__isnull=False).values_list("user_id", flat=True))
    if message.station_id:
        ids |= set(StationStaff.objects.filter(station_id=message.station_id).values_list("user_id", flat=True))
    if message.forwarded_unit_id:
        ids |= set(UnitStaff.objects.filter(unit_id=message.forwarded_unit_id).values_list("user_id", flat=True))
    return ids


def unit_staff_ids(unit_id: int | None) -> set[int]:
    """The accounts of a handling unit's staff."""
    if unit_id is None:
        return set()
    return set(UnitStaff.objects.filter(unit_id=unit_id).values_list("user_id", flat=True))


def active_users(ids) -> list:
    """The active accounts among `ids`, in id order (whom a notice can reach)."""
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def categories(congress) -> list[tuple[str, str]]:
    """The congress's message categories (setting `categories.public_message`), as (code, label)."""
    return [(code, label) for code, label in effective_settings(congress)["categories.public_message"]]


def category_labels(congress) -> dict[str, str]:
    return dict(categories(congress))


# -- escalations, as both ends see them (public read models only) ----------------------------------


def escalation_info(message) -> dict | None:
    """Where an escalated message went and where its matter stands now (public read models only)."""
    if message.escalated_transfer_id is None:
        return None
    transfer = Transfer.objects.select_related("target").filter(pk=message.escalated_transfer_id).first()
    matter = TrackedMatter.objects.select_related("congress").filter(code=message.tracking_code).first()
    status = MessageStatus(matter.status).label if matter and matter.status in MessageStatus.values else ""
    return {"transfer": transfer, "matter": matter, "status": status}


def origin_info(message) -> dict | None:
    """Where an escalated message came from, and how this congress answered its transfer."""
    transfer = origin_transfer(message)
    return None if transfer is None else {"transfer": transfer}


# -- held messages -------------------------------------------------------------------------------------


def held_message_list(access: Access) -> QuerySet[PublicMessage]:
    """Held messages the caller may review (all for the office; their stations' for station staff), oldest first."""
    handler = handler_for(access)
    held = PublicMessage.objects.filter(status=MessageStatus.HELD).select_related("station", "deputy")
    if handler.is_office:
        return held.order_by("created_at", "id")
    if not handler.is_member:
        return held.none()
    return held.filter(station_id__in=handler.staffed_station_ids).order_by("created_at", "id")


def held_message_get_for_user(access: Access, pk) -> PublicMessage | None:
    """A held message the caller may review; None when missing, not held, or not theirs to review."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return held_message_list(access).filter(pk=pk).first()


# -- stations ------------------------------------------------------------------------------------------


def station_list(*, include_inactive: bool = False) -> QuerySet[Station]:
    """The congress's stations, active ones first (the online one among them)."""
    stations = Station.objects.all()
    return stations if include_inactive else stations.filter(is_active=True)


def station_get(pk) -> Station | None:
    try:
        return Station.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def station_by_code(code: str) -> Station | None:
    """A station by its code, active or not (an inactive one's form says it no longer takes messages)."""
    return Station.objects.filter(code=str(code)).first()


def deputy_serving_here(congress, deputy_id) -> Deputy | None:
    """A deputy holding a serving seat in `congress` (whom the public may write to); None otherwise."""
    return Deputy.objects.filter(pk=deputy_id, seats__congress=congress, seats__status=SeatStatus.SERVING).first()


def station_public_get(code: str) -> Station | None:
    """An active station by its public code (None for missing and inactive ones alike)."""
    return Station.objects.filter(code=str(code), is_active=True).first()


def serving_seats_here(congress) -> QuerySet[Seat]:
    """Serving seats in `congress`'s open term: the deputies who may be on duty at its stations."""
    return Seat.objects.filter(congress=congress, status=SeatStatus.SERVING, term__status=TermStatus.OPEN)


def serving_deputies_here(congress) -> list[Deputy]:
    """Deputies serving in `congress`, by name (public columns only)."""
    ids = serving_seats_here(congress).values("deputy_id")
    return list(Deputy.objects.filter(pk__in=ids).only("id", "name", "photo").order_by("name", "id"))


@dataclass(frozen=True)
class DutyDeputy:
    """A deputy on duty as the public sees them: public facts only, never identifiers or contact details."""

    id: int
    name: str
    photo_url: str
    tier: str
    duty_note: str
    serving_here: bool


def duty_deputies(station: Station, congress) -> list[DutyDeputy]:
    """The deputies on duty at the station with their public facts and the tier of their seat here."""
    rows = list(StationDeputy.objects.filter(station=station))
    deputies = Deputy.objects.only("id", "name", "photo").in_bulk([r.deputy_id for r in rows])
    seats = {s.deputy_id: s for s in serving_seats_here(congress).filter(deputy_id__in=deputies)}
    found = []
    for row in rows:
        deputy = deputies.get(row.deputy_id)
        if deputy is None:
            continue
        seat = seats.get(deputy.pk)
        found.append(
            DutyDeputy(
                id=deputy.pk,
                name=deputy.name,
                photo_url=deputy.photo.url if deputy.photo else "",
                tier=seat.get_tier_display() if seat else "",
                duty_note=row.duty_note,
                serving_here=seat is not None,
            )
        )
    return found


def member_accounts(congress) -> list:
    """Accounts holding any role in `congress`: who may be made a station's staff."""
    ids = Membership.objects.filter(congress=congress).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("name", "email"))


def staff_accounts(station: Station) -> list:
    ids = StationStaff.objects.filter(station=station).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=list(ids)).order_by("name", "email"))


def station_events(station: Station) -> QuerySet[StationEvent]:
    return StationEvent.objects.filter(station=station).select_related("actor")
