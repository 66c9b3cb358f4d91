"""Pages of the about module (the congress's profile), at /about/ on a congress host (namespace "about")."""

from django.urls import path

from tenant_apps.about import views

urlpatterns = [
    path("", views.index, name="index"),
    path("edit/", views.edit, name="edit"),
]
