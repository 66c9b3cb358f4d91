"""Who may change the working-day calendar."""

from shared_apps.memberships.permissions import OFFICE_ROLES, Access


def can_manage_calendar(access: Access, congress) -> bool:
    """Province-wide rows (`congress` None, the national arrangement): provincial platform administrators.
    A congress's own rows: its administrators and office staff, working on that congress's host."""
    if congress is None:
        return access.is_platform_admin
    # SECURITY: an office changes only its own congress's days, on its own host; a congress below is not its to set.
    return access.congress is not None and access.congress.pk == congress.pk and bool(access.roles & OFFICE_ROLES)
