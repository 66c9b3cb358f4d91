from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access

OFFICE_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


def is_office(access: Access) -> bool:
    """Notices are the offices' business: office staff and administrators of this congress."""
    return access.congress is not None and bool(access.roles & OFFICE_ROLES)
