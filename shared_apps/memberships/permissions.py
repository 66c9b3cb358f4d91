"""Who may do what. Pure predicates over an `Access` (the caller as seen from one congress, or the root)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared_apps.memberships.models import Role

if TYPE_CHECKING:
    from tenants.models import Congress

OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


@dataclass(frozen=True)
class Access:
    """The caller's standing: `congress` is None on the root domain; `roles` are held in that congress."""

    user: Any  # the request's user (an account or AnonymousUser), or None for the system itself
    congress: "Congress | None"
    roles: frozenset[str] = field(default_factory=frozenset)
    is_platform_admin: bool = False

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and getattr(self.user, "is_authenticated", False))

    @property
    def is_member(self) -> bool:
        return bool(self.roles)


def is_office(access: Access) -> bool:
    """The office of the caller's congress (office staff and administrators): review, assignment, every
    message; each module's predicates build on it."""
    return access.congress is not None and bool(access.roles & OFFICE_ROLES)


def can_use_console(access: Access) -> bool:
    """The central console (provisioning, defaults, records): provincial platform administrators."""
    return access.is_platform_admin


def can_provision_congress(access: Access) -> bool:
    """Provisioning a new congress: provincial platform administrators."""
    return access.is_platform_admin


def can_change_congress_status(access: Access) -> bool:
    """Suspending, archiving or reactivating a congress: provincial platform administrators."""
    return access.is_platform_admin


def can_configure_congress(access: Access) -> bool:
    """Switching modules and changing a congress's own settings: that congress's administrators."""
    return Role.CONGRESS_ADMIN in access.roles


def can_view_member_area(access: Access) -> bool:
    """Pages for people who work in this congress (anyone holding a role in it)."""
    return access.is_member
