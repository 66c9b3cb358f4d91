from django.urls import path

from tenant_apps.suggestions import overview_api

urlpatterns = [
    path("overview/", overview_api.OverviewApi.as_view(), name="overview"),
]
