"""API of the notices module (notices between congresses), at /api/v1/notices/ on a congress host
(namespace "notices-api")."""

from django.urls import path

from tenant_apps.notices import api

urlpatterns = [
    path("", api.NoticeListApi.as_view(), name="notice_list"),
    path("<int:pk>/", api.NoticeDetailApi.as_view(), name="notice_detail"),
    path("<int:pk>/acknowledge/", api.NoticeAcknowledgeApi.as_view(), name="notice_acknowledge"),
]
