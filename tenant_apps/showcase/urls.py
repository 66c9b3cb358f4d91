"""Pages of the showcase, at /showcase/ on a congress host (namespace "showcase")."""

from django.urls import path

from tenant_apps.showcase import views

urlpatterns = [
    path("", views.index, name="index"),
    path("deputies/<int:deputy_id>/", views.deputy, name="deputy"),
    path("stories/new/", views.story_create, name="story_create"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("stories/<int:pk>/edit/", views.story_edit, name="story_edit"),
    path("stories/<int:pk>/action/", views.story_act, name="story_act"),
    path("stories/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("stories/<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
]
