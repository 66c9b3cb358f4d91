"""API of the account's notices, at /api/v1/me/notices/ on every host (namespace "my_notices_api",
config.urls_common)."""

from django.urls import path

from shared_apps.notifications import api

urlpatterns = [
    path("", api.NoticeListApi.as_view(), name="list"),
    path("<int:pk>/read/", api.NoticeReadApi.as_view(), name="read"),
    path("read/", api.NoticeReadAllApi.as_view(), name="read_all"),
    path("preferences/", api.NoticePreferenceApi.as_view(), name="preferences"),
]
