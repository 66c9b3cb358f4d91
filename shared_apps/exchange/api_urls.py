"""The exchange's API, at /api/v1/exchange/ on the root domain (namespace "exchange-api")."""

from django.urls import path

from shared_apps.exchange import api

urlpatterns = [
    path("transfers/", api.TransferListApi.as_view(), name="transfers"),
    path("transfers/<uuid:pk>/retry/", api.TransferRetryApi.as_view(), name="retry"),
]
