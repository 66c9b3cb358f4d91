"""A member of one congress cannot read or change another congress's data, by page or by API."""

from django.db import connection
from rest_framework.test import APIClient

from tenant_apps.about.models import Profile


def test_each_congress_keeps_its_rows_in_its_own_schema(api_for, congresses):
    assert (
        api_for("zhang", "huaxi")
        .patch("/api/v1/about/profile/", {"introduction": "花溪区的简介"}, format="json")
        .status_code
        == 200
    )
    with congresses["huaxi"]:
        assert Profile.objects.get().introduction == "花溪区的简介"
    with congresses["qingyan"]:
        assert not Profile.objects.exists()
    assert "花溪区的简介" not in api_for(None, "qingyan").get("/api/v1/about/profile/").content.decode()
    assert "花溪区的简介" not in api_for("zhang", "qingyan").get("/about/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM c520111101000.about_profile")
        assert cursor.fetchone() == (0,)


def test_staff_of_one_congress_cannot_change_another(api_for, client_for, congresses):
    for persona in ("zhang", "li", "ma"):
        assert (
            api_for(persona, "qingyan").patch("/api/v1/about/profile/", {"phone": "1"}, format="json").status_code
            == 403
        )
        assert client_for(persona, "qingyan").post("/about/edit/", {"phone": "1"}).status_code == 403
    with congresses["qingyan"]:
        assert not Profile.objects.exists()


def test_an_administrator_cannot_read_another_congress_settings(api_for, client_for):
    assert api_for("li", "huaxi").get("/api/v1/congress/settings/").status_code == 200
    assert api_for("li", "qingyan").get("/api/v1/congress/settings/").status_code == 403
    assert api_for("ma", "huaxi").get("/api/v1/congress/settings/").status_code == 403
    assert client_for("ma", "huaxi").get("/settings/").status_code == 403


def test_a_token_works_on_every_host_but_grants_only_the_holders_roles(users):
    client = APIClient(HTTP_HOST="congress.localhost")
    credentials = {"email": "zhang@example.org", "password": "Persona-pass-2026"}
    token = client.post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    for host, status in (("huaxi.congress.localhost", 200), ("qingyan.congress.localhost", 403)):
        api = APIClient(HTTP_HOST=host)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.patch("/api/v1/about/profile/", {"phone": "2"}, format="json").status_code == status


def test_a_wrong_password_gets_no_token(db):
    response = APIClient(HTTP_HOST="huaxi.congress.localhost").post(
        "/api/v1/auth/token/", {"email": "zhang@example.org", "password": "nope"}, format="json"
    )
    assert response.status_code in (401, 403) and "token" not in response.json()


def test_congress_endpoints_do_not_answer_on_the_root_and_vice_versa(api_for):
    assert api_for("li").get("/api/v1/congress/settings/").status_code == 404
    assert api_for("wang", "huaxi").get("/api/v1/provisioning/").status_code == 404
