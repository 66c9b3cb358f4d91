"""The exchange on the central console, mounted at console/exchange/ on the root domain."""

from django.urls import path

from shared_apps.exchange import views

urlpatterns = [
    path("", views.console, name="console"),
    path("<uuid:pk>/retry/", views.retry, name="retry"),
]
