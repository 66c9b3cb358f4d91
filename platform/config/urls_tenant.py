"""A congress host. Each registered module contributes /<key>/ pages and /api/v1/<key>/ endpoints."""

from django.urls import include, path

from config.urls_common import api_docs_urlpatterns, common_urlpatterns
from console import api_urls as console_api
from console import urls as console_urls
from shared_apps.registry import api_urls as registry_api
from shared_apps.registry import urls as registry_urls
from tenants.modules import all_modules

# The error pages (config/errors.py): friendly pages, JSON under /api/. Django looks them up in the host's URL conf.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    *console_urls.congress_urlpatterns,
    path("api/v1/", include((console_api.congress_urlpatterns, "api"))),
    # The registry is part of every congress (not a switchable module).
    path("registry/", include((registry_urls.urlpatterns, "registry"))),
    path("registry/roster/", include((registry_urls.roster_urlpatterns, "roster"))),
    path("deputies/", include((registry_urls.directory_urlpatterns, "directory"))),
    path("api/v1/registry/", include((registry_api.urlpatterns, "registry-api"))),
    path("api/v1/registry/roster/", include((registry_api.roster_urlpatterns, "roster-api"))),
    path("api/v1/deputies/", include((registry_api.directory_urlpatterns, "directory-api"))),
    path("calendar/", include(("shared_apps.workdays.urls", "calendar"))),
    path("api/v1/calendar/", include(("shared_apps.workdays.api_urls", "calendar-api"))),
    *api_docs_urlpatterns("config.urls_tenant"),
    *common_urlpatterns,
]

for module in all_modules():
    urlpatterns.append(path(f"{module.key}/", include((module.urls, module.key))))
    if module.api_urls:
        urlpatterns.append(path(f"api/v1/{module.key}/", include((module.api_urls, f"{module.key}-api"))))
