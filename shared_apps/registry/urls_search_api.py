"""The root domain's province-wide deputy search API, at /api/v1/deputies/ (namespace `search-api`)."""

from django.urls import path

from shared_apps.registry.directory_api import DeputySearchApi

urlpatterns = [path("", DeputySearchApi.as_view(), name="search")]
