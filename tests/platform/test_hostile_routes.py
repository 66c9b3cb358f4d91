"""Every route, hostile input (issue 12): each page and endpoint of a congress host (as its office) and of the
root (as the platform administrator) is called with hostile query parameters — NUL, digits of other scripts,
thousands of digits, negative and huge numbers — and every API route also receives a body of the wrong type,
JSON nested too deep and a body over the limit. No answer is a server error, and nothing is written."""

import json
import re

import pytest
from django.urls import get_resolver

from shared_apps.audit.models import AuditEntry
from shared_apps.memberships.models import Membership
from tenants.models import Congress, ProvisioningRequest
from tests.support.routes import routes

# The query parameters the platform's lists read, each given every hostile value in turn.
PARAMS = [
    "q", "page", "year", "month", "kind", "status", "unit", "committee", "since", "until", "limit",
    "constituency", "term", "station", "deputy", "tier", "action", "outcome", "find", "sort", "unread",
]  # fmt: skip
VALUES = ["\x00", "²⁰²⁶", "٣", "9" * 5000, "-1", "99999999999999999999", "%", "'\"<>"]
# Path arguments: a plausible id, and one that exists nowhere.
ARGUMENTS = {"int": ["1", "99999999"], "str": ["x", "%00"], "slug": ["x"], "path": ["x"]}
SKIP = re.compile(r"^(django-admin/|static/|media/|accounts/|i18n/|api/v1/docs/|api/v1/schema/)")


def _paths(urlconf: str) -> list[str]:
    paths = []
    for route, _view in routes(get_resolver(urlconf).url_patterns):
        if SKIP.match(route) or route.startswith("^"):
            continue
        converters = re.findall(r"<(?:(\w+):)?\w+>", route)
        filled = route
        for converter in converters:
            filled = re.sub(r"<(?:\w+:)?\w+>", ARGUMENTS.get(converter or "str", ["x"])[0], filled, count=1)
        paths.append("/" + filled)
    return sorted(set(paths))


def _state() -> tuple:
    return (
        AuditEntry.objects.count(),
        Membership.objects.count(),
        ProvisioningRequest.objects.count(),
        list(Congress.objects.order_by("pk").values_list("status", "preferences")),
    )


@pytest.mark.parametrize(
    ("persona", "host", "urlconf"), [("li", "huaxi", "config.urls_tenant"), ("wang", None, "config.urls_public")]
)
def test_no_route_answers_hostile_query_parameters_with_a_server_error(client_for, persona, host, urlconf):
    client = client_for(persona, host)
    before = _state()
    broken = []
    for path in _paths(urlconf):
        for value in VALUES:
            query = {name: value for name in PARAMS}
            response = client.get(path, query)
            if response.status_code >= 500:
                broken.append(f"GET {path} {value[:12]!r}: {response.status_code}")
    assert not broken, broken
    assert _state() == before


BODIES = [
    ("text/plain", "not json"),
    ("application/json", "[" * 100_000),
    ("application/json", json.dumps({"text": "a\x00b", "id": "²"})),
    ("application/xml", "<a/>"),
    ("application/json", json.dumps({"x": "y" * 3_000_000})),
]


@pytest.mark.parametrize(
    ("persona", "host", "urlconf"), [("li", "huaxi", "config.urls_tenant"), ("wang", None, "config.urls_public")]
)
def test_no_api_route_answers_a_hostile_body_with_a_server_error(api_for, persona, host, urlconf):
    client = api_for(persona, host)
    before = _state()
    broken = []
    for path in (p for p in _paths(urlconf) if p.startswith("/api/")):
        for method in ("post", "put", "patch"):
            for content_type, body in BODIES:
                response = getattr(client, method)(path, body, content_type=content_type)
                if response.status_code >= 500:
                    broken.append(f"{method.upper()} {path} {content_type}: {response.status_code}")
    assert not broken, broken
    assert _state() == before
