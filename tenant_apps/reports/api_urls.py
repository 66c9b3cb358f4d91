"""API of online duty reports, at /api/v1/reports/ on a congress host (namespace "reports-api")."""

from django.urls import path

from tenant_apps.reports import api

urlpatterns = [
    path("rounds/", api.RoundListApi.as_view(), name="round_list"),
    path("rounds/<int:pk>/", api.RoundDetailApi.as_view(), name="round_detail"),
    path("rounds/<int:pk>/transition/", api.RoundTransitionApi.as_view(), name="round_transition"),
    path("rounds/<int:pk>/reporters/", api.ReportersApi.as_view(), name="reporters"),
    path("<int:pk>/", api.ReportDetailApi.as_view(), name="report_detail"),
    path("<int:pk>/transition/", api.ReportTransitionApi.as_view(), name="report_transition"),
    path("<int:pk>/files/", api.ReportFileApi.as_view(), name="report_files"),
    path("<int:pk>/score-code/", api.ScoreCodeApi.as_view(), name="score_code"),
    path("<int:pk>/scores/", api.ScoreListApi.as_view(), name="scores"),
    path("<int:pk>/scores/<int:score_id>/transition/", api.ScoreTransitionApi.as_view(), name="score_transition"),
]
