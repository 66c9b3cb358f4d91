from django.urls import path

from tenant_apps.suggestions import attachment_api

urlpatterns = [
    path("<int:pk>/attachments/", attachment_api.AttachmentListApi.as_view(), name="attachment_list"),
    path(
        "<int:pk>/attachments/<int:att_pk>/",
        attachment_api.AttachmentDetailApi.as_view(),
        name="attachment_detail",
    ),
    path("<int:pk>/screening/", attachment_api.SuggestionScreeningApi.as_view(), name="suggestion_screening"),
]
