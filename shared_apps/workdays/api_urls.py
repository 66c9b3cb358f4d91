"""Calendar API of a congress host, mounted at api/v1/calendar/."""

from django.urls import path

from shared_apps.workdays import api

urlpatterns = [path("", api.CongressCalendarApi.as_view(), name="days")]
