"""In-app notices (public schema): /me/notices/ and /api/v1/me/notices/ on every host, each account its own only."""

import datetime

import pytest
from django.utils import timezone

from shared_apps.notifications import selectors, services
from shared_apps.notifications.models import Notification

HOSTS = [None, "huaxi", "qingyan"]


@pytest.fixture
def inbox(users, congresses):
    """Two notices for Liu (the newer one an hour later) and one for Zhang, all from Huaxi, all unread."""
    huaxi = congresses["huaxi"]
    older = services.notify(
        user=users["liu"], congress=huaxi, kind="reply_due_soon", title="答复期限临近：第1号建议", url=huaxi.url("/")
    )
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    newer = services.notify(user=users["liu"], congress=huaxi, kind="reply_overdue:1", title="催办：第2号建议")
    other = services.notify(user=users["zhang"], congress=huaxi, kind="reply_overdue:1", title="催办：第3号建议")
    return {"older": older, "newer": newer, "other": other}


def state() -> list[tuple]:
    return list(Notification.objects.order_by("pk").values_list("pk", "user_id", "read_at"))


# -- the page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS)
def test_the_page_lists_the_owners_notices_newest_first_on_every_host(client_for, inbox, host):
    page = client_for("liu", host).get("/me/notices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("催办：第2号建议") < html.index("答复期限临近：第1号建议")
    assert "第3号建议" not in html  # Zhang's
    assert html.count("notice-unread") == 2 and "2 条未读" in html


def test_the_page_is_for_signed_in_users(client_for, inbox):
    response = client_for(None, "huaxi").get("/me/notices/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # Wu holds no membership anywhere and Ma is a member of another congress: their own (empty) lists.
    for persona in ("wu", "ma"):
        html = client_for(persona, "huaxi").get("/me/notices/").content.decode()
        assert "第1号建议" not in html and "暂无通知" in html


def test_marking_one_read_on_the_page(client_for, inbox):
    client = client_for("liu", "huaxi")
    response = client.post(f"/me/notices/{inbox['older'].pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == inbox["older"].url
    inbox["older"].refresh_from_db()
    assert inbox["older"].read_at is not None
    html = client.get("/me/notices/").content.decode()
    assert html.count("notice-unread") == 1 and html.count('notice-read"') == 1
    assert selectors.unread_count(inbox["older"].user) == 1


@pytest.mark.parametrize("persona", ["zhang", "ma", "wu"])
def test_someone_elses_notice_is_not_found_and_stays_unread(client_for, inbox, persona):
    before = state()
    assert client_for(persona, "huaxi").post(f"/me/notices/{inbox['newer'].pk}/read/").status_code == 404
    assert client_for(persona).post("/me/notices/999999/read/").status_code == 404
    assert state() == before


def test_marking_all_read_marks_only_the_owners(client_for, inbox):
    response = client_for("liu").post("/me/notices/read/")
    assert response.status_code == 302
    read = dict(Notification.objects.values_list("pk", "read_at"))
    assert read[inbox["older"].pk] and read[inbox["newer"].pk] and read[inbox["other"].pk] is None
    assert client_for("liu").get("/me/notices/read/").status_code == 405


# -- the API ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS)
def test_the_api_lists_the_owners_notices(api_for, inbox, host):
    data = api_for("liu", host).get("/api/v1/me/notices/").json()
    assert data["unread"] == 2
    assert [n["title"] for n in data["results"]] == ["催办：第2号建议", "答复期限临近：第1号建议"]
    assert data["results"][0]["congress"] == "贵阳市花溪区人民代表大会"
    assert api_for("zhang", host).get("/api/v1/me/notices/?unread=1").json()["unread"] == 1
    assert api_for("ma", host).get("/api/v1/me/notices/").json() == {"unread": 0, "results": []}


def test_the_api_refuses_anonymous_callers_and_bad_input(api_for, inbox):
    before = state()
    assert api_for(None, "huaxi").get("/api/v1/me/notices/").status_code == 401
    assert api_for(None).post(f"/api/v1/me/notices/{inbox['newer'].pk}/read/").status_code == 401
    bad = api_for("liu", "huaxi").get("/api/v1/me/notices/?limit=many")
    assert bad.status_code == 400 and "limit" in bad.json()
    assert len(api_for("liu").get("/api/v1/me/notices/?limit=1").json()["results"]) == 1
    assert state() == before


def test_marking_read_through_the_api(api_for, inbox):
    liu = api_for("liu", "huaxi")
    response = liu.post(f"/api/v1/me/notices/{inbox['newer'].pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert liu.get("/api/v1/me/notices/?unread=1").json()["results"][0]["id"] == inbox["older"].pk
    assert liu.post("/api/v1/me/notices/read/").json() == {"marked": 1}
    assert liu.post("/api/v1/me/notices/read/").json() == {"marked": 0}
    assert api_for("zhang").get("/api/v1/me/notices/").json()["unread"] == 1


@pytest.mark.parametrize("persona", ["zhang", "ma", "wu"])
def test_the_api_answers_404_for_someone_elses_notice(api_for, inbox, persona):
    before = state()
    for host in HOSTS:
        assert api_for(persona, host).post(f"/api/v1/me/notices/{inbox['newer'].pk}/read/").status_code == 404
    assert state() == before


# -- the services ----------------------------------------------------------------------------------------


def test_notify_refuses_an_empty_title_and_mark_read_someone_elses(users, inbox):
    from django.core.exceptions import PermissionDenied, ValidationError

    before = state()
    with pytest.raises(ValidationError):
        services.notify(user=users["liu"], congress=None, kind="x", title="  ")
    with pytest.raises(PermissionDenied):
        services.mark_read(user=users["zhang"], notification=inbox["newer"])
    assert state() == before
    assert services.mark_all_read(user=users["wu"]) == 0


def test_the_page_and_api_do_not_depend_on_any_congress_module(client_for, api_for, inbox, users, congresses):
    """The account's notices are not the congresses' "notices" module: switching modules off leaves them."""
    from console.services import congress_configure
    from shared_apps.memberships.permissions import Access
    from shared_apps.memberships.selectors import roles_for

    huaxi = congresses["huaxi"]
    li = Access(user=users["li"], congress=huaxi, roles=roles_for(users["li"], huaxi))
    congress_configure(access=li, congress=huaxi, modules=[], preferences={})
    assert client_for("liu", "huaxi").get("/me/notices/").status_code == 200
    assert api_for("liu", "huaxi").get("/api/v1/me/notices/").json()["unread"] == 2
