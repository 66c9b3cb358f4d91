"""One login for every subdomain."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.support.personas import PASSWORD


def sign_in(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_session_cookie_belongs_to_the_parent_domain(db):
    client = Client(HTTP_HOST=settings.ROOT_DOMAIN)
    sign_in(client, "yang@example.org")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == f".{settings.ROOT_DOMAIN}"


def test_signing_in_on_a_congress_host_is_valid_on_the_root_and_other_congresses(db):
    client = Client(HTTP_HOST="qingyan.congress.localhost")
    sign_in(client, "yang@example.org")
    for host in ("qingyan.congress.localhost", "huaxi.congress.localhost", "congress.localhost"):
        response = client.get("/me/congresses/", HTTP_HOST=host)
        assert response.status_code == 200, host
        body = response.content.decode()
        assert "贵阳市花溪区人民代表大会" in body and "花溪区青岩镇人民代表大会" in body


def test_switcher_lists_only_the_users_congresses(client_for):
    body = client_for("zhou", "qingyan").get("/me/congresses/").content.decode()
    assert "花溪区青岩镇人民代表大会" in body
    assert "贵阳市花溪区人民代表大会" not in body


def test_wrong_password_is_refused_and_no_session_starts(db):
    client = Client(HTTP_HOST="huaxi.congress.localhost")
    response = client.post("/accounts/login/", {"login": "li@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in client.cookies or not client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/settings/").status_code == 302


@pytest.mark.parametrize("subdomain", ["huaxi", "qingyan"])
def test_password_reset_mail_carries_the_host_it_was_requested_on(db, subdomain):
    client = Client(HTTP_HOST=f"{subdomain}.congress.localhost")
    response = client.post("/accounts/password/reset/", {"email": "yang@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    links = re.findall(r"https?://[^\s]+", mail.outbox[0].body)
    assert links and all(f"//{subdomain}.congress.localhost" in link for link in links)


def test_open_signup_is_closed(db):
    response = Client(HTTP_HOST="congress.localhost").post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "A-long-pass-9", "password2": "A-long-pass-9"},
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 302, 403)


def test_signed_in_non_member_sees_only_public_pages(client_for):
    client = client_for("wu", "huaxi")
    assert client.get("/").status_code == 200
    assert client.get("/about/").status_code == 200
    assert client.get("/settings/").status_code == 403
    assert client.get("/about/edit/").status_code == 403
