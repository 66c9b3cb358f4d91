from django.urls import path

from tenant_apps.liaison import handling_api

urlpatterns = [
    path("inbox/", handling_api.MessageInboxApi.as_view(), name="inbox"),
    path("messages/<int:pk>/", handling_api.MessageHandleApi.as_view(), name="message_handle"),
    path("messages/<int:pk>/transition/", handling_api.MessageTransitionApi.as_view(), name="message_transition"),
    path("messages/<int:pk>/mobile/", handling_api.MessageMobileApi.as_view(), name="message_mobile"),
    path("messages/<int:pk>/photos/<int:photo_pk>/", handling_api.MessagePhotoApi.as_view(), name="message_photo"),
    path("rate/", handling_api.MessageRateApi.as_view(), name="rate"),
]
