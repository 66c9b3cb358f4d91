from django.apps import AppConfig


class AboutConfig(AppConfig):
    name = "tenant_apps.about"
    label = "about"
    verbose_name = "About the congress"

    def ready(self) -> None:
        from tenants.modules import MenuEntry, Module, register

        register(
            Module(
                key="about",
                label_zh="人大概况",
                label_en="About",
                urls="tenant_apps.about.urls",
                api_urls="tenant_apps.about.api_urls",
                menu=(MenuEntry("人大概况", "About", "about:index"),),
                description_zh="本级人大简介、办公地址、接待时间和各部门联系方式。",
                description_en="Introduction, office address, reception hours and departmental contacts.",
            )
        )
