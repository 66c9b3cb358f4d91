"""The second factor (issue 12): allauth's TOTP and recovery codes; required of staff and administrator roles
(MFA_REQUIRED_ROLES) and of a congress's deputies or journalists when its settings say so; asked on the form
and on the API token; wrong codes under the one limiter; every change in the audit log."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from shared_apps.audit.models import AuditEntry
from shared_apps.memberships.services import membership_grant
from shared_apps.security import mfa
from tests.support.mfa import current_code, enrol_totp
from tests.support.personas import PASSWORD

HOST = "huaxi.congress.localhost"

pytestmark = [pytest.mark.mfa_enforced, pytest.mark.usefixtures("clean_side_channels")]


@pytest.fixture(autouse=True)
def _li_has_a_second_factor(users):
    """Li, Huaxi's administrator (a staff role), has enrolled her authenticator app."""
    enrol_totp(users["li"])


@pytest.fixture
def new_staff(congresses, django_user_model):
    user = django_user_model.objects.create_user(email="new-staff@example.org", password=PASSWORD)
    membership_grant(actor=None, user=user, congress=congresses["huaxi"], role="office_staff")
    return user


def test_staff_without_a_second_factor_enrol_before_anything_else(new_staff, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST=HOST)
    client.post("/accounts/login/", {"login": "new-staff@example.org", "password": PASSWORD})
    response = client.get("/suggestions/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    # Changing the second factor asks for the password again (allauth's reauthentication), even right after
    # signing in: a session left open on a shared computer cannot set one up.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    # The page shows the secret (and its QR code); entering the app's code for it enrols the account.
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=new_staff, type="totp").exists()
    assert client.get("/suggestions/").status_code == 200
    assert AuditEntry.objects.filter(action="mfa.added", actor_label="new-staff@example.org").exists()


def test_deputies_need_one_only_where_their_congress_asks(users, congresses):
    yang = users["yang"]
    assert not mfa.mfa_required(yang)
    huaxi = congresses["huaxi"]
    huaxi.preferences = {**huaxi.preferences, "security.mfa_deputy": True}
    huaxi.save(update_fields=["preferences"])
    assert mfa.mfa_required(yang)
    client = Client(HTTP_HOST="qingyan.congress.localhost")
    client.force_login(yang)
    # Required by Huaxi, enrolment is asked on every host (the account is one).
    assert client.get("/me/workspace/")["Location"] == "/accounts/2fa/totp/activate/"


def test_every_staff_role_needs_one_by_default():
    from config import settings as configured
    from shared_apps.memberships.models import STAFF_ROLES

    assert set(configured.MFA_REQUIRED_ROLES) == STAFF_ROLES


def test_the_platform_list_decides_the_staff_roles(users, settings):
    assert mfa.mfa_required(users["zhang"]) and not mfa.mfa_required(users["sun"])
    settings.MFA_REQUIRED_ROLES = []
    assert not mfa.mfa_required(users["zhang"])


def _password_step(address: str = "10.7.0.1") -> Client:
    client = Client(HTTP_HOST=HOST, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"login": "li@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    return client


def test_signing_in_asks_for_the_code_after_the_password(users):
    client = _password_step()
    assert client.get("/me/workspace/").status_code == 302  # not signed in yet
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(users["li"])})
    assert response.status_code == 302
    assert client.get("/me/workspace/").status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(users, django_capture_on_commit_callbacks):
    client = _password_step()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.LOCKOUT_FAILURES):
            response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
            assert response.status_code == 200
        refused = client.post("/accounts/2fa/authenticate/", {"code": current_code(users["li"])})
    assert "登录失败次数过多" in refused.content.decode()
    assert client.get("/me/workspace/").status_code == 302
    failures = AuditEntry.objects.filter(action="mfa.code", outcome="failure", actor_label="li@example.org")
    assert failures.count() == settings.LOCKOUT_FAILURES


def test_the_api_token_asks_for_the_code_too(users):
    api = APIClient(HTTP_HOST=HOST)
    url = "/api/v1/auth/token/"
    without = api.post(url, {"email": "li@example.org", "password": PASSWORD}, format="json")
    assert without.status_code == 401 and "动态码" in without.json()["detail"]
    wrong = api.post(url, {"email": "li@example.org", "password": PASSWORD, "code": "000000"}, format="json")
    assert wrong.status_code == 401
    right = {"email": "li@example.org", "password": PASSWORD, "code": current_code(users["li"])}
    answer = api.post(url, right, format="json")
    assert answer.status_code == 201, answer.json()


def test_staff_without_a_second_factor_get_no_token(new_staff):
    response = APIClient(HTTP_HOST=HOST).post(
        "/api/v1/auth/token/", {"email": "new-staff@example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403 and "双因素" in response.json()["detail"]


def test_the_setting_is_on_the_congress_settings_page(client_for):
    body = client_for("li", "huaxi").get("/settings/").content.decode()
    assert "要求代表使用双因素认证" in body


def test_a_code_used_on_one_host_does_not_pass_on_another(users):
    code = current_code(users["li"])
    first = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.7.1.1")
    first.post("/accounts/login/", {"login": "li@example.org", "password": PASSWORD})
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    replay = APIClient(HTTP_HOST="congress.localhost")
    answer = replay.post(
        "/api/v1/auth/token/", {"email": "li@example.org", "password": PASSWORD, "code": code}, format="json"
    )
    assert answer.status_code == 401


def test_a_deputy_without_the_app_at_hand_signs_in_with_an_sms_code(users, django_capture_on_commit_callbacks):
    from shared_apps.accounts.sms import MemorySmsSender

    enrol_totp(users["yang"])
    client = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.7.2.1")
    client.post("/accounts/login/", {"login": "yang@example.org", "password": PASSWORD})
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "发送短信验证码" in page
    MemorySmsSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/me/security/sms-code/", follow=True)
    assert "验证码已发送" in sent.content.decode()
    [(mobile, text)] = MemorySmsSender.outbox
    assert mobile == "13885012345"  # the registry's number
    code = text.split("验证码是 ")[1][:6]
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/me/workspace/").status_code == 200
    assert AuditEntry.objects.filter(action="mfa.sms_sent", actor_label="yang@example.org").exists()
    # A code works once.
    again = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.7.2.2")
    again.post("/accounts/login/", {"login": "yang@example.org", "password": PASSWORD})
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200


def test_sms_codes_are_for_deputies_and_limited(users, settings):
    from shared_apps.accounts.sms import MemorySmsSender

    # Li (staff) has no number in the deputy registry: no SMS.
    client = _password_step()
    MemorySmsSender.outbox.clear()
    refused = client.post("/me/security/sms-code/", follow=True).content.decode()
    assert "只发送到代表名册中登记的手机号码" in refused and not MemorySmsSender.outbox
    # A deputy gets a few an hour.
    settings.SMS_CODES_PER_HOUR = 2
    enrol_totp(users["yang"])
    deputy = Client(HTTP_HOST=HOST)
    deputy.post("/accounts/login/", {"login": "yang@example.org", "password": PASSWORD})
    for _ in range(2):
        deputy.post("/me/security/sms-code/")
    third = deputy.post("/me/security/sms-code/", follow=True).content.decode()
    assert "发送过多" in third and len(MemorySmsSender.outbox) == 2
    # Without a pending sign-in there is nothing to send.
    assert Client(HTTP_HOST=HOST).post("/me/security/sms-code/").status_code == 302
