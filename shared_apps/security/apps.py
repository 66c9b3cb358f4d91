from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "shared_apps.security"
    label = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        from shared_apps.security import mfa, signals  # noqa: F401  (signals connects the receivers)

        mfa.register_specs()
