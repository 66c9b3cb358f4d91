"""Who may read and manage handling units. The public never sees them."""

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access

MANAGER_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


def can_manage_units(access: Access) -> bool:
    """Create, edit, deactivate units and add or remove their staff: office staff and administrators."""
    return access.congress is not None and bool(access.roles & MANAGER_ROLES)


def can_view_units(access: Access) -> bool:
    """The unit list and each unit's facts and contact person: anyone holding a role in this congress."""
    return access.congress is not None and access.is_member


def can_view_own_units(access: Access) -> bool:
    """The "my unit" page: handling-unit staff of this congress."""
    return access.congress is not None and Role.HANDLING_UNIT_STAFF in access.roles


def can_view_unit_staff(access: Access, *, is_own_unit: bool) -> bool:
    """A unit's staff accounts: managers, and the unit's own staff (`is_own_unit`: the caller staffs it)."""
    return can_manage_units(access) or (is_own_unit and can_view_own_units(access))
