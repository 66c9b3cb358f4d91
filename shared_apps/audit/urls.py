"""The audit log's pages, at /audit/ on every host (namespace "audit", config.urls_common)."""

from django.urls import path

from shared_apps.audit import views

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.xlsx", views.audit_export, name="export"),
]
