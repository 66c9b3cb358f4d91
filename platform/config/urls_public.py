"""The root domain: the central platform (public schema)."""

from django.contrib import admin
from django.urls import include, path

from config.urls_common import api_docs_urlpatterns, common_urlpatterns
from console import api_urls as console_api
from console.views import platform_home
from shared_apps.registry import api_urls as registry_api
from shared_apps.registry import urls as registry_urls
from shared_apps.workdays import api_urls as workdays_api
from tenant_apps.liaison.urls import root_urlpatterns as tracker_urlpatterns

# The error pages (config/errors.py): friendly pages, JSON under /api/. Django looks them up in the host's URL conf.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("", platform_home, name="platform_home"),
    path("console/", include("console.urls")),
    path("api/v1/", include((console_api.urlpatterns, "api"))),
    path("deputies/", include((registry_urls.search_urlpatterns, "search"))),
    path("console/npc/", include((registry_urls.national_urlpatterns, "npc"))),
    path("api/v1/npc/", include((registry_api.national_urlpatterns, "npc-api"))),
    path("api/v1/deputies/", include((registry_api.search_urlpatterns, "search-api"))),
    path("console/calendar/", include(("shared_apps.workdays.urls", "calendar"))),
    path("api/v1/calendar/", include((workdays_api.platform_urlpatterns, "calendar-api"))),
    path("console/exchange/", include(("shared_apps.exchange.urls", "exchange"))),
    path("api/v1/exchange/", include(("shared_apps.exchange.api_urls", "exchange-api"))),
    # The message tracker: an escalated matter moves between congresses, so it is followed here too.
    path("", include((tracker_urlpatterns, "liaison"))),
    *api_docs_urlpatterns("config.urls_public"),
    *common_urlpatterns,
    path("django-admin/", admin.site.urls),
]
