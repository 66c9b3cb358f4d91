"""The header of every page, on every host, shows who is signed in and how many of their notices are unread —
outside the menu, so a phone shows it too."""

import pytest

from shared_apps.notifications.models import Notification
from shared_apps.notifications.services import mark_all_read, notify


@pytest.mark.parametrize("subdomain", [None, "huaxi", "qingyan"])
def test_the_header_shows_the_unread_count_on_every_host(client_for, users, congresses, subdomain):
    for n in range(3):
        notify(user=users["yang"], congress=congresses["huaxi"], kind="test", title=f"第{n}条")
    body = client_for("yang", subdomain).get("/").content.decode()
    header = body[body.index('class="topbar-me"') : body.index("nav-toggle")]
    assert "yang" in header and '<span class="badge">3</span>' in header and "条未读" in header
    mark_all_read(user=users["yang"])
    body = client_for("yang", subdomain).get("/").content.decode()
    assert 'class="badge"' not in body[body.index('class="topbar-me"') : body.index("nav-toggle")]


def test_visitors_see_no_account_in_the_header(client):
    body = client.get("/", HTTP_HOST="congress.localhost").content.decode()
    assert 'class="topbar-me"' not in body
    assert not Notification.objects.exists()
