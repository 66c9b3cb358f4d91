"""URLs served on every host: sign-in (one account everywhere), language switch, the congress switcher, the
account's notices (page and API: they concern the account, not a congress), the web app manifest."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from config import site
from shared_apps.memberships.views import my_congresses
from shared_apps.registry.views import workspace
from shared_apps.security.api import MyDataApi

common_urlpatterns = [
    # Development only: nginx serves /media/ in production (deploy/nginx).
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/congresses/", my_congresses, name="my_congresses"),
    path("me/workspace/", workspace, name="workspace_here"),
    path("me/notices/", include(("shared_apps.notifications.urls", "my_notices"))),
    path("api/v1/me/notices/", include(("shared_apps.notifications.api_urls", "my_notices_api"))),
    path("me/security/", include(("shared_apps.security.urls", "my_security"))),
    path("api/v1/me/tokens/", include(("shared_apps.security.api_urls", "my_tokens_api"))),
    path("api/v1/me/data/", MyDataApi.as_view(), name="my_data_api"),
    path("security/", include(("shared_apps.security.officer_urls", "security_officer"))),
    path("api/v1/security/", include(("shared_apps.security.officer_api_urls", "security_api"))),
    path("audit/", include(("shared_apps.audit.urls", "audit"))),
    path("api/v1/audit/", include(("shared_apps.audit.api_urls", "audit_api"))),
    path("manifest.webmanifest", site.manifest, name="manifest"),
]


def api_docs_urlpatterns(urlconf: str):
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

    return [
        path("api/v1/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api_schema"),
        path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    ]
