"""API tokens (issue 12, defect 1 and the identity controls): one per device, expiring, revocable, listed on
the account's security page; a new password ends them all."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from shared_apps.security.models import ApiToken
from tests.support.personas import PASSWORD

HOST = "huaxi.congress.localhost"


def obtain(device: str = "", email: str = "wu@example.org") -> dict:
    response = APIClient(HTTP_HOST=HOST).post(
        "/api/v1/auth/token/", {"email": email, "password": PASSWORD, "device": device}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def with_token(key: str) -> APIClient:
    api = APIClient(HTTP_HOST=HOST)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_each_sign_in_gives_a_new_token_that_expires(db, settings):
    settings.API_TOKEN_DAYS = 7
    first, second = obtain("手机"), obtain("平板")
    assert first["token"] != second["token"]
    expires = ApiToken.objects.get(device="手机").expires_at
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)
    assert with_token(first["token"]).get("/api/v1/me/tokens/").status_code == 200
    # Only the hash is stored.
    assert not ApiToken.objects.filter(key_hash=first["token"]).exists()


def test_signing_in_again_on_one_device_replaces_its_token(db):
    old = obtain("手机")["token"]
    new = obtain("手机")["token"]
    assert with_token(old).get("/api/v1/me/tokens/").status_code == 401
    listed = with_token(new).get("/api/v1/me/tokens/").json()
    assert [(t["device"], t["current"]) for t in listed] == [("手机", True)]


def test_an_expired_token_is_refused(db):
    key = obtain("手机")["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = with_token(key).get("/api/v1/me/tokens/")
    assert response.status_code == 401 and "过期" in response.json()["detail"]


def test_a_token_of_a_disabled_account_is_refused(db, users):
    key = obtain("手机")["token"]
    users["wu"].is_active = False
    users["wu"].save(update_fields=["is_active"])
    assert with_token(key).get("/api/v1/me/tokens/").status_code == 401


def test_revoking_through_the_api_ends_that_device_only(db):
    phone, tablet = obtain("手机")["token"], obtain("平板")["token"]
    api = with_token(phone)
    tablet_id = next(t["id"] for t in api.get("/api/v1/me/tokens/").json() if t["device"] == "平板")
    assert api.delete(f"/api/v1/me/tokens/{tablet_id}/").status_code == 204
    assert with_token(tablet).get("/api/v1/me/tokens/").status_code == 401
    assert with_token(phone).get("/api/v1/me/tokens/").status_code == 200


def test_another_accounts_token_cannot_be_seen_or_revoked(db):
    obtain("手机", email="yang@example.org")
    theirs = ApiToken.objects.get(user__email="yang@example.org")
    mine = with_token(obtain("手机")["token"])
    assert [t["id"] for t in mine.get("/api/v1/me/tokens/").json()] != [theirs.pk]
    assert mine.delete(f"/api/v1/me/tokens/{theirs.pk}/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    page = Client(HTTP_HOST=HOST)
    page.login(email="wu@example.org", password=PASSWORD)
    assert page.post(f"/me/security/tokens/{theirs.pk}/revoke/", {"confirm": "1"}).status_code == 404


def test_anonymous_callers_are_refused(db):
    api = APIClient(HTTP_HOST=HOST)
    assert api.get("/api/v1/me/tokens/").status_code == 401
    assert Client(HTTP_HOST=HOST).get("/me/security/").status_code == 302


def test_the_security_page_lists_devices_and_revokes_with_confirmation(client_for):
    obtain("我的手机")
    page = client_for("wu", "huaxi")
    body = page.get("/me/security/").content.decode()
    assert "我的手机" in body and "确认撤销" in body
    token = ApiToken.objects.get(device="我的手机")
    unconfirmed = page.post(f"/me/security/tokens/{token.pk}/revoke/", follow=True)
    assert "请勾选" in unconfirmed.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    done = page.post(f"/me/security/tokens/{token.pk}/revoke/", {"confirm": "1"}, follow=True).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已撤销“我的手机”的登录令牌" in done
    assert "我的手机" not in page.get("/me/security/").content.decode()


def test_a_new_password_ends_every_token(db):
    key = obtain("手机")["token"]
    page = Client(HTTP_HOST=HOST)
    page.login(email="wu@example.org", password=PASSWORD)
    new = "Changed-pass-2026"
    response = page.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert response.status_code == 302
    assert with_token(key).get("/api/v1/me/tokens/").status_code == 401


def test_a_deputy_downloads_their_own_data(client_for, api_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("yang", "huaxi").get("/me/security/my-data.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["account"]["email"] == "yang@example.org"
    assert data["deputy"]["id_number"] == "52011119750312002X"  # the deputy's own, in clear
    assert {seat["constituency"] for seat in data["deputy"]["seats"]} >= {"青岩镇第三选区", "青岩镇选区"}
    assert {role["role"] for role in data["roles"]} == {"deputy"}
    from shared_apps.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="account.data_exported", actor_label="yang@example.org").exists()
    # The same through the API; someone without a deputy record gets none; anonymous callers nothing.
    assert api_for("yang", "qingyan").get("/api/v1/me/data/").json()["deputy"]["name"] == "杨秀英"
    assert api_for("wu").get("/api/v1/me/data/").json()["deputy"] is None
    assert api_for(None, "huaxi").get("/api/v1/me/data/").status_code == 401
    assert client_for(None, "huaxi").get("/me/security/my-data.json").status_code == 302
