"""The API of the platform's administration of congresses (under /api/v1/, namespace "api"): `urlpatterns` on
the root domain, `congress_urlpatterns` on a congress host."""

from django.urls import path

from console import api
from shared_apps.registry.api import CongressWorkspaceApi, PlatformWorkspaceApi

urlpatterns = [
    path("auth/token/", api.PlatformTokenObtainApi.as_view(), name="token"),
    path("me/congresses/", api.PlatformMyCongressesApi.as_view(), name="my_congresses"),
    path("me/workspace/", PlatformWorkspaceApi.as_view(), name="workspace"),
    path("congresses/", api.CongressListApi.as_view(), name="congress_list"),
    path("congresses/<str:division_code>/status/", api.CongressStatusApi.as_view(), name="congress_status"),
    path("provisioning/", api.ProvisioningListCreateApi.as_view(), name="provisioning"),
    path("provisioning/<int:pk>/", api.ProvisioningDetailApi.as_view(), name="provisioning_detail"),
    path("provisioning/batches/", api.ProvisioningBatchCreateApi.as_view(), name="provisioning_batches"),
    path("provisioning/batches/<int:pk>/", api.ProvisioningBatchDetailApi.as_view(), name="provisioning_batch"),
    path("defaults/", api.PlatformDefaultsApi.as_view(), name="defaults"),
]

congress_urlpatterns = [
    path("auth/token/", api.CongressTokenObtainApi.as_view(), name="token"),
    path("me/congresses/", api.CongressMyCongressesApi.as_view(), name="my_congresses"),
    path("me/workspace/", CongressWorkspaceApi.as_view(), name="workspace"),
    path("congress/", api.CongressDetailApi.as_view(), name="congress"),
    path("congress/settings/", api.CongressSettingsApi.as_view(), name="congress_settings"),
]
