"""Who may manage deputy groups and studios. Reading them is public."""

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access

MANAGER_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


def can_manage_groups(access: Access) -> bool:
    """Groups, members, studios and duty rosters: this congress's office staff and administrators."""
    return access.congress is not None and bool(access.roles & MANAGER_ROLES)
