"""Who may read and change the registry."""

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access

REGISTRY_STAFF = frozenset({Role.OFFICE_STAFF, Role.CONGRESS_ADMIN})


def can_manage_registry(access: Access, congress) -> bool:
    """Terms, seats and rosters of `congress` (None: the NPC): its office staff and administrators;
    national seats and any congress: provincial platform administrators."""
    if access.is_platform_admin:
        return True
    # SECURITY: an office manages its own congress's registry only, never that of a congress below it.
    if congress is None or access.congress is None or access.congress.pk != congress.pk:
        return False
    return bool(access.roles & REGISTRY_STAFF)


def can_view_identity(access: Access, deputy_congress_ids: set[int]) -> bool:
    """Unmasked ID and mobile numbers: platform administrators, and office staff or administrators of a
    congress where the deputy holds a seat (passed in as `deputy_congress_ids`)."""
    if access.is_platform_admin:
        return True
    return bool(
        # SECURITY: serving seats only (deputy_congress_ids): once a seat ends, that office sees masked numbers.
        access.congress is not None and access.congress.pk in deputy_congress_ids and access.roles & REGISTRY_STAFF
    )


ROLLUP_READERS = REGISTRY_STAFF | {Role.STATE_ORGAN_STAFF}


def can_read_rollup(access: Access) -> bool:
    """Roll-up figures of the congresses below: staff of this congress read them (never change them)."""
    return access.is_platform_admin or bool(access.congress is not None and access.roles & ROLLUP_READERS)


def can_edit_deputy(access: Access, deputy_congress_ids: set[int]) -> bool:
    """A deputy's profile (photo, biography, work unit, mobile): offices of congresses where they sit."""
    return can_view_identity(access, deputy_congress_ids)
