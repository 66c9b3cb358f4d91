"""API of the about module (the congress's profile), at /api/v1/about/ on a congress host (namespace "about-api")."""

from django.urls import path

from tenant_apps.about.api import ProfileApi

urlpatterns = [path("profile/", ProfileApi.as_view(), name="profile")]
