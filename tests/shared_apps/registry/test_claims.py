"""An office invites a deputy; the deputy claims the account; memberships follow the seats."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.memberships.models import Membership
from shared_apps.registry.models import Deputy, Invitation

LUO = "520111196811230015"


@pytest.fixture
def luo(db):
    return Deputy.objects.get(name="罗国华")


def invite(api_for, luo, persona="zhang", subdomain="huaxi", **data):
    return api_for(persona, subdomain).post(
        f"/api/v1/registry/deputies/{luo.pk}/invite/",
        {"channel": "email", "email": "luo@example.org", **data},
        format="json",
    )


def link_in(text):
    return re.search(r"https?://\S+/registry/claim/(\S+?)/", text)


def test_email_invitation_then_claim_gives_access_where_the_seats_are(api_for, luo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(api_for, luo).status_code == 201
    match = link_in(mail.outbox[-1].body)
    assert match and "//huaxi.congress.localhost" in match.group(0)
    client = Client(HTTP_HOST="huaxi.congress.localhost")
    response = client.post(
        f"/registry/claim/{match.group(1)}/", {"email": "luo@example.org", "password": "Luo-guohua-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/me/workspace/"
    luo.refresh_from_db()
    assert luo.user.email == "luo@example.org"
    assert list(Membership.objects.filter(user=luo.user).values_list("congress__subdomain", "role")) == [
        ("huaxi", "deputy")
    ]
    assert "贵阳市花溪区人民代表大会" in client.get("/me/workspace/").content.decode()
    # single use
    again = Client(HTTP_HOST="huaxi.congress.localhost").post(
        f"/registry/claim/{match.group(1)}/", {"email": "x@example.org", "password": "Xx-123456789"}
    )
    assert "邀请链接无效或已过期" in again.content.decode()


def test_sms_invitation_goes_through_the_pluggable_sender(api_for, luo, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(api_for, luo, channel="sms", email="").status_code == 201
    mobile, text = MemorySmsSender.outbox[-1]
    assert mobile == "13985067890" and link_in(text)


def test_expired_invitation_is_refused(api_for, luo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(api_for, luo)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    token = link_in(mail.outbox[-1].body).group(1)
    response = api_for(None, "huaxi").post(
        "/api/v1/registry/claim/",
        {"token": token, "email": "luo@example.org", "password": "Luo-guohua-2026"},
        format="json",
    )
    assert response.status_code == 400 and "token" in response.json()
    luo.refresh_from_db()
    assert luo.user is None


def test_claim_by_api_and_weak_password_refused(api_for, luo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(api_for, luo)
    token = link_in(mail.outbox[-1].body).group(1)
    weak = api_for(None, "huaxi").post(
        "/api/v1/registry/claim/", {"token": token, "email": "luo@example.org", "password": "123"}, format="json"
    )
    assert weak.status_code == 400 and "password" in weak.json()
    ok = api_for(None, "huaxi").post(
        "/api/v1/registry/claim/",
        {"token": token, "email": "luo@example.org", "password": "Luo-guohua-2026"},
        format="json",
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("persona", "subdomain", "status"),
    [
        ("zhou", "huaxi", 403),
        ("ma", "huaxi", 403),
        ("yang", "huaxi", 403),
        ("wu", "huaxi", 403),
        (None, "huaxi", 401),
        ("zhou", "qingyan", 404),
    ],
)
def test_only_the_office_of_a_congress_where_the_deputy_sits_may_invite(api_for, luo, persona, subdomain, status):
    assert invite(api_for, luo, persona=persona, subdomain=subdomain).status_code == status
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_deputy_who_already_claimed_cannot_be_invited(api_for):
    yang = Deputy.objects.get(name="杨秀英")
    response = invite(api_for, yang)
    assert response.status_code == 400 and "deputy" in response.json()
