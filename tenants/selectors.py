from tenants.models import Congress, CongressStatus, PlatformDefaults, ProvisioningRequest
from tenants.modules import module_keys
from tenants.preferences import effective_preferences


def congress_list_public():
    """Active congresses, with their parents, in division-code order (what the public may see)."""
    return Congress.objects.filter(status=CongressStatus.ACTIVE).select_related("parent").order_by("division_code")


def congress_list_all():
    """Every congress, any status (the provincial console)."""
    return Congress.objects.select_related("parent").order_by("division_code")


def provisioning_list():
    """Provisioning records, newest first."""
    return ProvisioningRequest.objects.select_related("parent", "congress", "requested_by")


def congress_tree() -> list[dict]:
    """Active congresses as a nested tree: [{congress, children: [...]}, ...] from the province down."""
    nodes = {c.pk: {"congress": c, "children": []} for c in congress_list_public()}
    roots: list[dict] = []
    for node in nodes.values():
        parent = nodes.get(node["congress"].parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


def platform_defaults() -> PlatformDefaults:
    """The single row of provincial defaults, created on first use with every module enabled."""
    defaults, _created = PlatformDefaults.objects.get_or_create(
        pk=1, defaults={"default_modules": sorted(module_keys())}
    )
    return defaults


def effective_settings(congress: Congress) -> dict:
    """The settings in force for `congress`: statutory defaults ← province defaults ← its own."""
    return effective_preferences(platform_defaults().preferences, congress.preferences)
