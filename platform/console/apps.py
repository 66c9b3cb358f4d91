from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The platform's administration of congresses: provisioning (a workflow of its own), status, modules and
    settings; the console on the root domain, a congress's front page and settings on its host."""

    name = "console"
    verbose_name = "Congress administration"

    def ready(self) -> None:
        # The deploy checks of the running instance (storage writable and private): `manage.py check --deploy`.
        from console import checks  # noqa: F401 — registers its checks
