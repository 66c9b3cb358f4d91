"""Registry pages and endpoints for every persona, and a scan for unmasked identifiers."""

import logging

import pytest

from shared_apps.registry.models import Deputy, RegistryEvent, Seat, Term
from tests.support.personas import DEPUTIES, PERSONAS

EVERYONE = {*PERSONAS, None}
OFFICE = {"li", "zhang", "wang"}
CLEAR = [value for deputy in DEPUTIES for value in (deputy[2], deputy[3])]


def ids():
    yang = Deputy.objects.get(name="杨秀英")
    luo_seat = Seat.objects.get(deputy__name="罗国华")
    return {"yang": yang.pk, "luo_seat": luo_seat.pk}


PAGES = [
    ("/registry/", OFFICE),
    ("/registry/terms/close/", OFFICE),
    ("/registry/deputies/{yang}/", OFFICE),
    ("/registry/rollup/", OFFICE | {"chen"}),
    ("/me/workspace/", EVERYONE - {None}),  # everyone's landing page, their own things only
]
API = [
    ("get", "/api/v1/registry/seats/", None, OFFICE, 200),
    ("get", "/api/v1/registry/deputies/{yang}/identity/", None, OFFICE, 200),
    ("post", "/api/v1/registry/deputies/{yang}/identity/", {}, OFFICE, 200),
    ("get", "/api/v1/registry/terms/", None, OFFICE, 200),
    ("post", "/api/v1/registry/terms/close/", {"ends_on": "2026-12-31", "next_number": 20}, OFFICE, 200),
    ("post", "/api/v1/registry/seats/{luo_seat}/end/", {"status": "resigned", "ends_on": "2026-06-01"}, OFFICE, 200),
    ("get", "/api/v1/registry/rollup/", None, OFFICE | {"chen"}, 200),
    ("get", "/api/v1/me/workspace/", None, EVERYONE - {None}, 200),
]


def state():
    return (
        list(Seat.objects.order_by("pk").values_list("status", flat=True)),
        list(Term.objects.order_by("pk").values_list("status", flat=True)),
        RegistryEvent.objects.filter(kind="identity_viewed").count(),
    )


@pytest.mark.parametrize("persona", sorted(EVERYONE, key=str))
@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[p for p, _ in PAGES])
def test_registry_pages(client_for, persona, path, allowed):
    response = client_for(persona, "huaxi").get(path.format(**ids()))
    if persona in allowed:
        assert response.status_code == 200
    elif persona is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", sorted(EVERYONE, key=str))
@pytest.mark.parametrize(("method", "path", "payload", "allowed", "success"), API, ids=[f"{m} {p}" for m, p, *_ in API])
def test_registry_api(api_for, persona, method, path, payload, allowed, success):
    before = state()
    client = api_for(persona, "huaxi")
    url = path.format(**ids())
    response = getattr(client, method)(url, payload, format="json") if payload is not None else client.get(url)
    if persona in allowed:
        assert response.status_code == success, response.content[:300]
    else:
        assert response.status_code == (401 if persona is None else 403)
        assert state() == before


def test_another_congress_office_cannot_see_a_deputy_who_does_not_sit_there(api_for, client_for):
    tian = Deputy.objects.get(name="田芳")
    assert client_for("li", "huaxi").get(f"/registry/deputies/{tian.pk}/").status_code == 404
    assert api_for("li", "huaxi").post(f"/api/v1/registry/deputies/{tian.pk}/identity/").status_code == 404


def test_rollup_shows_figures_of_the_congresses_below_only(api_for):
    rows = api_for("li", "huaxi").get("/api/v1/registry/rollup/").json()
    assert [(r["name"], r["deputies"], r["claimed"]) for r in rows] == [("花溪区青岩镇人民代表大会", 1, 1)]
    rows = api_for("wang", "guizhou").get("/api/v1/registry/rollup/").json()
    assert {r["name"] for r in rows} >= {"贵阳市花溪区人民代表大会", "遵义市红花岗区人民代表大会"}


def test_no_page_or_response_shows_a_clear_identifier_unless_asked_and_allowed(api_for, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    ref = ids()
    bodies = [client_for("li", "huaxi").get(p.format(**ref)).content.decode() for p, _ in PAGES[:4]]
    bodies += [api_for("li", "huaxi").get(p.format(**ref)).content.decode() for m, p, payload, *_ in API if m == "get"]
    bodies += [client_for("yang", s).get("/me/workspace/").content.decode() for s in ("huaxi", None)]
    bodies += [client_for(None, s).get("/").content.decode() for s in ("huaxi", None)]
    for body in bodies:
        for value in CLEAR:
            assert value not in body
    assert "5201**********002X" in bodies[2]  # masked on the deputy's page
    revealed = client_for("li", "huaxi").post(f"/registry/deputies/{ref['yang']}/", {"reveal": "1"}).content.decode()
    assert DEPUTIES[0][2] in revealed and DEPUTIES[0][3] in revealed
    assert RegistryEvent.objects.filter(kind="identity_viewed", actor__email="li@example.org").count() == 1
    for value in CLEAR:
        assert value not in caplog.text


def test_office_finds_a_deputy_by_exact_id_or_mobile_number(client_for):
    yang = Deputy.objects.get(name="杨秀英")
    for number in (DEPUTIES[0][2].lower(), "138 8501 2345"):
        response = client_for("zhang", "huaxi").get("/registry/", {"find": number})
        assert response.status_code == 302 and response["Location"] == f"/registry/deputies/{yang.pk}/"
    # Tian sits in Honghuagang only: not found from Huaxi, and nothing about her is revealed.
    response = client_for("zhang", "huaxi").get("/registry/", {"find": DEPUTIES[2][2]}, follow=True)
    assert response.status_code == 200 and "田芳" not in response.content.decode()
    assert client_for("yang", "huaxi").get("/registry/", {"find": DEPUTIES[0][2]}).status_code == 403
