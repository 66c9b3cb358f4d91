"""The public deputy directory (congress hosts) and the province-wide deputy search (root domain)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.memberships.permissions import Access
from shared_apps.registry import identifiers, services
from shared_apps.registry.models import Deputy, Seat, Term
from tests.support.personas import DEPUTIES, PERSONAS

EVERYONE = sorted({*PERSONAS, None}, key=str)
HONGHUAGANG = "520302000000"


@pytest.fixture
def pks(db) -> dict[str, int]:
    """Persona deputy key (yang, luo, tian) → Deputy pk."""
    by_name = dict(Deputy.objects.values_list("name", "pk"))
    return {key: by_name[name] for key, name, *_rest in DEPUTIES}


def names(response) -> list[str]:
    return [d["name"] for d in response.json()["results"]]


def end_seat(deputy_pk: int, subdomain: str, wang) -> None:
    """End a deputy's seat in one congress, as a provincial administrator would."""
    seat = Seat.objects.get(deputy_id=deputy_pk, congress__subdomain=subdomain, status="serving")
    access = Access(user=wang, congress=None, is_platform_admin=True)
    services.seat_end(access=access, seat=seat, status="resigned", ends_on=datetime.date(2024, 6, 1))


# --- a congress's directory -----------------------------------------------------------------------------------


def test_directory_lists_the_deputies_serving_here(client_for, api_for):
    body = client_for(None, "huaxi").get("/deputies/").content.decode()
    assert "杨秀英" in body and "罗国华" in body
    assert "田芳" not in body
    assert "石板镇选区" in body and "青岩镇选区" in body
    assert sorted(names(api_for(None, "huaxi").get("/api/v1/deputies/"))) == ["杨秀英", "罗国华"]
    assert names(api_for(None, "honghuagang").get("/api/v1/deputies/")) == ["田芳"]


def test_directory_filters_by_constituency(client_for, api_for):
    body = client_for(None, "huaxi").get("/deputies/", {"constituency": "石板镇选区"}).content.decode()
    assert "罗国华" in body and "杨秀英" not in body
    response = api_for(None, "huaxi").get("/api/v1/deputies/", {"constituency": "青岩镇选区"})
    assert names(response) == ["杨秀英"]


def test_deputy_page_shows_public_facts_and_every_seat(client_for, congresses, pks):
    body = client_for(None, "huaxi").get(f"/deputies/{pks['yang']}/").content.decode()
    assert "杨秀英" in body and "青岩镇选区" in body
    for key in ("qingyan", "huaxi", "guiyang"):
        assert congresses[key].name in body
        assert congresses[key].url(f"/deputies/{pks['yang']}/") in body
    assert "通过本站代表联络站留言" in body


def test_deputy_api_lists_public_fields_only(api_for, pks):
    data = api_for(None, "huaxi").get(f"/api/v1/deputies/{pks['yang']}/").json()
    assert set(data) == {
        "name",
        "gender",
        "ethnicity",
        "party",
        "occupation",
        "work_unit",
        "photo",
        "biography",
        "seats",
        "contact",
    }
    assert {s["tier"] for s in data["seats"]} == {"city", "county", "township"}
    assert set(data["seats"][0]) == {"tier", "congress", "congress_url", "term", "constituency", "delegation", "url"}


@pytest.mark.parametrize(("subdomain", "key"), [("huaxi", "tian"), ("honghuagang", "yang"), ("qingyan", "luo")])
def test_deputy_page_is_404_without_a_serving_seat_here(client_for, api_for, pks, subdomain, key):
    assert client_for(None, subdomain).get(f"/deputies/{pks[key]}/").status_code == 404
    assert api_for(None, subdomain).get(f"/api/v1/deputies/{pks[key]}/").status_code == 404
    assert client_for(None, subdomain).get("/deputies/999999/").status_code == 404


# --- the province-wide search ---------------------------------------------------------------------------------


def test_search_finds_by_name_substring_with_links_to_each_seat(client_for, api_for, congresses, pks):
    body = client_for(None).get("/deputies/", {"q": "秀"}).content.decode()
    assert "杨秀英" in body and "罗国华" not in body
    for key in ("qingyan", "huaxi", "guiyang"):
        assert congresses[key].url(f"/deputies/{pks['yang']}/") in body
    results = api_for(None).get("/api/v1/deputies/", {"q": "秀"}).json()["results"]
    assert [d["name"] for d in results] == ["杨秀英"]
    assert congresses["huaxi"].url(f"/deputies/{pks['yang']}/") in {s["url"] for s in results[0]["seats"]}
    assert names(api_for(None).get("/api/v1/deputies/", {"q": "杨秀英"})) == ["杨秀英"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["田芳", "杨秀英", "罗国华"]),
        ({"tier": "township"}, ["杨秀英"]),
        ({"tier": "city"}, ["杨秀英"]),
        ({"tier": "county"}, ["田芳", "杨秀英", "罗国华"]),
        ({"tier": "province"}, []),
        ({"congress": HONGHUAGANG}, ["田芳"]),
        ({"congress": "520111000000", "q": "国"}, ["罗国华"]),
        ({"constituency": "石板"}, ["罗国华"]),
        ({"constituency": "青岩"}, ["杨秀英"]),
        ({"q": "秀", "congress": HONGHUAGANG}, []),
        ({"q": "秀", "tier": "county", "constituency": "石板"}, []),
        ({"tier": "nonsense"}, ["田芳", "杨秀英", "罗国华"]),
    ],
)
def test_search_filters(client_for, api_for, params, expected):
    assert sorted(names(api_for(None).get("/api/v1/deputies/", params))) == sorted(expected)
    body = client_for(None).get("/deputies/", params).content.decode()
    for name in ("杨秀英", "罗国华", "田芳"):
        assert (f"<strong>{name}</strong>" in body) == (name in expected), name


def test_ended_seats_disappear(client_for, api_for, users, congresses, pks):
    end_seat(pks["luo"], "huaxi", users["wang"])
    end_seat(pks["yang"], "qingyan", users["wang"])

    assert "罗国华" not in client_for(None, "huaxi").get("/deputies/").content.decode()
    assert client_for(None, "huaxi").get(f"/deputies/{pks['luo']}/").status_code == 404
    assert api_for(None, "huaxi").get(f"/api/v1/deputies/{pks['luo']}/").status_code == 404
    assert names(api_for(None).get("/api/v1/deputies/", {"q": "罗"})) == []
    assert client_for(None, "qingyan").get(f"/deputies/{pks['yang']}/").status_code == 404
    assert names(api_for(None).get("/api/v1/deputies/", {"tier": "township"})) == []
    seats = api_for(None).get("/api/v1/deputies/", {"q": "秀"}).json()["results"][0]["seats"]
    assert {s["congress"] for s in seats} == {congresses["huaxi"].name, congresses["guiyang"].name}
    body = client_for(None, "huaxi").get(f"/deputies/{pks['yang']}/").content.decode()
    assert congresses["qingyan"].name not in body


def test_suspended_congress_seats_are_not_listed(api_for, congresses):
    congresses["honghuagang"].status = "suspended"
    congresses["honghuagang"].save(update_fields=["status"])
    assert names(api_for(None).get("/api/v1/deputies/", {"q": "田"})) == []


# --- public, and nothing personal -----------------------------------------------------------------------------


def secrets_of_personas() -> dict[str, str]:
    """Every form in which a persona deputy's ID or mobile number could leak, with a label."""
    found = {}
    for key, _name, id_number, mobile, *_rest in DEPUTIES:
        found[f"{key} id"] = id_number
        found[f"{key} masked id"] = identifiers.mask_id_number(id_number)
        found[f"{key} mobile"] = mobile
        found[f"{key} masked mobile"] = identifiers.mask_mobile(mobile)
        found[f"{key} mobile last 4"] = mobile[-4:]
    return found


def public_urls(pks: dict[str, int]) -> list[tuple[str | None, str]]:
    yang, luo, tian = pks["yang"], pks["luo"], pks["tian"]
    return [
        ("huaxi", "/deputies/"),
        ("huaxi", "/deputies/?constituency=青岩镇选区"),
        ("huaxi", f"/deputies/{yang}/"),
        ("huaxi", f"/deputies/{luo}/"),
        ("qingyan", f"/deputies/{yang}/"),
        ("honghuagang", f"/deputies/{tian}/"),
        ("huaxi", "/api/v1/deputies/"),
        ("huaxi", f"/api/v1/deputies/{yang}/"),
        ("honghuagang", f"/api/v1/deputies/{tian}/"),
        (None, "/deputies/"),
        (None, "/deputies/?q=秀"),
        (None, "/deputies/?q=罗国华&tier=county"),
        (None, "/api/v1/deputies/"),
        (None, "/api/v1/deputies/?q=田"),
    ]


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_page_is_public_and_shows_no_identifier(client_for, pks, persona):
    """Anonymous visitors and every persona (the platform administrator included) get 200, and no body holds
    an ID or mobile number, clear or masked, or even a mobile's last four digits."""
    secrets = secrets_of_personas()
    for subdomain, url in public_urls(pks):
        response = client_for(persona, subdomain).get(url)
        assert response.status_code == 200, (subdomain, url)
        body = response.content.decode()
        leaked = [label for label, value in secrets.items() if value in body]
        assert leaked == [], (subdomain, url, leaked)
        assert not re.search(r"\d{3}\*{4}\d{4}|\d{4}\*{10}[\dX]{4}", body), (subdomain, url)


# --- query counts ---------------------------------------------------------------------------------------------

GIVEN = "一二三四五六七八九十甲乙丙丁戊己庚辛壬"


@pytest.fixture
def nineteen_more(db, users):
    """Nineteen more deputies named 王秀… serving in Huaxi, so that "秀" finds twenty."""
    access = Access(user=users["wang"], congress=None, is_platform_admin=True)
    term = Term.objects.get(congress__subdomain="huaxi", status="open")
    constituency = services.constituency_get_or_create(term, "石板镇选区")
    for n, char in enumerate(GIVEN):
        first17 = f"52011119900101{n:03d}"
        deputy, _created = services.deputy_register(
            actor=None, data={"name": f"王秀{char}", "id_number": first17 + identifiers.id_check_digit(first17)}
        )
        services.seat_add(access=access, deputy=deputy, term=term, starts_on=term.starts_on, constituency=constituency)


def count_queries(client, url: str, params: dict, expected: int) -> int:
    """Queries a request makes, not counting the backend's `SET search_path` before each one."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    if not url.startswith("/api/"):
        assert response.content.decode().count("<strong>") == expected
    return sum(not q["sql"].startswith("SET search_path") for q in queries.captured_queries)


@pytest.mark.parametrize("url", ["/deputies/", "/api/v1/deputies/"])
def test_search_query_count_does_not_grow_with_results(client_for, nineteen_more, url):
    client = client_for(None)
    assert len(names(client.get("/api/v1/deputies/", {"q": "秀"}))) == 20
    one = count_queries(client, url, {"q": "杨秀"}, 1)
    twenty = count_queries(client, url, {"q": "秀"}, 20)
    assert one == twenty <= 4  # count, page, seats, and the congress list of the form


def test_directory_query_count_does_not_grow_with_deputies(client_for, nineteen_more):
    client = client_for(None, "huaxi")
    few = count_queries(client, "/deputies/", {"constituency": "青岩镇选区"}, 1)
    many = count_queries(client, "/deputies/", {"constituency": "石板镇选区"}, 20)
    assert few == many


def test_public_lists_export_to_xlsx_with_public_facts_only(client_for):
    import io

    from openpyxl import load_workbook

    for subdomain, path, title in ((("huaxi", "/deputies/", "代表名录")), (None, "/deputies/", "代表查询")):
        response = client_for(None, subdomain).get(path, {"format": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
        assert sheet.title == title and "杨秀英" in cells
        for value in ("52011119750312002X", "13885012345", "138****2345", "5201**********002X"):
            assert value not in cells
