"""Every API view inherits the base class of its host; a view that escapes it fails here."""

from django.urls import get_resolver

from shared_apps.memberships.api_base import CongressApiView, PlatformApiView
from tests.support.routes import routes

DOCS = {"api/v1/schema/", "api/v1/docs/"}


def api_views(urlconf):
    return [
        (route, cb)
        for route, cb in routes(get_resolver(urlconf).url_patterns)
        if route.startswith("api/v1/") and route not in DOCS
    ]


def test_every_congress_api_view_inherits_congress_api_view():
    views = api_views("config.urls_tenant")
    assert len(views) >= 5
    for route, callback in views:
        cls = getattr(callback, "cls", None)
        assert cls is not None and issubclass(cls, CongressApiView), f"{route} escapes CongressApiView"


def test_every_platform_api_view_inherits_platform_api_view():
    views = api_views("config.urls_public")
    assert len(views) >= 6
    for route, callback in views:
        cls = getattr(callback, "cls", None)
        assert cls is not None and issubclass(cls, PlatformApiView), f"{route} escapes PlatformApiView"


def test_openapi_schema_and_docs_are_served_on_both_hosts(db, client_for):
    for subdomain, path in ((None, "/api/v1/provisioning/"), ("huaxi", "/api/v1/about/profile/")):
        client = client_for(None, subdomain)
        schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        assert path in schema.json()["paths"]
        assert client.get("/api/v1/docs/").status_code == 200
