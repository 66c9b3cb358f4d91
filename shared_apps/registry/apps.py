from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shared_apps.registry"
    label = "registry"
    verbose_name = "Deputy registry"

    def ready(self) -> None:
        from shared_apps.registry import checks  # noqa: F401 — registers the deployment checks
