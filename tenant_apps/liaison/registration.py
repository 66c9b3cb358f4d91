"""The module's registration (menu, URLs) and its exchange kinds. Menu entries are added as pages exist."""

from shared_apps.memberships.models import Role
from tenants.modules import MenuEntry, Module, register

OFFICE = frozenset({Role.OFFICE_STAFF.value, Role.CONGRESS_ADMIN.value})


def register_module() -> None:
    from django.utils.translation import gettext_lazy

    from shared_apps.exchange.services import inbox_kind_register
    from tenant_apps.liaison.readmodels import INBOX_KIND, rebuild_read_models
    from tenant_apps.liaison.window import news

    inbox_kind_register(INBOX_KIND, gettext_lazy("群众留言：待处理"))

    register(
        Module(
            key="liaison",
            label_zh="代表联络站",
            label_en="Liaison stations",
            urls="tenant_apps.liaison.urls",
            api_urls="tenant_apps.liaison.api_urls",
            menu=(
                MenuEntry("代表联络站", "Liaison stations", "liaison:index", group="stations"),
                MenuEntry(
                    "群众留言",
                    "Public messages",
                    "liaison:inbox",
                    roles=OFFICE | {"deputy", "handling_unit_staff"},
                    group="handling",
                ),
                MenuEntry("留言查询", "Track a message", "liaison:track", group="stations"),
                MenuEntry("待审核留言", "Held messages", "liaison:message_held_list", roles=OFFICE, group="handling"),
                MenuEntry("联络站管理", "Station management", "liaison:station_list", roles=OFFICE, group="stations"),
                MenuEntry(
                    "留言统计",
                    "Message figures",
                    "liaison:figures",
                    roles=OFFICE | {Role.JOURNALIST.value},
                    group="figures",
                ),
            ),
            description_zh="实体和网上代表联络站、群众留言、代表答复、转交办和逐级上报。",
            description_en="Physical and online liaison stations, messages from the public, deputies' answers, "
            "forwarding to handling units and escalation to the congress above.",
            rebuild_read_models=rebuild_read_models,
            news=news,
        )
    )
    from tenant_apps.liaison.deliveries import register_kinds

    register_kinds()
