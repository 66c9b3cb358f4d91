"""The root domain's province-wide deputy search, at /deputies/ (namespace `search`)."""

from django.urls import path

from shared_apps.registry import directory_views

urlpatterns = [path("", directory_views.deputy_search, name="search")]
