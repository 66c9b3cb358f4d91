"""Roster API, at /api/v1/registry/roster/ on every congress host (namespace `roster-api`)."""

from django.urls import path

from shared_apps.registry import roster_api

urlpatterns = [
    path("preview/", roster_api.RosterPreviewApi.as_view(), name="preview"),
    path("commit/", roster_api.RosterCommitApi.as_view(), name="commit"),
    path("export/", roster_api.RosterExportApi.as_view(), name="export"),
]
