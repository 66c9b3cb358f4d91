"""The liaison module's pages (under /liaison/ on a congress host, namespace "liaison") and, in `root_urlpatterns`,
the tracker on the root domain (an escalated matter moves between congresses, so it is followed there too)."""

from django.urls import path

from tenant_apps.liaison.api import tracker as tracker_api
from tenant_apps.liaison.views import handling, messages, stations, tracker, window

urlpatterns = [
    # Public (anonymous visitors, phone-first).
    path("", stations.index, name="index"),
    path("s/<slug:code>/", stations.station_page, name="station"),
    path("s/<slug:code>/qr.png", stations.station_qr_png, name="station_qr_png"),
    path("s/<slug:code>/qr.svg", stations.station_qr_svg, name="station_qr_svg"),
    path("s/<slug:code>/poster.pdf", stations.station_poster, name="station_poster"),
    path("s/<slug:code>/message/", messages.message_new, name="message_new"),
    path("d/<int:deputy_id>/", window.deputy_page, name="deputy"),
    path("d/<int:deputy_id>/message/", messages.message_new_to_deputy, name="message_new_to_deputy"),
    path("message/sent/", messages.message_sent, name="message_sent"),
    path("track/", tracker.track, name="track"),
    path("rate/", handling.rate, name="rate"),
    path("window/", window.congress_window, name="window"),
    path("studios/<int:pk>/", window.studio_window, name="studio"),
    # The handlers' workspace.
    path("inbox/", handling.inbox, name="inbox"),
    path("messages/<int:pk>/", handling.message_handle, name="message_handle"),
    path("messages/<int:pk>/act/", handling.message_act, name="message_act"),
    path("messages/<int:pk>/mobile/", handling.message_mobile, name="message_mobile"),
    path("messages/<int:pk>/photos/<int:photo_pk>/", handling.message_photo, name="message_photo"),
    path("held/", messages.held_list, name="message_held_list"),
    path("held/<int:pk>/release/", messages.message_release, name="message_release"),
    path("held/<int:pk>/discard/", messages.message_discard, name="message_discard"),
    # The office.
    path("stations/", stations.station_list, name="station_list"),
    path("stations/new/", stations.station_create, name="station_create"),
    path("stations/<int:pk>/", stations.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", stations.station_edit, name="station_edit"),
    path("stations/<int:pk>/active/", stations.station_set_active, name="station_set_active"),
    path("stations/<int:pk>/deputies/", stations.station_deputies, name="station_deputies"),
    path("stations/<int:pk>/staff/", stations.station_staff, name="station_staff"),
    path("figures/", window.figures_page, name="figures"),
    path("figures/rollup/", window.figures_rollup, name="figures_rollup"),
]

# The root domain (config/urls_public.py includes these under the namespace "liaison").
root_urlpatterns = [
    path("liaison/track/", tracker.track, name="track"),
    path("api/v1/liaison/track/", tracker_api.PlatformMessageTrackApi.as_view(), name="track_api"),
]
