from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "tenant_apps.units"
    label = "units"
    verbose_name = "Handling units"

    def ready(self) -> None:
        from shared_apps.memberships.models import Role
        from tenants.modules import MenuEntry, Module, register

        register(
            Module(
                key="units",
                label_zh="承办单位",
                label_en="Handling units",
                urls="tenant_apps.units.urls",
                api_urls="tenant_apps.units.api_urls",
                menu=(
                    # The list is for people who work in the congress; the public has no menu entry.
                    MenuEntry(
                        "承办单位", "Handling units", "units:index", roles=frozenset(Role.values), group="handling"
                    ),
                    MenuEntry(
                        "本单位",
                        "My unit",
                        "units:mine",
                        roles=frozenset({Role.HANDLING_UNIT_STAFF.value}),
                        group="handling",
                    ),
                ),
                description_zh="办理代表建议的承办单位（政府部门、法院、检察院等）、其工作人员账号和联系人。",
                description_en="The units that handle deputies' suggestions (government departments, courts, "
                "procuratorates and others), their staff accounts and contact persons.",
            )
        )
