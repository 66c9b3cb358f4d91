"""API of the stations, the interaction window and the figures (under /api/v1/liaison/)."""

from django.urls import path

from tenant_apps.liaison import station_api

urlpatterns = [
    path("stations/", station_api.StationListApi.as_view(), name="station_list"),
    path("stations/<int:pk>/", station_api.StationDetailApi.as_view(), name="station_detail"),
    path("stations/<int:pk>/active/", station_api.StationActiveApi.as_view(), name="station_active"),
    path("stations/<int:pk>/deputies/", station_api.StationDeputiesApi.as_view(), name="station_deputies"),
    path("stations/<int:pk>/staff/", station_api.StationStaffApi.as_view(), name="station_staff"),
    path("s/<slug:code>/", station_api.StationPublicApi.as_view(), name="station_public"),
    path("window/", station_api.WindowApi.as_view(), name="window"),
    path("d/<int:deputy_id>/", station_api.DeputyPublicApi.as_view(), name="deputy"),
    path("figures/", station_api.FiguresApi.as_view(), name="figures"),
    path("figures/rollup/", station_api.FiguresRollupApi.as_view(), name="figures_rollup"),
]
