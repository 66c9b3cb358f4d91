from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access

EDITOR_ROLES = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


def can_edit_profile(access: Access) -> bool:
    """The about page and contacts: this congress's office staff and administrators."""
    # SECURITY: the roles are those held in the congress being visited, so an editor elsewhere has none here.
    return bool(access.roles & EDITOR_ROLES)
