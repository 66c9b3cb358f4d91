"""The root domain: the central platform (public schema)."""

from django.contrib import admin
from django.urls import include, path

from config.urls_common import api_docs_urlpatterns, common_urlpatterns
from shared_apps.registry.api import PlatformWorkspaceApi
from tenant_apps.liaison.tracker_views import root_urlpatterns as tracker_urlpatterns
from tenants import api
from tenants.console import platform_home

api_urlpatterns = [
    path("auth/token/", api.PlatformTokenObtainApi.as_view(), name="token"),
    path("me/congresses/", api.PlatformMyCongressesApi.as_view(), name="my_congresses"),
    path("me/workspace/", PlatformWorkspaceApi.as_view(), name="workspace"),
    path("congresses/", api.CongressListApi.as_view(), name="congress_list"),
    path("congresses/<str:division_code>/status/", api.CongressStatusApi.as_view(), name="congress_status"),
    path("provisioning/", api.ProvisioningListCreateApi.as_view(), name="provisioning"),
    path("provisioning/<int:pk>/", api.ProvisioningDetailApi.as_view(), name="provisioning_detail"),
    path("defaults/", api.PlatformDefaultsApi.as_view(), name="defaults"),
]

urlpatterns = [
    path("", platform_home, name="platform_home"),
    path("console/", include("tenants.urls_console")),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("deputies/", include(("shared_apps.registry.urls_search", "search"))),
    path("console/npc/", include(("shared_apps.registry.urls_national", "npc"))),
    path("api/v1/npc/", include(("shared_apps.registry.urls_national_api", "npc-api"))),
    path("api/v1/deputies/", include(("shared_apps.registry.urls_search_api", "search-api"))),
    path("console/calendar/", include(("shared_apps.workdays.urls", "calendar"))),
    path("api/v1/calendar/", include(("shared_apps.workdays.urls_platform_api", "calendar-api"))),
    path("console/exchange/", include(("shared_apps.exchange.urls", "exchange"))),
    path("api/v1/exchange/", include(("shared_apps.exchange.urls_api", "exchange-api"))),
    # The message tracker: an escalated matter moves between congresses, so it is followed here too.
    path("", include((tracker_urlpatterns, "liaison"))),
    *api_docs_urlpatterns("config.urls_public"),
    *common_urlpatterns,
    path("django-admin/", admin.site.urls),
]
