from django.urls import path

from tenant_apps.suggestions import public_api

urlpatterns = [
    path("public/", public_api.PublicSuggestionListApi.as_view(), name="public_list"),
    path("public/<int:pk>/", public_api.PublicSuggestionDetailApi.as_view(), name="public_detail"),
    path("<int:pk>/publication/", public_api.PublicationApi.as_view(), name="publication"),
    path("<int:pk>/confidentiality/", public_api.ConfidentialityApi.as_view(), name="confidentiality"),
]
