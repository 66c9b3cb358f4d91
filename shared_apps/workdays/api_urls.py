"""The working-day calendar's API, at /api/v1/calendar/ (namespace "calendar-api"): `urlpatterns` on a congress
host, `platform_urlpatterns` on the root domain."""

from django.urls import path

from shared_apps.workdays import api

urlpatterns = [
    path("", api.CongressCalendarApi.as_view(), name="days"),
]

platform_urlpatterns = [
    path("", api.PlatformCalendarApi.as_view(), name="days"),
]
