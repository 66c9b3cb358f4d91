from django.urls import path

from tenant_apps.liaison import handling_views

urlpatterns = [
    path("inbox/", handling_views.inbox, name="inbox"),
    path("messages/<int:pk>/", handling_views.message_handle, name="message_handle"),
    path("messages/<int:pk>/act/", handling_views.message_act, name="message_act"),
    path("messages/<int:pk>/mobile/", handling_views.message_mobile, name="message_mobile"),
    path("messages/<int:pk>/photos/<int:photo_pk>/", handling_views.message_photo, name="message_photo"),
    path("rate/", handling_views.rate, name="rate"),
]
