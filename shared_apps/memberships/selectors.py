from collections import defaultdict

from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import OFFICE_ROLES


def roles_for(user, congress) -> frozenset[str]:
    """The roles `user` holds in `congress` (empty for anonymous users and non-members)."""
    if user is None or not user.is_authenticated or congress is None:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user, congress=congress).values_list("role", flat=True))


def office_user_ids(congress) -> set[int]:
    """The active accounts of `congress`'s office (office staff, administrators): who reviews, assigns and closes."""
    rows = Membership.objects.filter(congress=congress, role__in=OFFICE_ROLES, user__is_active=True)
    return set(rows.values_list("user_id", flat=True))


def platform_roles_for(user) -> frozenset[str]:
    """The roles `user` holds in the province congress (the platform's officers act from the root domain)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    rows = Membership.objects.filter(user=user, congress__tier="province", congress__parent__isnull=True)
    return frozenset(rows.values_list("role", flat=True))


def user_is_platform_admin(user) -> bool:
    """True for superusers and for holders of the platform_admin role (held in the province congress)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # No congress filter: membership_grant gives platform_admin only in the province congress.
    return Membership.objects.filter(user=user, role=Role.PLATFORM_ADMIN).exists()


def congresses_for_user(user) -> list[dict]:
    """The switcher: every congress where `user` holds a role, with those roles, in one query."""
    if user is None or not user.is_authenticated:
        return []
    grouped: dict[int, dict] = {}
    roles = defaultdict(list)
    rows = Membership.objects.filter(user=user).select_related("congress").order_by("congress__division_code")
    for membership in rows:
        grouped.setdefault(membership.congress_id, {"congress": membership.congress})
        roles[membership.congress_id].append(membership.get_role_display())
    return [{**entry, "roles": roles[pk]} for pk, entry in grouped.items()]
