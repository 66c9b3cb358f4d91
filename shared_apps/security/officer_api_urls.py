"""API of the security administrator, at /api/v1/security/ on every host (namespace "security_api",
config.urls_common)."""

from django.urls import path

from shared_apps.security import officer_api as api

urlpatterns = [
    path("members/", api.MembersApi.as_view(), name="members"),
    path("members/withdraw/", api.WithdrawApi.as_view(), name="withdraw"),
    path("unlock/", api.UnlockApi.as_view(), name="unlock"),
    path("accounts/<int:pk>/active/", api.AccountActiveApi.as_view(), name="account_active"),
]
