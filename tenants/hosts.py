"""Building absolute URLs for the root domain and congress hosts."""

from django.conf import settings


def absolute_url(host: str, path: str = "/") -> str:
    """Return scheme://host[:port]path using the deployment's scheme and public port."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{host}{port}{path}"


def root_url(path: str = "/") -> str:
    """Return an absolute URL on the central platform's root domain."""
    return absolute_url(settings.ROOT_DOMAIN, path)
