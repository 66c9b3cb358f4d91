"""Every page and endpoint, for every persona: allowed ones succeed, the rest are refused and change nothing."""

import pytest
from django.contrib.auth import get_user_model

from shared_apps.memberships.models import Membership
from tenant_apps.about.models import Profile
from tenants.models import Congress, PlatformDefaults, ProvisioningRequest
from tests.support.personas import PERSONAS

EVERYONE = {*PERSONAS, None}
SIGNED_IN = set(PERSONAS)

NEW_TOWNSHIP = {
    "tier": "township",
    "parent_code": "520111000000",
    "division_code": "520111109000",
    "name": "花溪区孟关苗族布依族乡人民代表大会",
    "subdomain": "mengguan",
}

# (host, method, path, payload, allowed personas, success status)
API = [
    (None, "get", "/api/v1/congresses/", None, EVERYONE, 200),
    (None, "get", "/api/v1/me/congresses/", None, SIGNED_IN, 200),
    (None, "get", "/api/v1/provisioning/", None, {"wang"}, 200),
    (None, "post", "/api/v1/provisioning/", NEW_TOWNSHIP, {"wang"}, 202),
    (None, "post", "/api/v1/congresses/520111101000/status/", {"status": "suspended"}, {"wang"}, 200),
    (None, "get", "/api/v1/defaults/", None, {"wang"}, 200),
    (
        None,
        "put",
        "/api/v1/defaults/",
        {"modules": [], "preferences": {"deadline.reply_months": 2}},
        {"wang"},
        200,
    ),
    ("huaxi", "get", "/api/v1/congress/", None, EVERYONE, 200),
    ("huaxi", "get", "/api/v1/me/congresses/", None, SIGNED_IN, 200),
    ("huaxi", "get", "/api/v1/congress/settings/", None, {"li"}, 200),
    ("huaxi", "put", "/api/v1/congress/settings/", {"modules": [], "preferences": {}}, {"li"}, 200),
    ("huaxi", "get", "/api/v1/about/profile/", None, EVERYONE, 200),
    ("huaxi", "patch", "/api/v1/about/profile/", {"phone": "0851-1"}, {"li", "zhang"}, 200),
    ("qingyan", "get", "/api/v1/congress/settings/", None, {"zhou"}, 200),
    ("qingyan", "patch", "/api/v1/about/profile/", {"phone": "0851-2"}, {"zhou"}, 200),
    # The audit log: only audit administrators (三员分立), the platform's on the root, a congress's on its host.
    (None, "get", "/api/v1/audit/", None, {"shen"}, 200),
    ("huaxi", "get", "/api/v1/audit/", None, {"han"}, 200),
    ("qingyan", "get", "/api/v1/audit/", None, set(), 200),
    (None, "get", "/api/v1/me/tokens/", None, SIGNED_IN, 200),
    # Accounts and roles: only security administrators, each where their role is held.
    (None, "get", "/api/v1/security/members/", None, {"pan"}, 200),
    ("huaxi", "get", "/api/v1/security/members/", None, {"tang"}, 200),
    ("qingyan", "get", "/api/v1/security/members/", None, set(), 200),
    (
        "huaxi",
        "post",
        "/api/v1/security/members/",
        {"email": "new-staff@example.org", "role": "office_staff"},
        {"tang"},
        201,
    ),
    ("huaxi", "post", "/api/v1/security/unlock/", {"email": "li@example.org"}, {"tang"}, 200),
    ("huaxi", "get", "/api/v1/me/tokens/", None, SIGNED_IN, 200),
    ("huaxi", "get", "/api/v1/me/data/", None, SIGNED_IN, 200),
]

PAGES = [
    (None, "/", EVERYONE),
    (None, "/console/", {"wang"}),
    (None, "/console/provision/", {"wang"}),
    (None, "/console/provisioning/", {"wang"}),
    (None, "/console/defaults/", {"wang"}),
    (None, "/me/congresses/", SIGNED_IN),
    ("huaxi", "/", EVERYONE),
    ("huaxi", "/about/", EVERYONE),
    ("huaxi", "/about/edit/", {"li", "zhang"}),
    ("huaxi", "/settings/", {"li"}),
    ("qingyan", "/settings/", {"zhou"}),
    ("qingyan", "/about/edit/", {"zhou"}),
    (None, "/me/notices/", SIGNED_IN),
    ("huaxi", "/me/notices/", SIGNED_IN),
    ("huaxi", "/suggestions/overview/", {"li", "zhang", "chen"}),  # chen: a state organ, read only
    ("huaxi", "/notices/", {"li", "zhang"}),
    ("qingyan", "/notices/", {"zhou"}),
    (None, "/audit/", {"shen"}),
    ("huaxi", "/audit/", {"han"}),
    ("huaxi", "/audit/export.xlsx", {"han"}),
    ("qingyan", "/audit/", set()),
    (None, "/me/security/", SIGNED_IN),
    (None, "/security/", {"pan"}),
    ("huaxi", "/security/", {"tang"}),
    ("qingyan", "/security/", set()),
    ("huaxi", "/me/security/", SIGNED_IN),
]


def state():
    """Everything the endpoints above could change."""
    defaults = PlatformDefaults.objects.filter(pk=1).values_list("default_modules", "preferences").first()
    congresses = list(Congress.objects.order_by("pk").values_list("status", "enabled_modules", "preferences"))
    profiles = {}
    for congress in Congress.objects.filter(subdomain__in=["huaxi", "qingyan"]):
        with congress:
            profiles[congress.subdomain] = list(Profile.objects.values_list("phone", flat=True))
    memberships = Membership.objects.count(), get_user_model().objects.count()
    return ProvisioningRequest.objects.count(), defaults, congresses, profiles, memberships


@pytest.mark.parametrize("persona", sorted(EVERYONE, key=str))
@pytest.mark.parametrize(
    ("host", "method", "path", "payload", "allowed", "success"),
    API,
    ids=[f"{h or 'root'} {m} {p}" for h, m, p, *_ in API],
)
def test_api_matrix(api_for, persona, host, method, path, payload, allowed, success):
    client = api_for(persona, host)
    before = state()
    response = (
        getattr(client, method)(path, payload, format="json") if payload is not None else getattr(client, method)(path)
    )
    if persona in allowed:
        assert response.status_code == success, response.content[:500]
    else:
        expected = 401 if persona is None else 403
        assert response.status_code == expected, response.content[:500]
        assert state() == before


@pytest.mark.parametrize("persona", sorted(EVERYONE, key=str))
@pytest.mark.parametrize(("host", "path", "allowed"), PAGES, ids=[f"{h or 'root'} {p}" for h, p, _ in PAGES])
def test_page_matrix(client_for, persona, host, path, allowed):
    response = client_for(persona, host).get(path)
    if persona in allowed:
        assert response.status_code == 200
    elif persona is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", sorted(SIGNED_IN - {"wang"}))
def test_only_the_platform_admin_may_post_to_the_console(client_for, congresses, persona):
    before = state()
    for path, data in (
        ("/console/provision/", {**NEW_TOWNSHIP, "parent": congresses["huaxi"].pk}),
        ("/console/congresses/520111101000/status/", {"status": "archived"}),
        ("/console/defaults/", {"modules": []}),
    ):
        assert client_for(persona).post(path, data).status_code == 403
    assert state() == before
