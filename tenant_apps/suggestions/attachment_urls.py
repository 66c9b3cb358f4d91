from django.urls import path

from tenant_apps.suggestions import attachment_views

urlpatterns = [
    path("<int:pk>/attachments/", attachment_views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:att_pk>/", attachment_views.attachment_download, name="attachment_download"),
    path("<int:pk>/attachments/<int:att_pk>/remove/", attachment_views.attachment_remove, name="attachment_remove"),
]
