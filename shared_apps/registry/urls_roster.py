"""Roster pages, at /registry/roster/ on every congress host (namespace `roster`)."""

from django.urls import path

from shared_apps.registry import roster_views

urlpatterns = [
    path("", roster_views.index, name="index"),
    path("template.xlsx", roster_views.template, name="template"),
    path("preview/", roster_views.preview, name="preview"),
    path("commit/", roster_views.commit, name="commit"),
    path("export.xlsx", roster_views.export, name="export"),
]
