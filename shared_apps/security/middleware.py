"""Headers every response carries beyond Django's and django-csp's own: what the page may use of the browser
(Permissions-Policy), and `Cache-Control: no-store` on whatever is served to a signed-in caller (it may carry
personal data: no shared cache, no back-button copy on a shared computer keeps it)."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if _signed_in(request) and "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    # A session's user, or an API call that carries credentials (DRF authenticates inside the view).
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False) or request.headers.get("Authorization"))
