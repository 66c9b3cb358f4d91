"""National (NPC) seats: kept on the root console by the provincial platform administrators."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shared_apps.memberships.permissions import Access
from shared_apps.registry import services
from shared_apps.registry.models import Deputy, Seat, Term
from tests.support.personas import PERSONAS

YANG = {"name": "杨秀英", "id_number": "52011119750312002X", "constituency": "贵州省", "delegation": "贵州代表团"}


@pytest.fixture
def npc_term(db):
    root = Access(user=None, congress=None, is_platform_admin=True)
    return services.term_open(access=root, congress=None, number=14, starts_on=datetime.date(2023, 3, 5))


def test_platform_admin_registers_a_national_seat_for_a_known_deputy(api_for, client_for, npc_term):
    response = api_for("wang").post("/api/v1/npc/seats/", YANG, format="json")
    assert response.status_code == 201 and response.json()["tier"] == "national"
    yang = Deputy.objects.get(name="杨秀英")
    assert sorted(yang.seats.values_list("tier", flat=True)) == ["city", "county", "national", "township"]
    workspace = api_for("yang").get("/api/v1/me/workspace/").json()["seats"]
    assert workspace[0]["tier"] == "national" and workspace[0]["waiting"] is None and workspace[0]["url"] is None
    assert "杨秀英" in client_for("wang").get("/console/npc/").content.decode()
    seat = Seat.objects.get(deputy=yang, tier="national")
    ended = api_for("wang").post(
        f"/api/v1/npc/seats/{seat.pk}/end/", {"status": "resigned", "ends_on": "2026-01-01"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["status"] == "resigned"


def test_only_one_open_npc_term(npc_term):
    root = Access(user=None, congress=None, is_platform_admin=True)
    with pytest.raises(ValidationError):
        services.term_open(access=root, congress=None, number=15, starts_on=datetime.date.today())
    assert Term.objects.filter(congress__isnull=True).count() == 1


def test_console_opens_the_npc_term(client_for):
    response = client_for("wang").post("/console/npc/", {"number": "14", "starts_on": "2023-03-05"})
    assert response.status_code == 302 and Term.objects.get(congress__isnull=True).number == 14


@pytest.mark.parametrize("persona", sorted((set(PERSONAS) - {"wang"}) | {None}, key=str))
def test_nobody_else_may_touch_national_seats(api_for, client_for, npc_term, persona):
    before = Seat.objects.count()
    response = api_for(persona).post("/api/v1/npc/seats/", YANG, format="json")
    assert response.status_code == (401 if persona is None else 403)
    assert api_for(persona).get("/api/v1/npc/seats/").status_code == (401 if persona is None else 403)
    assert client_for(persona).get("/console/npc/").status_code == (302 if persona is None else 403)
    assert Seat.objects.count() == before
