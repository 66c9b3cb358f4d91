"""Who is calling: the client's address as the platform trusts it (used by the limits and the audit log)."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the X-Forwarded-For entry that many hops from the
    right."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if count <= 0:
        return remote
    # SECURITY: each trusted proxy appends the address it saw (nginx: $proxy_add_x_forwarded_for), so only
    # the rightmost `count` entries are trustworthy; anything further left came from the client.
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-count] if len(hops) >= count else hops[0]
