"""The suggestions module's pages, at /suggestions/ on a congress host (namespace "suggestions")."""

from django.urls import path

from tenant_apps.suggestions import (
    attachment_views,
    bulletin_views,
    committee_views,
    overview_views,
    public_views,
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
    # The bulletin.
    path("bulletin/", bulletin_views.bulletin, name="bulletin"),
    path("bulletin/xlsx/", bulletin_views.bulletin_xlsx, name="bulletin_xlsx"),
    path("bulletin/pdf/", bulletin_views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletin/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    # Attachments.
    path("<int:pk>/attachments/", attachment_views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:att_pk>/", attachment_views.attachment_download, name="attachment_download"),
    path("<int:pk>/attachments/<int:att_pk>/remove/", attachment_views.attachment_remove, name="attachment_remove"),
    # Committees, key items and commitments.
    path("committees/", committee_views.committees, name="committees"),
    path("committees/<int:pk>/", committee_views.committee_update, name="committee_update"),
    path("committees/<int:pk>/members/", committee_views.committee_member_add, name="committee_member_add"),
    path(
        "committees/<int:pk>/members/<int:user_id>/remove/",
        committee_views.committee_member_remove,
        name="committee_member_remove",
    ),
    path("key/", committee_views.key_list, name="key_list"),
    path("<int:pk>/key/mark/", committee_views.key_mark, name="key_mark"),
    path("<int:pk>/key/unmark/", committee_views.key_unmark, name="key_unmark"),
    path("<int:pk>/key/followups/", committee_views.key_followup_add, name="key_followup_add"),
    path("commitments/", committee_views.commitments, name="commitments"),
    path("commitments/xlsx/", committee_views.commitments_xlsx, name="commitments_xlsx"),
    path("commitments/<int:pk>/update/", committee_views.commitment_update, name="commitment_update"),
    path("commitments/<int:pk>/solve/", committee_views.commitment_solve, name="commitment_solve"),
    path("commitments/<int:pk>/reopen/", committee_views.commitment_reopen, name="commitment_reopen"),
    # The overview.
    path("overview/", overview_views.overview, name="overview"),
    path("overview/export.xlsx", overview_views.overview_export, name="overview_export"),
    # Publication.
    path("public/", public_views.public_index, name="public_index"),
    path("public/<int:pk>/", public_views.public_detail, name="public_detail"),
    path("<int:pk>/publish/", public_views.publish, name="publish"),
    path("<int:pk>/unpublish/", public_views.unpublish, name="unpublish"),
    path("<int:pk>/confidentiality/", public_views.confidentiality, name="confidentiality"),
]
