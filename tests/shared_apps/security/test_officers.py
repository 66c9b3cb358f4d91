"""The security administrator (三员分立): accounts, roles and lockouts of their congress, nothing else."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from shared_apps.memberships.models import Membership
from shared_apps.security.models import ApiToken
from tests.support.personas import PASSWORD


def roles_of(email: str, subdomain: str) -> set[str]:
    rows = Membership.objects.filter(user__email=email, congress__subdomain=subdomain)
    return set(rows.values_list("role", flat=True))


def test_granting_a_role_to_a_new_address_creates_the_account_and_mails_a_link(
    client_for, django_capture_on_commit_callbacks
):
    page = client_for("tang", "huaxi")
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post("/security/grant/", {"email": "Clerk@Example.org", "role": "office_staff"})
    assert response.status_code == 302
    assert roles_of("clerk@example.org", "huaxi") == {"office_staff"}
    assert mail.outbox[-1].to == ["clerk@example.org"] and "/accounts/password/reset/key/" in mail.outbox[-1].body
    assert "clerk@example.org" in page.get("/security/").content.decode()


def test_a_refused_grant_keeps_what_was_typed_and_changes_nothing(client_for):
    page = client_for("tang", "huaxi")
    before = Membership.objects.count()
    # li is the congress's system administrator: she cannot also be its audit administrator.
    response = page.post("/security/grant/", {"email": "li@example.org", "role": "audit_admin"})
    body = response.content.decode()
    assert response.status_code == 400 and "须由不同的人担任" in body and 'value="li@example.org"' in body
    # Deputies follow their seats: not grantable here.
    assert page.post("/security/grant/", {"email": "wu@example.org", "role": "deputy"}).status_code == 400
    # Nor may the administrator make themselves another officer.
    assert page.post("/security/grant/", {"email": "tang@example.org", "role": "congress_admin"}).status_code == 400
    assert Membership.objects.count() == before


def test_withdrawing_asks_for_confirmation_and_never_the_own_security_role(client_for, users):
    page = client_for("tang", "huaxi")
    page.post("/security/withdraw/", {"user": users["zhang"].pk, "role": "office_staff"})
    assert roles_of("zhang@example.org", "huaxi") == {"office_staff"}
    page.post("/security/withdraw/", {"user": users["zhang"].pk, "role": "office_staff", "confirm": "1"})
    assert roles_of("zhang@example.org", "huaxi") == set()
    own = page.post("/security/withdraw/", {"user": users["tang"].pk, "role": "security_admin", "confirm": "1"})
    assert own.status_code == 302 and roles_of("tang@example.org", "huaxi") == {"security_admin"}
    # A deputy's role follows the seat.
    page.post("/security/withdraw/", {"user": users["yang"].pk, "role": "deputy", "confirm": "1"})
    assert "deputy" in roles_of("yang@example.org", "huaxi")


def _credentials(user) -> dict:
    return {"email": user.email, "password": PASSWORD}


def test_lifting_a_lockout(client_for, users):
    for _ in range(settings.LOCKOUT_FAILURES):
        Client(HTTP_HOST="huaxi.congress.localhost").post(
            "/accounts/login/", {"login": "li@example.org", "password": "x"}
        )
    api = APIClient(HTTP_HOST="huaxi.congress.localhost")
    assert api.post("/api/v1/auth/token/", _credentials(users["li"]), format="json").status_code == 429
    response = client_for("tang", "huaxi").post("/security/unlock/", {"email": "li@example.org"}, follow=True)
    assert "已解除锁定" in response.content.decode()
    assert api.post("/api/v1/auth/token/", _credentials(users["li"]), format="json").status_code == 201


def test_only_the_platforms_security_administrator_disables_accounts(api_for, users):
    key = (
        APIClient(HTTP_HOST="congress.localhost")
        .post("/api/v1/auth/token/", _credentials(users["zhang"]), format="json")
        .json()["token"]
    )
    refused = api_for("tang", "huaxi").post(f"/api/v1/security/accounts/{users['zhang'].pk}/active/", {"active": False})
    assert refused.status_code == 403
    done = api_for("pan").post(f"/api/v1/security/accounts/{users['zhang'].pk}/active/", {"active": False})
    assert done.status_code == 200 and done.json() == {"is_active": False}
    assert ApiToken.objects.usable().filter(user=users["zhang"]).count() == 0
    with_key = APIClient(HTTP_HOST="huaxi.congress.localhost", HTTP_AUTHORIZATION=f"Token {key}")
    assert with_key.get("/api/v1/me/tokens/").status_code == 401
    signed = Client(HTTP_HOST="huaxi.congress.localhost")
    signed.post("/accounts/login/", {"login": "zhang@example.org", "password": PASSWORD})
    assert signed.get("/me/workspace/").status_code == 302
    assert (
        api_for("pan").post(f"/api/v1/security/accounts/{users['pan'].pk}/active/", {"active": False}).status_code
        == 400
    )


def test_the_api_lists_members_and_grants(api_for):
    api = api_for("tang", "huaxi")
    members = {m["email"]: m for m in api.get("/api/v1/security/members/").json()}
    assert [r["value"] for r in members["li@example.org"]["roles"]] == ["congress_admin"]
    assert "ma@example.org" not in members  # another congress's administrator
    created = api.post("/api/v1/security/members/", {"email": "x@example.org", "role": "journalist"}, format="json")
    assert created.status_code == 201 and created.json()["roles"] == [{"value": "journalist", "name": "记者"}]
    bad = api.post("/api/v1/security/members/", {"email": "not-an-email", "role": "journalist"}, format="json")
    assert bad.status_code == 400 and "email" in bad.json()


@pytest.mark.parametrize("persona", ["ma", "li", "zhang", "han", "wu", None])
def test_only_the_congress_security_administrator_acts_here(api_for, client_for, users, persona):
    """Members of another congress, administrators of other kinds, the auditor, outsiders: refused, nothing
    changed (the API and the page's forms alike)."""
    before = (Membership.objects.count(), users["zhang"].is_active)
    api = api_for(persona, "huaxi")
    page = client_for(persona, "huaxi")
    expected = 401 if persona is None else 403
    calls = [
        api.post("/api/v1/security/members/", {"email": "x@example.org", "role": "journalist"}, format="json"),
        api.post("/api/v1/security/members/withdraw/", {"user": users["zhang"].pk, "role": "office_staff"}),
        api.post("/api/v1/security/unlock/", {"email": "li@example.org"}),
        api.post(f"/api/v1/security/accounts/{users['zhang'].pk}/active/", {"active": False}),
    ]
    assert [c.status_code for c in calls] == [expected] * 4
    forms = [
        page.post("/security/grant/", {"email": "x@example.org", "role": "journalist"}),
        page.post("/security/withdraw/", {"user": users["zhang"].pk, "role": "office_staff", "confirm": "1"}),
        page.post("/security/unlock/", {"email": "li@example.org"}),
        page.post("/security/active/", {"user": users["zhang"].pk, "active": "0", "confirm": "1"}),
    ]
    assert all(f.status_code == (302 if persona is None else 403) for f in forms)
    users["zhang"].refresh_from_db()
    assert (Membership.objects.count(), users["zhang"].is_active) == before
