from django.urls import path

from tenant_apps.suggestions import (
    api,
    attachment_api_urls,
    bulletin_api,
    committee_api_urls,
    overview_api_urls,
    public_api_urls,
)

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
    *attachment_api_urls.urlpatterns,
    *committee_api_urls.urlpatterns,
    *overview_api_urls.urlpatterns,
    *public_api_urls.urlpatterns,
]
