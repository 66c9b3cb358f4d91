"""API of the account's tokens, at /api/v1/me/tokens/ on every host (namespace "my_tokens_api",
config.urls_common)."""

from django.urls import path

from shared_apps.security import api

urlpatterns = [
    path("", api.TokenListApi.as_view(), name="list"),
    path("<int:pk>/", api.TokenRevokeApi.as_view(), name="revoke"),
]
