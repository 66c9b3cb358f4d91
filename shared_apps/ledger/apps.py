from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "shared_apps.ledger"
    label = "ledger"
    verbose_name = "Deputies' duty records and yearly ledgers"

    def ready(self) -> None:
        from shared_apps.ledger import kinds

        kinds.register_platform_kinds()
