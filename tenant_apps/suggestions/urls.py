from django.urls import include, path

from tenant_apps.suggestions import (
    attachment_urls,
    bulletin_urls,
    committee_urls,
    overview_urls,
    public_urls,
    views,
)

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.draft_create, name="draft_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.draft_update, name="draft_update"),
    path("<int:pk>/cosigners/", views.cosigner_add, name="cosigner_add"),
    path("<int:pk>/cosigners/confirm/", views.cosigner_confirm, name="cosigner_confirm"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/contacts/", views.contact_log, name="contact_log"),
    path("<int:pk>/joint-opinion/", views.joint_opinion_submit, name="joint_opinion_submit"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/decision/", views.extension_decide, name="extension_decide"),
    path("bulletin/", include(bulletin_urls.urlpatterns)),
    *attachment_urls.urlpatterns,
    *committee_urls.urlpatterns,
    *overview_urls.urlpatterns,
    *public_urls.urlpatterns,
]
