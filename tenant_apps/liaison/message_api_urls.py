from django.urls import path

from tenant_apps.liaison import message_api, tracker_views

urlpatterns = [
    path("messages/", message_api.MessageSubmitApi.as_view(), name="message_submit"),
    path("track/", tracker_views.MessageTrackApi.as_view(), name="track"),
    path("held/", message_api.HeldMessageListApi.as_view(), name="message_held_list"),
    path("held/<int:pk>/release/", message_api.HeldMessageReleaseApi.as_view(), name="message_release"),
    path("held/<int:pk>/discard/", message_api.HeldMessageDiscardApi.as_view(), name="message_discard"),
]
