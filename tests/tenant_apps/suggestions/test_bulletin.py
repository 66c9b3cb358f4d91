"""The monthly progress bulletin (issue 4 item 7): hand-checked figures for items driven through the workflow,
400 items across 30 units rendered as a page with charts, xlsx and PDF, constant queries, and who may see,
export and publish."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.registry.models import Deputy
from tenant_apps.suggestions.bulletin import bulletin_for
from tenant_apps.suggestions.models import (
    Assignment,
    BulletinPublication,
    Contact,
    Evaluation,
    Status,
    Suggestion,
)
from tenant_apps.units.models import HandlingUnit
from tests.support.suggestions import World, at

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JUNE = {"year": 2026, "month": 6}
MEMBERS_NOT_OFFICE = ("liu", "yang", "sun", "zhao", "chen")


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


def _bulk_items(world: World, units: int, items: int, prefix: str = "单位") -> list[HandlingUnit]:
    """`items` assigned items spread over `units` new units, written straight into the schema.

    A read-model test: building 400 items through the services would take minutes and test the workflow
    again, so rows are inserted directly, with fields as the services would leave them. Item i goes to unit
    i % units, assigned 1 March 2026, due 1 June; by i % 4: 0 never replied (overdue by July), 1 replied
    1 May in category A and rated satisfied, 2 replied 15 June (late) in B, 3 replied 1 May in C, rated
    unsatisfied (ratings on 1 June). The calling code is in the schema."""
    made = HandlingUnit.objects.bulk_create(HandlingUnit(name=f"{prefix}{n:02d}") for n in range(units))
    yang = Deputy.objects.get(user=world.users["yang"])
    replied_on = {0: None, 1: datetime.date(2026, 5, 1), 2: datetime.date(2026, 6, 15), 3: datetime.date(2026, 5, 1)}
    rows = [
        Suggestion(
            title=f"建议{i}",
            body="……",
            lead_deputy=yang,
            created_by=world.users["yang"],
            status=Status.ASSIGNED if i % 4 == 0 else Status.REPLIED,
            assigned_at=_moment(datetime.date(2026, 3, 1)),
            reply_due=datetime.date(2026, 6, 1),
            replied_at=_moment(replied_on[i % 4]) if replied_on[i % 4] else None,
            reply_round=0 if i % 4 == 0 else 1,
            result_category={0: "", 1: "A", 2: "B", 3: "C"}[i % 4],
        )
        for i in range(items)
    ]
    saved = Suggestion.objects.bulk_create(rows)
    Assignment.objects.bulk_create(
        Assignment(suggestion=item, unit=made[i % units], role="lead") for i, item in enumerate(saved)
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            suggestion=item,
            deputy=yang,
            round=1,
            attitude="satisfied",
            result="satisfied" if i % 4 == 1 else "unsatisfied",
        )
        for i, item in enumerate(saved)
        if i % 4 in (1, 3)
    )
    Evaluation.objects.filter(suggestion__in=saved).update(created_at=_moment(datetime.date(2026, 6, 1)))
    return made


# -- figures -----------------------------------------------------------------------------------------------


def test_hand_checked_figures_of_items_driven_through_the_workflow(world, monkeypatch):
    """Three items of the education bureau, all assigned 11 February 2026 (due 11 May):
    one replied at once in A and rated satisfied, one never replied, one replied late (20 May) in B."""
    at(monkeypatch, datetime.date(2026, 2, 11))
    with world.huaxi:
        quick = world.drive(Status.REPLIED)
        world.act(quick, "yang", "evaluate")
        world.drive(Status.ASSIGNED)
        late = world.drive(Status.ASSIGNED)
        # The meeting is logged by another part of the workflow; only its row matters here.
        Contact.objects.create(
            suggestion=quick,
            unit=world.bureau,
            kind="meeting",
            happened_on=datetime.date(2026, 2, 20),
            summary="面商",
            created_by=world.users["liu"],
        )
        at(monkeypatch, datetime.date(2026, 5, 20))
        world.act(late, "liu", "reply", result_category="B")
        at(monkeypatch, datetime.date(2026, 7, 3))
        bulletin = bulletin_for(world.huaxi, **JUNE)
    assert bulletin.as_of == datetime.date(2026, 6, 30)
    (row,) = bulletin.rows
    assert row.unit_name == "花溪区教育局"
    assert (row.assigned, row.replied, row.on_time, row.overdue, row.met) == (3, 2, 1, 1, 1)
    assert (row.a_replies, row.evaluations, row.satisfied) == (1, 1, 1)
    assert row.on_time_rate == pytest.approx(1 / 3)
    assert row.meeting_rate == pytest.approx(1 / 3)
    assert row.a_rate == 0.5 and row.satisfaction_rate == 1.0
    with world.huaxi:
        # In March nothing was due yet, the late reply not yet written, nobody overdue.
        march = bulletin_for(world.huaxi, 2026, 3).rows[0]
    assert (march.assigned, march.replied, march.overdue, march.on_time) == (3, 1, 0, 1)


def test_four_hundred_items_across_thirty_units(world, monkeypatch):
    at(monkeypatch, datetime.date(2026, 7, 3))
    with world.huaxi:
        _bulk_items(world, 30, 400)
        bulletin = bulletin_for(world.huaxi, **JUNE)
    assert len(bulletin.rows) == 30
    totals = bulletin.totals
    assert (totals.assigned, totals.replied, totals.on_time, totals.overdue) == (400, 300, 200, 100)
    assert (totals.a_replies, totals.evaluations, totals.satisfied) == (100, 200, 100)
    assert totals.on_time_rate == 0.5 and totals.satisfaction_rate == 0.5
    assert totals.a_rate == pytest.approx(1 / 3)
    first = bulletin.rows[0]  # 单位00 holds items 0, 30, ..., 390: 14 items
    assert first.unit_name == "单位00" and first.assigned == 14


def test_the_number_of_queries_does_not_grow_with_the_units(world, monkeypatch):
    at(monkeypatch, datetime.date(2026, 7, 3))
    counts = []
    with world.huaxi:
        for units, prefix in ((5, "甲"), (30, "乙")):
            _bulk_items(world, units, units * 4, prefix)
            with CaptureQueriesContext(connection) as queries:
                bulletin = bulletin_for(world.huaxi, **JUNE)
            # django-tenants sets the search_path first; the bulletin's own queries are the rest.
            counts.append(sum(not q["sql"].startswith("SET") for q in queries.captured_queries))
    assert len(bulletin.rows) == 35
    assert counts[0] == counts[1] == 2


# -- page, exports, publishing -----------------------------------------------------------------------------


def test_page_xlsx_and_pdf_of_four_hundred_items(world, monkeypatch, client_for):
    at(monkeypatch, datetime.date(2026, 7, 3))
    with world.huaxi:
        _bulk_items(world, 30, 400)
    office = client_for("zhang", "huaxi")
    page = office.get("/suggestions/bulletin/", JUNE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 2 and "单位29" in html and "按期答复率" in html
    workbook = openpyxl.load_workbook(io.BytesIO(office.get("/suggestions/bulletin/xlsx/", JUNE).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 30 + 1
    assert rows[-1][:5] == ("合计", 400, 300, 200, 100)
    pdf = office.get("/suggestions/bulletin/pdf/", JUNE)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1024
    assert b"STSong-Light" in pdf.content


def _publications() -> int:
    return BulletinPublication.objects.count()


@pytest.mark.parametrize("persona", ["zhang", "li"])
def test_the_office_sees_exports_and_publishes(world, client_for, persona):
    client = client_for(persona, "huaxi")
    for path in ("", "xlsx/", "pdf/"):
        assert client.get(f"/suggestions/bulletin/{path}", JUNE).status_code == 200
    assert client.post("/suggestions/bulletin/publish/", JUNE).status_code == 302
    with world.huaxi:
        publication = BulletinPublication.objects.get()
    assert (publication.year, publication.month, publication.published_by) == (2026, 6, world.users[persona])


@pytest.mark.parametrize("persona", [*MEMBERS_NOT_OFFICE, "wu", "ma", None])
def test_others_are_refused_before_publication_and_nothing_changes(world, client_for, persona):
    client = client_for(persona, "huaxi")
    member = persona in MEMBERS_NOT_OFFICE
    expected = 404 if member else 403 if persona else 302  # unpublished; not a member; sign in first
    for path in ("", "xlsx/", "pdf/"):
        assert client.get(f"/suggestions/bulletin/{path}", JUNE).status_code == expected
    assert client.post("/suggestions/bulletin/publish/", JUNE).status_code in (403, 302)
    with world.huaxi:
        assert _publications() == 0


def test_once_published_every_member_sees_the_snapshot(world, client_for, monkeypatch):
    at(monkeypatch, datetime.date(2026, 7, 3))
    with world.huaxi:
        _bulk_items(world, 3, 12)
    assert client_for("zhang", "huaxi").post("/suggestions/bulletin/publish/", JUNE).status_code == 302
    with world.huaxi:
        _bulk_items(world, 1, 4, "后来")  # after publication: the office sees it, members see the snapshot
    assert "后来00" in client_for("zhang", "huaxi").get("/suggestions/bulletin/", JUNE).content.decode()
    for persona in MEMBERS_NOT_OFFICE:
        page = client_for(persona, "huaxi").get("/suggestions/bulletin/", JUNE)
        assert page.status_code == 200 and "<svg" in page.content.decode()
        assert "单位02" in page.content.decode() and "后来00" not in page.content.decode()
        assert client_for(persona, "huaxi").post("/suggestions/bulletin/publish/", JUNE).status_code == 403
    assert client_for("wu", "huaxi").get("/suggestions/bulletin/", JUNE).status_code == 403
    with world.huaxi:
        assert _publications() == 1


def test_the_api(world, api_for, monkeypatch):
    at(monkeypatch, datetime.date(2026, 7, 3))
    with world.huaxi:
        _bulk_items(world, 2, 8)
    url = "/api/v1/suggestions/bulletin/"
    office = api_for("zhang", "huaxi").get(url, JUNE)
    assert office.status_code == 200
    assert office.json()["totals"]["assigned"] == 8 and office.json()["published_at"] is None
    assert api_for("liu", "huaxi").get(url, JUNE).status_code == 404
    assert api_for("liu", "huaxi").post(url, JUNE, format="json").status_code == 403
    assert api_for("wu", "huaxi").get(url, JUNE).status_code == 403
    assert api_for(None, "huaxi").get(url, JUNE).status_code == 401
    assert api_for("zhang", "huaxi").get(url, {"year": 2026, "month": 13}).status_code == 400
    with world.huaxi:
        assert _publications() == 0
    assert api_for("li", "huaxi").post(url, JUNE, format="json").status_code == 201
    unit = api_for("liu", "huaxi").get(url, JUNE).json()
    assert unit["totals"]["overdue"] == 2 and unit["published_at"] is not None
