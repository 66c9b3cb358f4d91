"""One limiter for every way in (issue 12, defect 1): the sign-in form, the API token, password reset and claim
links count together, per account and per address, in a table every process shares."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from shared_apps.security.models import Throttle
from tests.support.personas import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def form_login(email: str, password: str, host: str = "huaxi.congress.localhost", address: str = "10.9.0.1"):
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"login": email, "password": password})


def api_token(email: str, password: str, host: str = "huaxi.congress.localhost", address: str = "10.9.0.1"):
    client = APIClient(HTTP_HOST=host, REMOTE_ADDR=address)
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def signed_in(client: Client) -> bool:
    return client.get("/me/workspace/").status_code == 200


def test_five_wrong_passwords_on_the_form_lock_the_api_token_too(db):
    for _ in range(settings.LOCKOUT_FAILURES):
        _client, response = form_login("wu@example.org", "wrong")
        assert response.status_code == 200
    client, response = form_login("wu@example.org", PASSWORD)
    assert not signed_in(client)
    assert "登录失败次数过多" in response.content.decode()
    refused = api_token("wu@example.org", PASSWORD)
    assert refused.status_code == 429 and "token" not in refused.json()
    assert int(refused["Retry-After"]) > 0


def test_wrong_passwords_through_the_api_lock_the_form(db):
    for n in range(settings.LOCKOUT_FAILURES):
        assert api_token("wu@example.org", "wrong", address=f"10.9.1.{n}").status_code == 401
    assert api_token("wu@example.org", PASSWORD).status_code == 429
    client, _response = form_login("wu@example.org", PASSWORD)
    assert not signed_in(client)


def test_failures_on_different_hosts_and_addresses_count_together_for_one_account(db):
    hosts = ["congress.localhost", "huaxi.congress.localhost", "qingyan.congress.localhost"]
    for n in range(settings.LOCKOUT_FAILURES):
        form_login("wu@example.org", "wrong", host=hosts[n % 3], address=f"10.9.2.{n}")
    client, _response = form_login("wu@example.org", PASSWORD, host="congress.localhost", address="10.9.3.3")
    assert not signed_in(client)
    # Another account is not locked by it.
    client, _response = form_login("yang@example.org", PASSWORD, address="10.9.3.3")
    assert signed_in(client)


def test_one_address_spraying_many_accounts_is_locked(db, settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 6
    for n in range(6):
        form_login(f"nobody{n}@example.org", "wrong", address="10.9.4.4")
    client, _response = form_login("yang@example.org", PASSWORD, address="10.9.4.4")
    assert not signed_in(client)
    assert api_token("yang@example.org", PASSWORD, address="10.9.4.4").status_code == 429
    # The same account from another address is not refused.
    client, _response = form_login("yang@example.org", PASSWORD, address="10.9.4.5")
    assert signed_in(client)


def test_a_right_password_clears_the_accounts_count_but_not_the_addresses(db, settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 100
    for _ in range(settings.LOCKOUT_FAILURES - 1):
        form_login("wu@example.org", "wrong")
    client, _response = form_login("wu@example.org", PASSWORD)
    assert signed_in(client)
    for _ in range(settings.LOCKOUT_FAILURES - 1):
        form_login("wu@example.org", "wrong")
    client, _response = form_login("wu@example.org", PASSWORD)
    assert signed_in(client), "the earlier failures were forgotten after the right password"


def test_the_lock_ends_after_its_time(db):
    for _ in range(settings.LOCKOUT_FAILURES):
        form_login("wu@example.org", "wrong")
    assert api_token("wu@example.org", PASSWORD).status_code == 429
    past = timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES + 1)
    Throttle.objects.update(window_started_at=past, locked_until=past)
    assert api_token("wu@example.org", PASSWORD).status_code == 201


def test_a_successful_password_reset_lifts_the_lock(db):
    for _ in range(settings.LOCKOUT_FAILURES):
        form_login("wu@example.org", "wrong")
    client = Client(HTTP_HOST="huaxi.congress.localhost")
    assert client.post("/accounts/password/reset/", {"email": "wu@example.org"}).status_code == 302
    link = next(word for word in mail.outbox[-1].body.split() if "/accounts/password/reset/key/" in word)
    path = link.split("congress.localhost", 1)[1]
    form_page = client.get(path, follow=True)
    new = "Another-pass-2026"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    client, _response = form_login("wu@example.org", new)
    assert signed_in(client)


def test_password_reset_requests_are_limited_per_account_and_address(db, settings):
    settings.RESET_REQUESTS_PER_HOUR = 3
    client = Client(HTTP_HOST="huaxi.congress.localhost", REMOTE_ADDR="10.9.5.5")
    for _ in range(3):
        assert client.post("/accounts/password/reset/", {"email": "wu@example.org"}).status_code == 302
    sent = len(mail.outbox)
    refused = client.post("/accounts/password/reset/", {"email": "wu@example.org"})
    assert refused.status_code == 200 and "重设密码的请求过多" in refused.content.decode()
    assert len(mail.outbox) == sent
    # Another account from another address still gets its mail.
    other = Client(HTTP_HOST="huaxi.congress.localhost", REMOTE_ADDR="10.9.5.6")
    assert other.post("/accounts/password/reset/", {"email": "yang@example.org"}).status_code == 302
    assert len(mail.outbox) == sent + 1


def test_claim_links_that_open_nothing_lock_the_address(db, settings):
    settings.LOCKOUT_ADDRESS_FAILURES = 4
    client = Client(HTTP_HOST="huaxi.congress.localhost", REMOTE_ADDR="10.9.6.6")
    for n in range(4):
        assert client.get(f"/registry/claim/guess-{n}/").status_code == 200
    assert client.get("/registry/claim/guess-x/").status_code == 429
    api = APIClient(HTTP_HOST="huaxi.congress.localhost", REMOTE_ADDR="10.9.6.6")
    response = api.post("/api/v1/registry/claim/", {"token": "guess-y"}, format="json")
    assert response.status_code == 429
    other = Client(HTTP_HOST="huaxi.congress.localhost", REMOTE_ADDR="10.9.6.7")
    assert other.get("/registry/claim/guess-z/").status_code == 200


def test_the_lock_holds_across_processes(db):
    """Another process (another gunicorn worker) counts failures; this one refuses the right password."""
    email = "second-process@example.org"
    get_user_model().objects.create_user(email=email, password=PASSWORD)
    script = (
        "from rest_framework.test import APIClient\n"
        "api = APIClient(HTTP_HOST='huaxi.congress.localhost', REMOTE_ADDR='10.9.7.7')\n"
        f"codes = [api.post('/api/v1/auth/token/', {{'email': '{email}', 'password': 'wrong'}}, format='json')"
        f".status_code for _ in range({settings.LOCKOUT_FAILURES})]\n"
        "print(codes)\n"
    )
    env = {**os.environ, "DATABASE_URL": _url_of_this_database()}
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        assert done.returncode == 0, done.stderr[-2000:]
        # The other process could not see this test's uncommitted account: its failures were 401s all the same.
        assert "[401" in done.stdout
        client, _response = form_login(email, PASSWORD, address="10.9.7.8")
        assert not signed_in(client)
    finally:
        _forget_committed_failures()


def _url_of_this_database() -> str:
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{params.get('PORT') or 5432}/{params['NAME']}"


def _forget_committed_failures() -> None:
    """The other process committed its counters; remove them outside this test's transaction."""
    import psycopg

    with psycopg.connect(_url_of_this_database(), autocommit=True) as other:
        other.execute("DELETE FROM security_throttle")


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/auth/token/"])
def test_a_locked_account_is_refused_without_checking_the_password(db, path, django_assert_max_num_queries):
    for _ in range(settings.LOCKOUT_FAILURES):
        form_login("wu@example.org", "wrong")
    # Nothing about the right password is revealed: the answer is the lock's, not "wrong password".
    if path.startswith("/api/"):
        assert "登录失败次数过多" in api_token("wu@example.org", PASSWORD).json()["detail"]
    else:
        _client, response = form_login("wu@example.org", PASSWORD)
        assert "登录失败次数过多" in response.content.decode()
