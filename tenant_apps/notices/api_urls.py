from django.urls import path

from tenant_apps.notices import api

urlpatterns = [
    path("", api.NoticeListApi.as_view(), name="notice_list"),
    path("<int:pk>/", api.NoticeDetailApi.as_view(), name="notice_detail"),
    path("<int:pk>/acknowledge/", api.NoticeAcknowledgeApi.as_view(), name="notice_acknowledge"),
]
