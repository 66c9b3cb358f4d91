"""A congress host's public deputy directory, at /deputies/ (namespace `directory`)."""

from django.urls import path

from shared_apps.registry import directory_views

urlpatterns = [
    path("", directory_views.directory_list, name="list"),
    path("<int:deputy_id>/", directory_views.directory_deputy, name="deputy"),
]
