from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "tenant_apps.groups"
    label = "groups"
    verbose_name = "Deputy groups and studios"

    def ready(self) -> None:
        from tenants.modules import MenuEntry, Module, register

        register(
            Module(
                key="groups",
                label_zh="代表小组与工作室",
                label_en="Groups and studios",
                urls="tenant_apps.groups.urls",
                api_urls="tenant_apps.groups.api_urls",
                menu=(MenuEntry("代表小组与工作室", "Groups and studios", "groups:index", group="deputies"),),
                description_zh="代表小组（可吸收各级代表参加）和代表工作室、代表之家的地址、开放时间与值班代表。",
                description_en="Deputy groups (open to deputies of every tier) and deputy studios and homes: "
                "address, opening days and deputies on duty.",
            )
        )
