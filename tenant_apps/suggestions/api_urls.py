"""The suggestions module's API, at /api/v1/suggestions/ on a congress host (namespace "suggestions-api")."""

from django.urls import path

from tenant_apps.suggestions import api, attachment_api, bulletin_api, committee_api, overview_api, public_api

urlpatterns = [
    path("", api.SuggestionListApi.as_view(), name="suggestion_list"),
    path("<int:pk>/", api.SuggestionDetailApi.as_view(), name="suggestion_detail"),
    path("<int:pk>/cosigners/", api.CoSignerAddApi.as_view(), name="cosigner_add"),
    path("<int:pk>/cosigners/confirm/", api.CoSignerConfirmApi.as_view(), name="cosigner_confirm"),
    path("<int:pk>/transition/", api.SuggestionTransitionApi.as_view(), name="suggestion_transition"),
    path("<int:pk>/contacts/", api.ContactLogApi.as_view(), name="contact_log"),
    path("<int:pk>/joint-opinions/", api.JointOpinionSubmitApi.as_view(), name="joint_opinion_submit"),
    path("<int:pk>/extension/", api.ExtensionRequestApi.as_view(), name="extension_request"),
    path("<int:pk>/extension/decision/", api.ExtensionDecideApi.as_view(), name="extension_decide"),
    path("bulletin/", bulletin_api.BulletinApi.as_view(), name="bulletin"),
    # Attachments.
    path("<int:pk>/attachments/", attachment_api.AttachmentListApi.as_view(), name="attachment_list"),
    path(
        "<int:pk>/attachments/<int:att_pk>/",
        attachment_api.AttachmentDetailApi.as_view(),
        name="attachment_detail",
    ),
    path("<int:pk>/screening/", attachment_api.SuggestionScreeningApi.as_view(), name="suggestion_screening"),
    # Committees, key items and commitments.
    path("committees/", committee_api.CommitteeListApi.as_view(), name="committee_list"),
    path("committees/<int:pk>/", committee_api.CommitteeDetailApi.as_view(), name="committee_detail"),
    path("committees/<int:pk>/members/", committee_api.CommitteeMemberAddApi.as_view(), name="committee_member_add"),
    path(
        "committees/<int:pk>/members/<int:user_id>/",
        committee_api.CommitteeMemberRemoveApi.as_view(),
        name="committee_member_remove",
    ),
    path("key/", committee_api.KeyItemListApi.as_view(), name="key_list"),
    path("<int:pk>/key/", committee_api.KeyMarkApi.as_view(), name="key_mark"),
    path("<int:pk>/key/unmark/", committee_api.KeyUnmarkApi.as_view(), name="key_unmark"),
    path("<int:pk>/key/followups/", committee_api.KeyFollowUpApi.as_view(), name="key_followups"),
    path("commitments/", committee_api.CommitmentListApi.as_view(), name="commitment_list"),
    path("commitments/<int:pk>/updates/", committee_api.CommitmentProgressApi.as_view(), name="commitment_progress"),
    path("commitments/<int:pk>/solve/", committee_api.CommitmentSolveApi.as_view(), name="commitment_solve"),
    path("commitments/<int:pk>/reopen/", committee_api.CommitmentReopenApi.as_view(), name="commitment_reopen"),
    # The overview.
    path("overview/", overview_api.OverviewApi.as_view(), name="overview"),
    # Publication.
    path("public/", public_api.PublicSuggestionListApi.as_view(), name="public_list"),
    path("public/<int:pk>/", public_api.PublicSuggestionDetailApi.as_view(), name="public_detail"),
    path("<int:pk>/publication/", public_api.PublicationApi.as_view(), name="publication"),
    path("<int:pk>/confidentiality/", public_api.ConfidentialityApi.as_view(), name="confidentiality"),
]
