from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "shared_apps.security"
    label = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        from shared_apps.security import signals  # noqa: F401  (connects the receivers)
