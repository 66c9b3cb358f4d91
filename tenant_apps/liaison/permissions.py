"""Who may do what with stations and public messages. Pure predicates over a `Handler`: the caller as a handler
of messages in this congress, read once per request (`handler_for`, four queries at most; pages get it from
require_access(..., relation=handler_for), the API in its `initial`), so that showing a message's buttons or
checking an action costs the same few queries however many actions the table has.

Who handles a message here: the deputy it names, the deputies on duty at its station and the station's staff,
and the office (office staff, congress administrators) for everything. Once forwarded, the staff of the
handling unit may answer it too. Held and discarded messages are the office's and the station staff's only.
"""

from dataclasses import dataclass, field, fields

from django.db.models import Exists, OuterRef

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access, is_office
from shared_apps.registry.models import Deputy, Seat, SeatStatus
from tenant_apps.liaison.models import MessageStatus, PublicMessage, StationDeputy, StationStaff
from tenant_apps.units.models import UnitStaff
from tenants.connection import in_schema_of

INBOX_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN, Role.DEPUTY, Role.HANDLING_UNIT_STAFF})
SUGGESTIONS_MODULE = "suggestions"


@dataclass(frozen=True)
class Handler(Access):
    """The caller's standing towards this congress's messages: their Access, with the rows the predicates need
    read once. Being an Access, it goes wherever one does (services, selectors, the workflow core)."""

    deputy_id: int | None = None  # the caller's registry deputy, when they hold the deputy role here
    serves_here: bool = False  # that deputy holds a serving seat in this congress
    duty_station_ids: frozenset[int] = field(default_factory=frozenset)  # stations where the deputy is on duty
    staffed_station_ids: frozenset[int] = field(default_factory=frozenset)  # stations whose staff the caller is
    staffed_unit_ids: frozenset[int] = field(default_factory=frozenset)  # handling units the caller staffs

    @property
    def is_office(self) -> bool:
        """The office of this congress (office staff, administrators): every message and every action."""
        return is_office(self)


def handler_for(access: Access) -> Handler:
    """The caller as a handler here, read in at most four queries (fewer for fewer roles); a Handler is returned
    as it is. The rows are read from the congress's own schema only: elsewhere the caller handles nothing."""
    if isinstance(access, Handler):
        return access
    standing = {f.name: getattr(access, f.name) for f in fields(Access)}
    # SECURITY: station and unit rows live in the congress's schema; read them only there, for its members.
    if not access.is_member or not access.is_authenticated or not in_schema_of(access.congress):
        return Handler(**standing)
    user_id = access.user.pk
    deputy_id, serves_here, duty = None, False, frozenset[int]()
    if Role.DEPUTY in access.roles:
        serving = Seat.objects.filter(deputy=OuterRef("pk"), congress=access.congress, status=SeatStatus.SERVING)
        row = Deputy.objects.filter(user_id=user_id).values_list("pk", Exists(serving)).first()
        if row is not None:
            deputy_id, serves_here = row
            duty = frozenset(StationDeputy.objects.filter(deputy_id=deputy_id).values_list("station_id", flat=True))
    units = frozenset[int]()
    if Role.HANDLING_UNIT_STAFF in access.roles:
        units = frozenset(UnitStaff.objects.filter(user_id=user_id).values_list("unit_id", flat=True))
    return Handler(
        **standing,
        deputy_id=deputy_id,
        serves_here=serves_here,
        duty_station_ids=duty,
        staffed_station_ids=frozenset(
            StationStaff.objects.filter(user_id=user_id).values_list("station_id", flat=True)
        ),
        staffed_unit_ids=units,
    )


# -- stations and figures ------------------------------------------------------------------------------


def can_manage_stations(access: Access) -> bool:
    """Stations, their deputies on duty and their staff: this congress's office staff and administrators."""
    return is_office(access)


def can_view_figures(access: Access) -> bool:
    """The figures pages and endpoints, and the roll-up of the congresses below: the office of this congress,
    and journalists accredited here (the figures are aggregates: no sender, no text)."""
    return is_office(access) or (access.congress is not None and Role.JOURNALIST in access.roles)


# -- messages ------------------------------------------------------------------------------------------


def can_use_inbox(access: Access) -> bool:
    """The workspace's pages: the office, deputies, handling-unit staff, and station staff (members here)."""
    handler = handler_for(access)
    if handler.congress is None or not handler.is_member:
        return False
    return bool(handler.roles & INBOX_ROLES) or bool(handler.staffed_station_ids)


def is_message_deputy(handler: Handler, message: PublicMessage) -> bool:
    """A deputy here who is named by the message or on duty at its station."""
    if handler.deputy_id is None:
        return False
    return handler.deputy_id == message.deputy_id or message.station_id in handler.duty_station_ids


def is_station_staff(handler: Handler, message: PublicMessage) -> bool:
    """A member of this congress (any role) whom the office made staff of the message's station."""
    return message.station_id is not None and message.station_id in handler.staffed_station_ids


def is_unit_staff(handler: Handler, message: PublicMessage) -> bool:
    """Staff of the handling unit the message was forwarded to."""
    return message.forwarded_unit_id is not None and message.forwarded_unit_id in handler.staffed_unit_ids


def is_office_of(handler: Handler, message: PublicMessage) -> bool:
    """The office, for the table's office-only actions (approve the public reply, return, reopen)."""
    return handler.is_office


def can_handle(handler: Handler, message: PublicMessage) -> bool:
    """Reply, forward, escalate, close: the office, the message's deputies, its station's staff."""
    return handler.is_office or is_message_deputy(handler, message) or is_station_staff(handler, message)


def can_view(handler: Handler, message: PublicMessage) -> bool:
    """See the message (and its photos): whoever handles it, and the staff of the unit it was forwarded to."""
    if message.status in (MessageStatus.HELD, MessageStatus.DISCARDED) and not handler.is_office:
        return False
    return can_handle(handler, message) or is_unit_staff(handler, message)


def can_reply(handler: Handler, message: PublicMessage) -> bool:
    """Answer the sender: whoever handles the message, and the unit it was forwarded to."""
    return can_handle(handler, message) or is_unit_staff(handler, message)


def can_view_mobile(handler: Handler, message: PublicMessage) -> bool:
    """The sender's full mobile number: the office, or the deputy the message names (the station's deputies when
    it names none). Each look is logged (services.message_mobile_reveal)."""
    if handler.is_office:
        return True
    if handler.deputy_id is None:
        return False
    if message.deputy_id is not None:
        return handler.deputy_id == message.deputy_id
    return is_message_deputy(handler, message)


def can_make_suggestion(handler: Handler, message: PublicMessage) -> bool:
    """Turn the message into a suggestion: one of its deputies, holding a serving seat here (as lead deputy)."""
    return is_message_deputy(handler, message) and handler.serves_here


def suggestions_on(handler: Handler, message: PublicMessage) -> bool:
    """The congress runs the suggestions module (a message can become a suggestion only then)."""
    return handler.congress is not None and SUGGESTIONS_MODULE in handler.congress.enabled_modules


def can_review_held(handler: Handler, message: PublicMessage) -> bool:
    """Release or discard a held message: the office, or the staff of the message's station."""
    return handler.is_office or is_station_staff(handler, message)


def can_view_held_list(access: Access) -> bool:
    """The list of held messages: the office, and members made staff of a station here."""
    handler = handler_for(access)
    return handler.is_office or (handler.is_member and bool(handler.staffed_station_ids))
