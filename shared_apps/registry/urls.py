"""The deputy registry's pages. On a congress host: `urlpatterns` at /registry/ (namespace "registry"),
`roster_urlpatterns` at /registry/roster/ ("roster"), `directory_urlpatterns` at /deputies/ ("directory"). On the
root domain: `search_urlpatterns` at /deputies/ ("search"), `national_urlpatterns` at /console/npc/ ("npc")."""

from django.urls import path

from shared_apps.registry import directory_views, national, roster_views, views

urlpatterns = [
    path("", views.roll, name="roll"),
    path("terms/<int:term_id>/", views.roll, name="term"),
    path("terms/close/", views.term_close, name="term_close"),
    path("seats/new/", views.seat_register, name="seat_register"),
    path("deputies/<int:deputy_id>/", views.deputy_detail, name="deputy_detail"),
    path("deputies/<int:deputy_id>/invite/", views.deputy_invite, name="deputy_invite"),
    path("deputies/<int:deputy_id>/edit/", views.deputy_edit, name="deputy_edit"),
    path("seats/<int:seat_id>/end/", views.seat_end, name="seat_end"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("rollup/", views.rollup, name="rollup"),
]

roster_urlpatterns = [
    path("", roster_views.index, name="index"),
    path("template.xlsx", roster_views.template, name="template"),
    path("preview/", roster_views.preview, name="preview"),
    path("commit/", roster_views.commit, name="commit"),
    path("export.xlsx", roster_views.export, name="export"),
]

directory_urlpatterns = [
    path("", directory_views.directory_list, name="list"),
    path("<int:deputy_id>/", directory_views.directory_deputy, name="deputy"),
]

search_urlpatterns = [
    path("", directory_views.deputy_search, name="search"),
]

national_urlpatterns = [
    path("", national.npc_roll, name="roll"),
    path("seats/<int:seat_id>/end/", national.npc_seat_end, name="seat_end"),
]
