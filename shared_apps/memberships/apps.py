from django.apps import AppConfig


class MembershipsConfig(AppConfig):
    name = "shared_apps.memberships"
    label = "memberships"
    verbose_name = "Memberships"
