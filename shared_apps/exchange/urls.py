"""The exchange's page on the central console, at /console/exchange/ on the root domain (namespace "exchange")."""

from django.urls import path

from shared_apps.exchange import views

urlpatterns = [
    path("", views.console, name="console"),
    path("<uuid:pk>/retry/", views.retry, name="retry"),
]
