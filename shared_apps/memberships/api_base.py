"""The two base classes every API view inherits: one for congress hosts, one for the root domain.

They resolve where the call is made and who makes it (`self.access`) before any handler runs, so no API
view can forget to check the congress or the caller's standing; and they give every write the
`Idempotency-Key` header (shared_apps.idempotency.api). tests/test_api_views.py walks the URL
resolvers and fails if a view escapes them.
"""

from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from shared_apps.idempotency.api import IdempotentApiMixin
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import platform_roles_for, roles_for, user_is_platform_admin
from tenants.middleware import module_key_for


class _AccessApiView(IdempotentApiMixin, APIView):
    # Each view decides with permission predicates (self.require); anonymous callers reach public endpoints.
    permission_classes = [AllowAny]
    access: Access

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Every write with an Idempotency-Key, once the caller is known (shared_apps.idempotency.api).
        self.idempotency_begin(request)

    def require(self, allowed: bool) -> None:
        """Refuse the call unless `allowed`: 401 for anonymous callers, 403 for signed-in ones."""
        if allowed:
            return
        if not self.access.is_authenticated:
            raise NotAuthenticated()
        raise PermissionDenied()


class CongressApiView(_AccessApiView):
    """Base of every API view served on a congress host."""

    def initial(self, request, *args, **kwargs):
        congress = getattr(request._request, "congress", None)
        if congress is None:
            raise NotFound()
        key = module_key_for(request.resolver_match.namespaces if request.resolver_match else [])
        # SECURITY: a module the congress has switched off answers 404, as if its endpoints did not exist.
        if key is not None and key not in congress.enabled_modules:
            raise NotFound()
        super().initial(request, *args, **kwargs)
        self.congress = congress
        self.access = Access(
            user=request.user,
            congress=congress,
            roles=roles_for(request.user, congress),
            is_platform_admin=user_is_platform_admin(request.user),
        )


class PlatformApiView(_AccessApiView):
    """Base of every API view served on the root domain (the central platform)."""

    def initial(self, request, *args, **kwargs):
        # SECURITY: root-domain endpoints act with the province's standing (congress None): never on a congress host.
        if getattr(request._request, "congress", None) is not None:
            raise NotFound()
        super().initial(request, *args, **kwargs)
        self.access = Access(
            user=request.user,
            congress=None,
            is_platform_admin=user_is_platform_admin(request.user),
            platform_roles=platform_roles_for(request.user),
        )


class AnyHostApiView(CongressApiView, PlatformApiView):
    """Base of the endpoints served on every host (they concern the caller's own account, not a congress).

    It is both bases at once, so tests/test_api_views.py holds it to either host's rule, and it resolves
    `self.access` exactly as the base of the host it is called on would: the congress and the caller's
    roles there on a congress host, the platform (congress None) on the root domain. The bases' own
    `initial` cannot be reused, since each refuses the other's host.
    """

    def initial(self, request, *args, **kwargs):
        congress = getattr(request._request, "congress", None)
        _AccessApiView.initial(self, request, *args, **kwargs)
        self.congress = congress
        self.access = Access(
            user=request.user,
            congress=congress,
            roles=roles_for(request.user, congress) if congress is not None else frozenset(),
            is_platform_admin=user_is_platform_admin(request.user),
            platform_roles=platform_roles_for(request.user) if congress is None else frozenset(),
        )
