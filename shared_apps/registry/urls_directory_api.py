"""A congress host's public deputy directory API, at /api/v1/deputies/ (namespace `directory-api`)."""

from django.urls import path

from shared_apps.registry.directory_api import DeputyDetailApi, DeputyListApi

urlpatterns = [
    path("", DeputyListApi.as_view(), name="list"),
    path("<int:deputy_id>/", DeputyDetailApi.as_view(), name="deputy"),
]
