"""API of the showcase, at /api/v1/showcase/ on a congress host (namespace "showcase-api")."""

from django.urls import path

from tenant_apps.showcase import api

urlpatterns = [
    path("stories/", api.StoryListApi.as_view(), name="story_list"),
    path("stories/<int:pk>/", api.StoryDetailApi.as_view(), name="story_detail"),
    path("stories/<int:pk>/transition/", api.StoryTransitionApi.as_view(), name="story_transition"),
    path("stories/<int:pk>/photos/", api.StoryPhotoApi.as_view(), name="story_photos"),
    path("deputies/", api.DeputyListApi.as_view(), name="deputy_list"),
    path("deputies/<int:deputy_id>/", api.DeputyPageApi.as_view(), name="deputy_page"),
]
