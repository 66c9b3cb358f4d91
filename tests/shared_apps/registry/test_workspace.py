"""A deputy with seats at three tiers signs in once and sees three congresses with their counts."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shared_apps.exchange.services import inbox_count_set
from tests.support.personas import PASSWORD


def test_deputy_lands_on_the_workspace_with_every_congress_and_count(users, congresses):
    inbox_count_set(user=users["yang"], congress=congresses["qingyan"], kind="messages", count=3)
    inbox_count_set(user=users["yang"], congress=congresses["qingyan"], kind="co_sign", count=1)
    inbox_count_set(user=users["yang"], congress=congresses["huaxi"], kind="messages", count=2)
    client = Client(HTTP_HOST="congress.localhost")
    response = client.post("/accounts/login/", {"login": "yang@example.org", "password": PASSWORD})
    assert response["Location"] == "/me/workspace/"
    api = client.get("/api/v1/me/workspace/").json()
    assert [(s["congress"], s["tier"], s["waiting"]) for s in api["seats"]] == [
        ("贵阳市人民代表大会", "city", 0),
        ("贵阳市花溪区人民代表大会", "county", 2),
        ("花溪区青岩镇人民代表大会", "township", 4),
    ]
    page = client.get("/me/workspace/", HTTP_HOST="qingyan.congress.localhost").content.decode()
    assert page.count("</strong> 项待办") == 2 and "暂无待办" in page and "//huaxi.congress.localhost" in page


def test_workspace_takes_a_fixed_number_of_queries_whatever_the_number_of_seats(api_for, users, congresses):
    from shared_apps.registry.models import Seat
    from shared_apps.registry.workspace import workspace_for

    user = users["yang"]
    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as three:
        assert len(workspace_for(user)["seats"]) == 3
    Seat.objects.filter(deputy__user=user).exclude(congress=congresses["qingyan"]).update(status="resigned")
    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as one:
        assert len(workspace_for(user)["seats"]) == 1
    real = [q["sql"] for q in three.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(three) == len(one) and len(real) == 3  # the deputy, the seats, the counts


def test_everyone_lands_on_a_workspace_naming_what_waits(users, congresses, client_for, api_for):
    """Office staff (not a deputy) sign in on a congress host and land on their workspace, which names each
    waiting item with its link, grouped by congress and kind."""
    from shared_apps.exchange.services import Waiting

    huaxi = congresses["huaxi"]
    items = [Waiting(title=f"{n}. 关于第{n}件事的建议", url=huaxi.url(f"/suggestions/{n}/")) for n in range(1, 8)]
    inbox_count_set(
        user=users["zhang"],
        congress=huaxi,
        kind="suggestions_office",
        count=7,
        items=items,
        url=huaxi.url("/suggestions/"),
    )
    client = Client(HTTP_HOST="huaxi.congress.localhost")
    response = client.post("/accounts/login/", {"login": "zhang@example.org", "password": PASSWORD})
    assert response["Location"] == "/me/workspace/"
    page = client.get("/me/workspace/").content.decode()
    assert "议案建议：待审查、交办或审批延期（7）" in page
    assert f'href="{huaxi.url("/suggestions/1/")}"' in page and "5. 关于第5件事的建议" in page
    assert "6. 关于第6件事的建议" not in page and "还有 2 项，查看全部" in page  # five named, the rest behind the list
    assert "人大机关工作人员" in page  # the role held there
    data = api_for("zhang", "huaxi").get("/api/v1/me/workspace/").json()
    [desk] = [d for d in data["congresses"] if d["waiting"]]
    assert desk["congress"] == huaxi.name and desk["waiting"][0]["count"] == 7 and len(desk["waiting"][0]["items"]) == 5
    assert data["deputy"] is None and data["seats"] == []


def test_a_workspace_with_nothing_waiting_says_so(client_for):
    page = client_for("wu").get("/me/workspace/").content.decode()
    assert "目前没有等待您处理的事项" in page and "还没有在任何人大担任角色" in page


def test_the_workspace_is_for_signed_in_users(api_for, client_for):
    assert api_for(None).get("/api/v1/me/workspace/").status_code == 401
    assert client_for(None).get("/me/workspace/").status_code == 302


def test_the_workspace_desks_take_two_queries_whatever_the_number_of_congresses(users, congresses):
    """Roles and waiting items in many congresses: still one query for the roles, one for what waits."""
    from shared_apps.registry.workspace import desks_for

    user = users["yang"]
    inbox_count_set(user=user, congress=congresses["huaxi"], kind="messages", count=1)
    with CaptureQueriesContext(connection) as few:
        desks_for(user)
    for key in ("guizhou", "guiyang", "qingyan", "zunyi", "honghuagang"):
        inbox_count_set(user=user, congress=congresses[key], kind="suggestions", count=2)
    with CaptureQueriesContext(connection) as many:
        desks = desks_for(user)
    assert len(few) == len(many) == 2 and len(desks) == 6
