"""The security administrator's page, at /security/ on every host (namespace "security_officer",
config.urls_common)."""

from django.urls import path

from shared_apps.security import officer_views as views

urlpatterns = [
    path("", views.officer, name="index"),
    path("grant/", views.grant, name="grant"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("unlock/", views.unlock, name="unlock"),
    path("active/", views.set_active, name="set_active"),
]
