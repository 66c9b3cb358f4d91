from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "shared_apps.workdays"
    label = "workdays"
    verbose_name = "Working-day calendar"
