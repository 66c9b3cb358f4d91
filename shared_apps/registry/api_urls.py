"""The deputy registry's API. On a congress host: `urlpatterns` at /api/v1/registry/ (namespace "registry-api"),
`roster_urlpatterns` at /api/v1/registry/roster/ ("roster-api"), `directory_urlpatterns` at /api/v1/deputies/
("directory-api"). On the root domain: `search_urlpatterns` at /api/v1/deputies/ ("search-api"),
`national_urlpatterns` at /api/v1/npc/ ("npc-api")."""

from django.urls import path

from shared_apps.registry import api, directory_api, national, roster_api

urlpatterns = [
    path("seats/", api.SeatListApi.as_view(), name="seats"),
    path("seats/<int:seat_id>/end/", api.SeatEndApi.as_view(), name="seat_end"),
    path("deputies/<int:deputy_id>/identity/", api.DeputyIdentityApi.as_view(), name="identity"),
    path("deputies/<int:deputy_id>/invite/", api.DeputyInviteApi.as_view(), name="invite"),
    path("terms/", api.TermListApi.as_view(), name="terms"),
    path("terms/close/", api.TermCloseApi.as_view(), name="term_close"),
    path("claim/", api.ClaimApi.as_view(), name="claim"),
    path("rollup/", api.RollupApi.as_view(), name="rollup"),
]

roster_urlpatterns = [
    path("preview/", roster_api.RosterPreviewApi.as_view(), name="preview"),
    path("commit/", roster_api.RosterCommitApi.as_view(), name="commit"),
    path("export/", roster_api.RosterExportApi.as_view(), name="export"),
]

directory_urlpatterns = [
    path("", directory_api.DeputyListApi.as_view(), name="list"),
    path("<int:deputy_id>/", directory_api.DeputyDetailApi.as_view(), name="deputy"),
]

search_urlpatterns = [
    path("", directory_api.DeputySearchApi.as_view(), name="search"),
]

national_urlpatterns = [
    path("seats/", national.NationalSeatListApi.as_view(), name="seats"),
    path("seats/<int:seat_id>/end/", national.NationalSeatEndApi.as_view(), name="seat_end"),
]
