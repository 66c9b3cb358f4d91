"""Who may do what. Pure predicates over an `Access` (the caller as seen from one congress, or the root)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared_apps.memberships.models import Role

if TYPE_CHECKING:
    from tenants.models import Congress

OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})
# The officers who keep accounts and read the audit log: no part in the congress's own work.
OVERSIGHT_ROLES = frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


@dataclass(frozen=True)
class Access:
    """The caller's standing: `congress` is None on the root domain; `roles` are held in that congress."""

    user: Any  # the request's user (an account or AnonymousUser), or None for the system itself
    congress: "Congress | None"
    roles: frozenset[str] = field(default_factory=frozenset)
    is_platform_admin: bool = False
    # On the root domain: the roles held in the province congress, which act for the whole platform (the
    # security and audit officers). Empty on congress hosts.
    platform_roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and getattr(self.user, "is_authenticated", False))

    @property
    def is_member(self) -> bool:
        """Whether the caller works in this congress. The security and audit officers do not: 三员分立 gives
        them their own pages and nothing of the congress's business."""
        return bool(self.roles - OVERSIGHT_ROLES)


# The platform itself acting for the province, outside any request: the worker's and the commands' steps
# (provisioning a congress, ending a batch).
SYSTEM = Access(user=None, congress=None, is_platform_admin=True)


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


def _officer(access: Access, role: str) -> bool:
    return role in (access.roles if access.congress is not None else access.platform_roles)


def can_read_audit(access: Access) -> bool:
    """The audit log: the audit administrator of the congress (its own rows) or of the platform (every row).
    Nobody else, platform administrators and superusers included (三员分立)."""
    return _officer(access, Role.AUDIT_ADMIN)


def can_manage_security(access: Access) -> bool:
    """Accounts, roles and security policies: the security administrator of the congress or the platform."""
    return _officer(access, Role.SECURITY_ADMIN)
