from tenants.hosts import root_url


def congress(request):
    """Expose the current congress and the root's address to every template (the menu: config.menus)."""
    return {"congress": getattr(request, "congress", None), "root_url": root_url("/")}
