"""The menu of a congress's host (a context processor): visitors see the public entries in one row; whoever
holds a role here sees the entries grouped — 受理与交办, 代表, 联络站, 统计, 设置 — and on 受理与交办 how many
items wait for them there (the exchange's InboxCount read model: one query, no schema visited)."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from shared_apps.exchange.models import InboxCount
from shared_apps.memberships.models import Role
from tenants.modules import MenuEntry, all_modules

OFFICE = frozenset({Role.OFFICE_STAFF.value, Role.CONGRESS_ADMIN.value})

# The groups in menu order; an entry without a group of its own goes under 公开.
GROUPS = {
    "handling": _("受理与交办"),
    "deputies": _("代表"),
    "stations": _("联络站"),
    "figures": _("统计"),
    "settings": _("设置"),
    "public": _("公开"),
}

# Pages of the shared apps and the console on a congress host, placed in the groups.
SHARED_ENTRIES = (
    MenuEntry("代表名册", "Deputy roll", "registry:roll", roles=OFFICE, group="deputies"),
    MenuEntry("工作日历", "Working-day calendar", "calendar:index", roles=OFFICE, group="settings"),
    MenuEntry(
        "本级设置", "Settings", "congress_settings", roles=frozenset({Role.CONGRESS_ADMIN.value}), group="settings"
    ),
    MenuEntry("审计日志", "Audit log", "audit:log", roles=frozenset({Role.AUDIT_ADMIN.value}), group="settings"),
    MenuEntry(
        "账号与角色",
        "Accounts and roles",
        "security_officer:index",
        roles=frozenset({Role.SECURITY_ADMIN.value}),
        group="settings",
    ),
)

# The root domain's entries for the platform's officers (roles held in the province congress).
PLATFORM_ENTRIES = (MenuEntry("审计日志", "Audit log", "audit:log", roles=frozenset({Role.AUDIT_ADMIN.value})),)


@dataclass
class MenuGroup:
    key: str
    label: str
    entries: list = field(default_factory=list)
    waiting: int = 0


def _waiting(user, congress) -> int:
    """How many items of every kind wait for `user` here: all of it is 受理与交办's work."""
    return InboxCount.objects.filter(user=user, congress=congress).aggregate(n=Sum("count"))["n"] or 0


def menu(request) -> dict:
    congress = getattr(request, "congress", None)
    if congress is None:
        access = getattr(request, "access", None)
        held = access.platform_roles if access is not None and request.user.is_authenticated else frozenset()
        return {"menu_flat": [e for e in PLATFORM_ENTRIES if held & (e.roles or frozenset())], "menu_groups": []}
    access = getattr(request, "access", None)
    roles = access.roles if access is not None else frozenset()
    entries = [
        entry
        for module in all_modules()
        if module.key in congress.enabled_modules
        for entry in module.menu
        if entry.roles is None or roles & entry.roles
    ]
    entries += [entry for entry in SHARED_ENTRIES if roles & (entry.roles or frozenset())]
    if not roles:
        return {"menu_flat": entries, "menu_groups": []}
    groups = {key: MenuGroup(key, str(label)) for key, label in GROUPS.items()}
    for entry in entries:
        groups[entry.group if entry.group in groups else "public"].entries.append(entry)
    groups["handling"].waiting = _waiting(request.user, congress) if request.user.is_authenticated else 0
    return {"menu_flat": [], "menu_groups": [g for g in groups.values() if g.entries]}
