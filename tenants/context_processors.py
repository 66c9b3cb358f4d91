from tenants.hosts import root_url
from tenants.modules import all_modules


def congress(request):
    """Expose the current congress, its enabled modules' menus and the switcher to every template."""
    current = getattr(request, "congress", None)
    modules = []
    if current is not None:
        access = getattr(request, "access", None)
        roles = access.roles if access is not None else frozenset()
        for module in all_modules():
            if module.key not in current.enabled_modules:
                continue
            entries = [e for e in module.menu if e.roles is None or roles & e.roles]
            if entries:
                modules.append({"module": module, "entries": entries})
    return {"congress": current, "module_menus": modules, "root_url": root_url("/")}
