"""The state organs' staff (一府一委两院工作人员, persona Chen) follow how the items assigned to their departments
are handled — read only, the overview included — and take no step (docs/permissions.md)."""

import pytest

from tenant_apps.suggestions.models import Status
from tests.support.suggestions import World, snapshot


def test_chen_follows_assigned_items_read_only(world: World, client_for, api_for):
    with world.huaxi:
        assigned = world.drive(Status.REPLIED)
        submitted = world.drive(Status.SUBMITTED)
        before = snapshot(assigned.pk)
    page = client_for("chen", "huaxi").get(f"/suggestions/{assigned.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "答复与评价" in html and 'id="history"' in html
    assert 'class="action-panel' not in html  # no step is theirs
    assert client_for("chen", "huaxi").get(f"/suggestions/{submitted.pk}/").status_code == 404
    ids = {row["id"] for row in api_for("chen", "huaxi").get("/api/v1/suggestions/").json()}
    assert assigned.pk in ids and submitted.pk not in ids
    refused = api_for("chen", "huaxi").post(
        f"/api/v1/suggestions/{assigned.pk}/transition/", {"action": "close"}, format="json"
    )
    assert refused.status_code == 403
    with world.huaxi:
        assert snapshot(assigned.pk) == before


@pytest.mark.parametrize(("persona", "code"), [("chen", 200), ("zhang", 200), ("sun", 403), ("liu", 403)])
def test_the_overview_is_read_by_the_office_and_the_state_organs(world: World, client_for, persona, code):
    assert client_for(persona, "huaxi").get("/suggestions/overview/").status_code == code


def test_a_state_organ_of_another_congress_is_refused(world: World, client_for):
    """Chen's role is Huaxi's: on Qingyan the module's pages refuse him."""
    assert client_for("chen", "qingyan").get("/suggestions/overview/").status_code == 403


def test_the_state_organs_overview_holds_only_assigned_items(world: World, api_for):
    with world.huaxi:
        assigned = world.drive(Status.ASSIGNED)
        submitted = world.drive(Status.SUBMITTED)
    rows = api_for("chen", "huaxi").get("/api/v1/suggestions/overview/").json()["items"]
    office_rows = api_for("zhang", "huaxi").get("/api/v1/suggestions/overview/").json()["items"]
    assert assigned.pk in {r["id"] for r in rows} and submitted.pk not in {r["id"] for r in rows}
    assert submitted.pk in {r["id"] for r in office_rows}
