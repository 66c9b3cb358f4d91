"""API of the audit log, at /api/v1/audit/ on every host (namespace "audit_api", config.urls_common)."""

from django.urls import path

from shared_apps.audit import api

urlpatterns = [path("", api.AuditLogApi.as_view(), name="log")]
