"""A congress host. Each registered module contributes /<key>/ pages and /api/v1/<key>/ endpoints."""

from django.urls import include, path

from config.urls_common import api_docs_urlpatterns, common_urlpatterns
from shared_apps.registry.api import CongressWorkspaceApi
from tenants import api
from tenants.modules import all_modules
from tenants.views import congress_home, congress_settings

api_urlpatterns = [
    path("auth/token/", api.CongressTokenObtainApi.as_view(), name="token"),
    path("me/congresses/", api.CongressMyCongressesApi.as_view(), name="my_congresses"),
    path("me/workspace/", CongressWorkspaceApi.as_view(), name="workspace"),
    path("congress/", api.CongressDetailApi.as_view(), name="congress"),
    path("congress/settings/", api.CongressSettingsApi.as_view(), name="congress_settings"),
]

urlpatterns = [
    path("", congress_home, name="congress_home"),
    path("settings/", congress_settings, name="congress_settings"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    # The registry is part of every congress (not a switchable module).
    path("registry/", include(("shared_apps.registry.urls", "registry"))),
    path("registry/roster/", include(("shared_apps.registry.urls_roster", "roster"))),
    path("deputies/", include(("shared_apps.registry.urls_directory", "directory"))),
    path("api/v1/registry/", include(("shared_apps.registry.urls_api", "registry-api"))),
    path("api/v1/registry/roster/", include(("shared_apps.registry.urls_roster_api", "roster-api"))),
    path("api/v1/deputies/", include(("shared_apps.registry.urls_directory_api", "directory-api"))),
    path("calendar/", include(("shared_apps.workdays.urls", "calendar"))),
    path("api/v1/calendar/", include(("shared_apps.workdays.urls_api", "calendar-api"))),
    *api_docs_urlpatterns("config.urls_tenant"),
    *common_urlpatterns,
]

for module in all_modules():
    urlpatterns.append(path(f"{module.key}/", include((module.urls, module.key))))
    if module.api_urls:
        urlpatterns.append(path(f"api/v1/{module.key}/", include((module.api_urls, f"{module.key}-api"))))
