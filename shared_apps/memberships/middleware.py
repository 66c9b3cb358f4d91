from django.utils.functional import SimpleLazyObject

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import platform_roles_for, roles_for, user_is_platform_admin


class MembershipMiddleware:
    """Attach `request.roles` (roles in the current congress) and `request.access` lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        congress = getattr(request, "congress", None)
        # Lazy: the membership queries run only for requests that ask who the caller is, not for every request.
        request.roles = SimpleLazyObject(lambda: roles_for(request.user, congress))
        request.access = SimpleLazyObject(lambda: access_for(request))
        return self.get_response(request)


def access_for(request) -> Access:
    congress = getattr(request, "congress", None)
    return Access(
        user=request.user,
        congress=congress,
        roles=frozenset(request.roles),
        is_platform_admin=user_is_platform_admin(request.user),
        platform_roles=platform_roles_for(request.user) if congress is None else frozenset(),
    )
