"""API of the account's notices, served on every host (config.urls_common)."""

from django.urls import path

from shared_apps.notifications import api

urlpatterns = [
    path("", api.NoticeListApi.as_view(), name="list"),
    path("<int:pk>/read/", api.NoticeReadApi.as_view(), name="read"),
    path("read/", api.NoticeReadAllApi.as_view(), name="read_all"),
]
