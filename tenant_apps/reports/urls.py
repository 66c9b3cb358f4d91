"""Pages of online duty reports, at /reports/ on a congress host (namespace "reports")."""

from django.urls import path

from tenant_apps.reports import views

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/action/", views.round_act, name="round_act"),
    path("rounds/<int:pk>/reporters/", views.reporters_add, name="reporters_add"),
    path("<int:pk>/", views.report_page, name="report"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/action/", views.report_act, name="report_act"),
    path("<int:pk>/files/", views.report_file_add, name="report_file_add"),
    path("<int:pk>/files/<int:file_id>/", views.report_file, name="report_file"),
    path("<int:pk>/score/", views.score, name="score"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/moderation/<int:score_id>/", views.score_act, name="score_act"),
]
