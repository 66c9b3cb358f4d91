from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "shared_apps.exchange"
    label = "exchange"
    verbose_name = "Cross-tier exchange"
