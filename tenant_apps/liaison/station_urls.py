"""Pages of the stations, the interaction window and the figures (under /liaison/)."""

from django.urls import path

from tenant_apps.liaison import station_views, window_views

urlpatterns = [
    # Public (anonymous visitors, phone-first).
    path("", station_views.index, name="index"),
    path("s/<slug:code>/", station_views.station_page, name="station"),
    path("s/<slug:code>/qr.png", station_views.station_qr_png, name="station_qr_png"),
    path("s/<slug:code>/qr.svg", station_views.station_qr_svg, name="station_qr_svg"),
    path("s/<slug:code>/poster.pdf", station_views.station_poster, name="station_poster"),
    path("window/", window_views.congress_window, name="window"),
    path("d/<int:deputy_id>/", window_views.deputy_page, name="deputy"),
    path("studios/<int:pk>/", window_views.studio_window, name="studio"),
    # The office.
    path("stations/", station_views.station_list, name="station_list"),
    path("stations/new/", station_views.station_create, name="station_create"),
    path("stations/<int:pk>/", station_views.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", station_views.station_edit, name="station_edit"),
    path("stations/<int:pk>/active/", station_views.station_set_active, name="station_set_active"),
    path("stations/<int:pk>/deputies/", station_views.station_deputies, name="station_deputies"),
    path("stations/<int:pk>/staff/", station_views.station_staff, name="station_staff"),
    path("figures/", window_views.figures_page, name="figures"),
    path("figures/rollup/", window_views.figures_rollup, name="figures_rollup"),
]
