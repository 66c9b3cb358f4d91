"""Who may do what with duty activities and reported duties: pure predicates over a `Viewer` (the caller's Access
and, read once, the registry deputy behind the account and whether they sit in this congress)."""

from dataclasses import dataclass

from shared_apps.memberships.permissions import Access, is_office
from shared_apps.registry.models import Deputy, Seat, SeatStatus


@dataclass(frozen=True)
class Viewer:
    access: Access
    deputy_id: int | None = None
    seated_here: bool = False  # a serving seat in this congress

    @property
    def is_office(self) -> bool:
        return is_office(self.access)

    # What the workflow core and the services read of an Access, so that a Viewer read once can stand for it.
    @property
    def user(self):
        return self.access.user

    @property
    def congress(self):
        return self.access.congress

    @property
    def roles(self) -> frozenset[str]:
        return self.access.roles

    @property
    def is_member(self) -> bool:
        return self.access.is_member

    @property
    def is_authenticated(self) -> bool:
        return self.access.is_authenticated


def viewer_for(access: Access) -> Viewer:
    """The caller as the predicates see them: at most two queries (their deputy, their seat here)."""
    if isinstance(access, Viewer):
        return access
    user = access.user
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer(access)
    deputy_id = Deputy.objects.filter(user=user).values_list("pk", flat=True).first()
    seated = bool(
        deputy_id
        and access.congress is not None
        and Seat.objects.filter(deputy_id=deputy_id, congress=access.congress, status=SeatStatus.SERVING).exists()
    )
    return Viewer(access, deputy_id, seated)


def relation(access, obj) -> Viewer:
    return viewer_for(access)


# -- activities ----------------------------------------------------------------------------------------


def can_manage_activities(who: Viewer) -> bool:
    """Organise activities, decide leave, confirm attendance, record and confirm duties: the office."""
    return who.is_office


def can_edit_activity(who: Viewer, activity) -> bool:
    return who.is_office and not activity.is_received


def can_see_activity(who: Viewer, activity, *, invited: bool = False) -> bool:
    """A draft: the office. Otherwise the members of this congress and the invited; the public when it is public."""
    if activity.status == "draft":
        return who.is_office
    return activity.public or who.access.is_member or invited


def is_invitee(who: Viewer, invitation) -> bool:
    return who.deputy_id is not None and invitation.deputy_id == who.deputy_id


def can_answer(who: Viewer, invitation) -> bool:
    """The invited deputy answers for themself (attend, ask leave), and signs in."""
    return is_invitee(who, invitation)


def can_decide(who: Viewer, invitation) -> bool:
    """Grant or refuse leave, confirm attendance or absence: the office of the organising congress."""
    return who.is_office


# -- reported duties -----------------------------------------------------------------------------------


def can_report_duty(who: Viewer) -> bool:
    """Report a duty the platform cannot see: a deputy who sits in this congress."""
    return who.seated_here


def can_record_duty(who: Viewer) -> bool:
    """Record a deputy's duty directly (attendance and speeches at sessions, as the office records them)."""
    return who.is_office


def is_author(who: Viewer, entry) -> bool:
    return who.deputy_id is not None and entry.deputy_id == who.deputy_id


def can_see_entry(who: Viewer, entry) -> bool:
    return who.is_office or is_author(who, entry)
