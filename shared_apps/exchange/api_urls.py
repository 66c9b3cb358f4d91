"""The exchange's API on the root domain, mounted at api/v1/exchange/."""

from django.urls import path

from shared_apps.exchange import api

urlpatterns = [
    path("transfers/", api.TransferListApi.as_view(), name="transfers"),
    path("transfers/<uuid:pk>/retry/", api.TransferRetryApi.as_view(), name="retry"),
]
