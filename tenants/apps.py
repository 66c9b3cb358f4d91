from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Congresses"

    def ready(self) -> None:
        from tenants import preferences

        preferences.register_core_specs()
