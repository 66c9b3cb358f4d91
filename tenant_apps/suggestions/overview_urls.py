from django.urls import path

from tenant_apps.suggestions import overview_views

urlpatterns = [
    path("overview/", overview_views.overview, name="overview"),
    path("overview/export.xlsx", overview_views.overview_export, name="overview_export"),
]
