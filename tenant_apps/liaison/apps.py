from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "tenant_apps.liaison"
    label = "liaison"
    verbose_name = "Liaison stations and public messages"

    def ready(self) -> None:
        from tenant_apps.liaison import registration, retention

        registration.register_module()
        retention.register_specs()
