"""The password policy and the session limits (issue 12, identity): length and three character classes, not
the account's name, none of the last five, staff renew every 90 days; signed out after 30 idle minutes and
after the session's absolute age."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shared_apps.audit.models import AuditEntry
from shared_apps.security.middleware import LAST_SEEN, SIGNED_IN_AT
from shared_apps.security.models import PasswordRecord
from tests.support.personas import PASSWORD

HOST = "huaxi.congress.localhost"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!xyz", "at least 8"),
        ("alllowercase", "one class"),
        ("lowerand123", "two classes"),
        ("li@example.org1A", "like the account"),
    ],
)
def test_weak_passwords_are_refused(users, password, reason):
    with pytest.raises(ValidationError):
        validate_password(password, users["li"])


@pytest.mark.parametrize("password", ["Quiet-river-72", "water7LILY9", "张三李四wang2026"])
def test_strong_passwords_pass(users, password):
    validate_password(password, users["wu"])


def _change(client: Client, old: str, new: str):
    return client.post("/accounts/password/change/", {"oldpassword": old, "password1": new, "password2": new})


def test_none_of_the_last_five_passwords_again(db, users, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "change_password": False}
    client = Client(HTTP_HOST=HOST)
    client.login(email="wu@example.org", password=PASSWORD)
    current = PASSWORD
    for n in range(5):
        new = f"Fresh-pass-{n}x"
        assert _change(client, current, new).status_code == 302
        client.login(email="wu@example.org", password=new)
        current = new
    # PASSWORD (the sixth back) is allowed again; the last five are not.
    refused = _change(client, current, "Fresh-pass-1x")
    assert refused.status_code == 200 and "最近使用过的5个密码" in refused.content.decode()
    assert PasswordRecord.objects.filter(user=users["wu"]).count() == 5
    assert _change(client, current, PASSWORD).status_code == 302


def test_a_staff_password_older_than_90_days_must_be_changed_first(client_for, users):
    PasswordRecord.objects.filter(user=users["zhang"]).update(created_at=timezone.now() - timedelta(days=91))
    page = client_for("zhang", "huaxi")
    response = page.get("/suggestions/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"
    assert page.get("/accounts/password/change/").status_code == 200
    # Deputies are not held to it.
    PasswordRecord.objects.filter(user=users["yang"]).update(created_at=timezone.now() - timedelta(days=400))
    assert client_for("yang", "huaxi").get("/suggestions/").status_code == 200


def test_an_expired_staff_password_stops_once_changed(db, users):
    PasswordRecord.objects.filter(user=users["zhang"]).update(created_at=timezone.now() - timedelta(days=91))
    client = Client(HTTP_HOST=HOST)
    client.force_login(users["zhang"])
    assert client.get("/suggestions/").status_code == 302
    assert _change(client, PASSWORD, "Brand-new-pass-9").status_code == 302
    assert client.get("/suggestions/").status_code == 200


def _age_session(client: Client, *, idle: float = 0, since_login: float = 0) -> None:
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - idle
    session[SIGNED_IN_AT] = now - since_login
    session.save()


def test_thirty_idle_minutes_sign_out(db, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST=HOST)
    client.post("/accounts/login/", {"login": "wu@example.org", "password": PASSWORD})
    _age_session(client, idle=29 * 60)
    assert client.get("/me/workspace/").status_code == 200  # sliding: this request counts as activity
    _age_session(client, idle=31 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/me/workspace/", follow=True)
    assert "超过30分钟未操作" in response.content.decode()
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/me/workspace/")
    assert client.get("/me/workspace/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.session_expired", actor_label="wu@example.org").exists()


def test_the_absolute_limit_signs_out_even_an_active_session(db, settings):
    client = Client(HTTP_HOST=HOST)
    client.post("/accounts/login/", {"login": "wu@example.org", "password": PASSWORD})
    _age_session(client, idle=10, since_login=settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/me/workspace/", follow=True)
    assert "登录已超过有效时长" in response.content.decode()


def test_an_idle_session_on_the_api_is_refused_not_redirected(db):
    client = Client(HTTP_HOST=HOST)
    client.post("/accounts/login/", {"login": "wu@example.org", "password": PASSWORD})
    _age_session(client, idle=31 * 60)
    assert client.get("/api/v1/me/workspace/").status_code in (401, 403)
