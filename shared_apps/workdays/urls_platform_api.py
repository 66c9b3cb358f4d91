"""Calendar API of the root domain, mounted at api/v1/calendar/."""

from django.urls import path

from shared_apps.workdays import api

urlpatterns = [path("", api.PlatformCalendarApi.as_view(), name="days")]
