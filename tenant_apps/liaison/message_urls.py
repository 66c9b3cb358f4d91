from django.urls import path

from tenant_apps.liaison import message_views, tracker_views

urlpatterns = [
    path("s/<slug:code>/message/", message_views.message_new, name="message_new"),
    path("d/<int:deputy_id>/message/", message_views.message_new_to_deputy, name="message_new_to_deputy"),
    path("message/sent/", message_views.message_sent, name="message_sent"),
    path("track/", tracker_views.track, name="track"),
    path("held/", message_views.held_list, name="message_held_list"),
    path("held/<int:pk>/release/", message_views.message_release, name="message_release"),
    path("held/<int:pk>/discard/", message_views.message_discard, name="message_discard"),
]
