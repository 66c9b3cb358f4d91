from django.urls import path

from tenant_apps.about.api import ProfileApi

urlpatterns = [path("profile/", ProfileApi.as_view(), name="profile")]
