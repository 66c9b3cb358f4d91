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
    assert page.count("项待办") == 3 and "//huaxi.congress.localhost" in page


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


def test_workspace_is_for_deputies_only(api_for, client_for):
    assert api_for("zhang").get("/api/v1/me/workspace/").status_code == 403
    assert api_for(None).get("/api/v1/me/workspace/").status_code == 401
    assert client_for("zhang").get("/me/workspace/").status_code == 403
