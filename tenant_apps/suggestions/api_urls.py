from django.urls import path

from tenant_apps.suggestions import api

urlpatterns = [
    path("", api.SuggestionListApi.as_view(), name="suggestion_list"),
    path("<int:pk>/", api.SuggestionDetailApi.as_view(), name="suggestion_detail"),
    path("<int:pk>/cosigners/", api.CoSignerAddApi.as_view(), name="cosigner_add"),
    path("<int:pk>/cosigners/confirm/", api.CoSignerConfirmApi.as_view(), name="cosigner_confirm"),
    path("<int:pk>/transition/", api.SuggestionTransitionApi.as_view(), name="suggestion_transition"),
]
