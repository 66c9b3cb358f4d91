"""The liaison module's API (under /api/v1/liaison/ on a congress host, namespace "liaison-api")."""

from django.urls import path

from tenant_apps.liaison.api import handling, messages, stations, tracker

urlpatterns = [
    path("stations/", stations.StationListApi.as_view(), name="station_list"),
    path("stations/<int:pk>/", stations.StationDetailApi.as_view(), name="station_detail"),
    path("stations/<int:pk>/active/", stations.StationActiveApi.as_view(), name="station_active"),
    path("stations/<int:pk>/deputies/", stations.StationDeputiesApi.as_view(), name="station_deputies"),
    path("stations/<int:pk>/staff/", stations.StationStaffApi.as_view(), name="station_staff"),
    path("s/<slug:code>/", stations.StationPublicApi.as_view(), name="station_public"),
    path("window/", stations.WindowApi.as_view(), name="window"),
    path("d/<int:deputy_id>/", stations.DeputyPublicApi.as_view(), name="deputy"),
    path("figures/", stations.FiguresApi.as_view(), name="figures"),
    path("figures/rollup/", stations.FiguresRollupApi.as_view(), name="figures_rollup"),
    path("messages/", messages.MessageSubmitApi.as_view(), name="message_submit"),
    path("track/", tracker.MessageTrackApi.as_view(), name="track"),
    path("held/", messages.HeldMessageListApi.as_view(), name="message_held_list"),
    path("held/<int:pk>/release/", messages.HeldMessageReleaseApi.as_view(), name="message_release"),
    path("held/<int:pk>/discard/", messages.HeldMessageDiscardApi.as_view(), name="message_discard"),
    path("inbox/", handling.MessageInboxApi.as_view(), name="inbox"),
    path("messages/<int:pk>/", handling.MessageHandleApi.as_view(), name="message_handle"),
    path("messages/<int:pk>/transition/", handling.MessageTransitionApi.as_view(), name="message_transition"),
    path("messages/<int:pk>/mobile/", handling.MessageMobileApi.as_view(), name="message_mobile"),
    path("messages/<int:pk>/photos/<int:photo_pk>/", handling.MessagePhotoApi.as_view(), name="message_photo"),
    path("rate/", handling.MessageRateApi.as_view(), name="rate"),
]
