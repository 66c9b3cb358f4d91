"""B/C commitments (issue 4, RULES.md "follow-up of B/C answers"): a reply in a commitment category opens the lead
unit's commitment; the unit reports progress, the office confirms it solved; an open commitment is carried into
the following years' lists until then. Who may see and do what, on the services, the pages and the API."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from console.services import congress_configure
from tenant_apps.suggestions import commitments as commits
from tenant_apps.suggestions import key_items
from tenant_apps.suggestions.models import Commitment, CommitmentUpdate, Status, SuggestionEvent
from tests.support.suggestions import at

# World.drive(ASSIGNED): the education bureau (Liu) leads, the court (Kong) joins; Hu staffs an unrelated unit.
PROMISE = "2026年底前新建停车场一处。"


@pytest.fixture(autouse=True)
def _march(monkeypatch):
    at(monkeypatch, datetime.date(2026, 3, 10))


def replied(world, category: str = "B", **data):
    """A new item replied by the lead unit in `category` (the caller is in the schema)."""
    item = world.drive(Status.ASSIGNED)
    return world.act(item, "liu", "reply", result_category=category, **data)


def state() -> tuple:
    return (
        list(Commitment.objects.order_by("pk").values()),
        list(CommitmentUpdate.objects.order_by("pk").values_list("commitment_id", "text", "solved")),
        SuggestionEvent.objects.count(),
    )


def refused(call, exc=PermissionDenied):
    before = state()
    with pytest.raises(exc) as caught:
        call()
    assert state() == before
    return caught.value


def act(world, service, persona: str, commitment, text: str = "已完成选址。"):
    return service(access=world.as_(persona), commitment=commitment, text=text)


def as_user(make, world, persona: str, subdomain: str = "huaxi"):
    client = make(None, subdomain)
    client.force_login(world.users[persona])
    return client


# -- created with the reply --------------------------------------------------------------------------------


def test_a_b_reply_opens_the_lead_units_commitment(world):
    with world.huaxi:
        item = replied(world, "B", commitment_text=PROMISE)
        (commitment,) = Commitment.objects.filter(suggestion=item)
        assert (commitment.unit_id, commitment.result_category, commitment.text) == (world.bureau.pk, "B", PROMISE)
        assert (commitment.year, commitment.reply_round, commitment.status) == (2026, 1, "open")
        # Without a separate commitment text, the reply's public text is what was promised.
        other = replied(world, "C")
        assert Commitment.objects.get(suggestion=other).text == "已增设停车场和接驳车。"


@pytest.mark.parametrize("category", ["A", "D"])
def test_other_replies_open_none(world, category):
    with world.huaxi:
        item = replied(world, category, commitment_text=PROMISE)
        assert not Commitment.objects.filter(suggestion=item).exists()


def test_the_congress_chooses_which_categories_are_commitments(world):
    huaxi = world.huaxi
    preferences = {
        **huaxi.preferences,
        "categories.commitment": [["C", "因目前条件限制需待以后解决"], ["D", "留作参考"]],
    }
    congress_configure(
        access=world.as_("li"), congress=huaxi, modules=list(huaxi.enabled_modules), preferences=preferences
    )
    huaxi.refresh_from_db()
    with huaxi:
        assert not Commitment.objects.filter(suggestion=replied(world, "B")).exists()
        assert Commitment.objects.filter(suggestion=replied(world, "D"), result_category="D").exists()


def test_a_re_handling_reply_settles_the_earlier_promise(world):
    """Re-handled to A (solved), the B promise is solved, not left 跟踪中; a later C reply opens its own."""
    with world.huaxi:
        item = replied(world, "B", commitment_text=PROMISE)
        item = world.act(item, "yang", "evaluate", result="unsatisfied")
        assert item.status == Status.REHANDLING
        world.act(item, "liu", "reply", result_category="A")
        rows = list(Commitment.objects.filter(suggestion=item).values_list("reply_round", "status"))
        assert rows == [(1, "solved")] and Commitment.objects.get(suggestion=item).solved_at is not None
        item = world.act(item, "yang", "evaluate", result="unsatisfied")
        world.act(item, "liu", "reply", result_category="C", commitment_text="明年列入预算。")
        rows = list(Commitment.objects.filter(suggestion=item).values_list("reply_round", "result_category", "status"))
        assert rows == [(1, "B", "solved"), (3, "C", "open")]


def test_a_re_handling_reply_with_a_new_promise_supersedes_the_old_one(world):
    with world.huaxi:
        item = world.act(replied(world, "B", commitment_text=PROMISE), "yang", "evaluate", result="unsatisfied")
        world.act(item, "liu", "reply", result_category="C", commitment_text="明年列入预算。")
        rows = list(Commitment.objects.filter(suggestion=item).values_list("reply_round", "status"))
        assert rows == [(1, "superseded"), (2, "open")]


# -- carried into the next year ---------------------------------------------------------------------------------


def _listed(world, persona: str, year: int, **filters) -> list[tuple]:
    return [(c.suggestion_id, c.carried_over) for c in commits.commitment_list(world.as_(persona), year, **filters)]


def test_open_commitments_are_carried_into_the_next_years(world, monkeypatch):
    with world.huaxi:
        at(monkeypatch, datetime.date(2025, 11, 10))
        old_open, old_solved = replied(world, "B"), replied(world, "C")
        act(world, commits.commitment_solve, "zhang", Commitment.objects.get(suggestion=old_solved))
        at(monkeypatch, datetime.date(2026, 3, 2))
        new = replied(world, "B")
        assert Commitment.objects.get(suggestion=new).year == 2026
        assert _listed(world, "zhang", 2026) == [(old_open.pk, True), (new.pk, False)]
        assert _listed(world, "zhang", 2025) == [(old_open.pk, False), (old_solved.pk, False)]
        assert _listed(world, "zhang", 2026, status="solved") == []
        # Solved during 2026, the carried-over commitment stays on 2026's list, and leaves the next year's.
        at(monkeypatch, datetime.date(2026, 6, 1))
        act(world, commits.commitment_solve, "li", Commitment.objects.get(suggestion=old_open))
        assert _listed(world, "zhang", 2026, status="solved") == [(old_open.pk, True)]
        at(monkeypatch, datetime.date(2027, 1, 5))
        assert _listed(world, "zhang", 2027) == [(new.pk, True)]


# -- progress, solving, reopening ------------------------------------------------------------------------------


def test_the_unit_reports_progress_and_the_office_confirms(world):
    with world.huaxi:
        item = replied(world, "B", commitment_text=PROMISE)
        commitment = Commitment.objects.get(suggestion=item)
        update = act(world, commits.commitment_update, "liu", commitment, "已完成选址。")
        assert (update.solved, update.created_by) == (False, world.users["liu"])
        solved = act(world, commits.commitment_solve, "zhang", commitment, "停车场已建成投用。")
        commitment.refresh_from_db()
        assert solved.solved and commitment.status == "solved" and commitment.solved_at is not None
        act(world, commits.commitment_reopen, "li", commitment, "实地察看发现尚未投用。")
        commitment.refresh_from_db()
        assert (commitment.status, commitment.solved_at) == ("open", None)
        events = SuggestionEvent.objects.filter(suggestion=item, action__startswith="commitment")
        assert [(e.action, e.to_status, e.data["commitment"]) for e in events] == [
            ("commitment_update", "replied", commitment.pk),
            ("commitment_solved", "replied", commitment.pk),
            ("commitment_reopened", "replied", commitment.pk),
        ]
        assert item.status == Status.REPLIED  # the item itself does not move


@pytest.mark.parametrize("persona", ["kong", "hu", "zhang", "li", "yang", "zhao"])
def test_only_the_units_staff_report_progress(world, persona):
    with world.huaxi:
        commitment = Commitment.objects.get(suggestion=replied(world))
        refused(lambda: act(world, commits.commitment_update, persona, commitment))


@pytest.mark.parametrize("persona", ["liu", "kong", "hu", "yang", "zhao", "chen"])
def test_only_the_office_solves_and_reopens(world, persona):
    with world.huaxi:
        commitment = Commitment.objects.get(suggestion=replied(world))
        refused(lambda: act(world, commits.commitment_solve, persona, commitment))
        act(world, commits.commitment_solve, "zhang", commitment)
        refused(lambda: act(world, commits.commitment_reopen, persona, commitment))


def test_bad_input_and_wrong_states_change_nothing(world):
    with world.huaxi:
        commitment = Commitment.objects.get(suggestion=replied(world))
        for service, persona in ((commits.commitment_update, "liu"), (commits.commitment_solve, "zhang")):
            for text in ("", "   ", "字" * 4001):
                error = refused(lambda s=service, p=persona, t=text: act(world, s, p, commitment, t), ValidationError)
                assert "text" in error.message_dict
        error = refused(lambda: act(world, commits.commitment_reopen, "zhang", commitment), ValidationError)
        assert "status" in error.message_dict
        act(world, commits.commitment_solve, "zhang", commitment)
        for service, persona in ((commits.commitment_update, "liu"), (commits.commitment_solve, "zhang")):
            error = refused(lambda s=service, p=persona: act(world, s, p, commitment), ValidationError)
            assert "status" in error.message_dict


# -- who sees which commitments ----------------------------------------------------------------------------------


def test_each_caller_sees_their_share(world):
    with world.huaxi:
        item = replied(world)
        court_led = world.drive(Status.ACCEPTED)
        court_led = world.act(court_led, "zhang", "assign", units=[{"unit": world.court.pk, "role": "lead"}])
        court_led = world.act(court_led, "kong", "reply", result_category="C")
        seen = {p: [c.suggestion_id for c in commits.commitment_list(world.as_(p), 2026)] for p in world.users}
    assert seen["zhang"] == seen["li"] == [item.pk, court_led.pk]
    assert seen["liu"] == [item.pk] and seen["kong"] == [court_led.pk]
    assert seen["yang"] == [item.pk, court_led.pk]  # Yang leads both
    for persona in ("hu", "chen", "sun", "zhao", "ma", "zhou", "wu", "wang"):
        assert seen[persona] == [], persona


def test_committee_members_see_the_commitments_of_their_key_items(world):
    with world.huaxi:
        committee = key_items.committee_create(access=world.as_("li"), name="财政经济委员会")
        key_items.committee_member_add(access=world.as_("li"), committee=committee, email="chen@example.org")
        item = replied(world)
        assert list(commits.commitment_list(world.as_("chen"), 2026)) == []
        key_items.suggestion_mark_key(
            access=world.as_("zhang"), suggestion=item, committee_id=committee.pk, decided_on="2026-03-02"
        )
        assert [c.suggestion_id for c in commits.commitment_list(world.as_("chen"), 2026)] == [item.pk]


# -- pages ------------------------------------------------------------------------------------------------------


def test_the_pages(world, client_for):
    with world.huaxi:
        item = replied(world, "B", commitment_text=PROMISE)
        commitment = Commitment.objects.get(suggestion=item)
    liu, zhang = as_user(client_for, world, "liu"), client_for("zhang", "huaxi")
    page = liu.get("/suggestions/commitments/").content.decode()
    assert PROMISE in page and f"/suggestions/commitments/{commitment.pk}/update/" in page
    assert f"/suggestions/commitments/{commitment.pk}/solve/" not in page
    here = "/suggestions/commitments/?year=2026"
    response = liu.post(f"/suggestions/commitments/{commitment.pk}/update/", {"text": "已选址", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    detail = zhang.get(f"/suggestions/{item.pk}/").content.decode()
    assert "已选址" in detail and f"/suggestions/commitments/{commitment.pk}/solve/" in detail
    # The unit cannot confirm; a foreign `next` is not followed.
    response = liu.post(f"/suggestions/commitments/{commitment.pk}/solve/", {"text": "完成", "next": "https://evil/"})
    assert response.status_code == 302 and response["Location"] == here
    with world.huaxi:
        assert Commitment.objects.get(pk=commitment.pk).status == "open"
    zhang.post(f"/suggestions/commitments/{commitment.pk}/solve/", {"text": "已建成"})
    with world.huaxi:
        assert Commitment.objects.get(pk=commitment.pk).status == "solved"
    assert "已建成" in zhang.get("/suggestions/commitments/?status=solved").content.decode()
    assert PROMISE not in zhang.get("/suggestions/commitments/?status=open").content.decode()
    bad = zhang.get("/suggestions/commitments/?year=abc")
    assert bad.status_code == 200 and "年份" in bad.content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(zhang.get("/suggestions/commitments/xlsx/?year=2026").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == 2026 and rows[1][6] == PROMISE and rows[1][9] == "已建成"
    with world.huaxi:
        before = state()
    assert as_user(client_for, world, "hu").post(f"/suggestions/commitments/{commitment.pk}/reopen/").status_code == 404
    assert liu.post(f"/suggestions/commitments/{commitment.pk}/reopen/", {"text": "x"}).status_code == 302
    with world.huaxi:
        assert state() == before


@pytest.mark.parametrize("persona", ["sun", "chen", "ma", "zhou", "wu", None])
def test_the_pages_refuse_everyone_else(world, client_for, persona):
    with world.huaxi:
        commitment = Commitment.objects.get(suggestion=replied(world))
        before = state()
    client = client_for(persona, "huaxi")
    expected = 302 if persona is None else 403
    assert client.get("/suggestions/commitments/").status_code == expected
    assert client.get("/suggestions/commitments/xlsx/").status_code == expected
    for action in ("update", "solve", "reopen"):
        assert client.post(f"/suggestions/commitments/{commitment.pk}/{action}/", {"text": "x"}).status_code == expected
    with world.huaxi:
        assert state() == before


# -- the API ------------------------------------------------------------------------------------------------------


def test_the_api(world, api_for, monkeypatch):
    with world.huaxi:
        at(monkeypatch, datetime.date(2025, 11, 10))
        item = replied(world, "B", commitment_text=PROMISE)
        commitment = Commitment.objects.get(suggestion=item)
        at(monkeypatch, datetime.date(2026, 3, 10))
    url = "/api/v1/suggestions/commitments/"
    zhang, liu = api_for("zhang", "huaxi"), as_user(api_for, world, "liu")
    (row,) = zhang.get(url).json()
    assert (row["id"], row["year"], row["carried_over"], row["unit_name"]) == (
        commitment.pk,
        2025,
        True,
        "花溪区教育局",
    )
    assert zhang.get(url, {"year": 2025}).json()[0]["carried_over"] is False
    assert zhang.get(url, {"year": 2024}).json() == []
    assert zhang.get(url, {"year": "abc"}).status_code == 400
    assert zhang.get(url, {"status": "lost"}).status_code == 400
    assert zhang.get(url, {"unit": world.farm.pk}).json() == []
    posted = liu.post(f"{url}{commitment.pk}/updates/", {"text": "已选址"}, format="json")
    assert posted.status_code == 201 and posted.json()["solved"] is False
    assert liu.post(f"{url}{commitment.pk}/updates/", {"text": ""}, format="json").status_code == 400
    assert liu.post(f"{url}{commitment.pk}/solve/", {"text": "完成"}, format="json").status_code == 403
    assert zhang.post(f"{url}{commitment.pk}/updates/", {"text": "代报"}, format="json").status_code == 403
    assert as_user(api_for, world, "hu").post(f"{url}{commitment.pk}/updates/", {"text": "x"}).status_code == 404
    assert zhang.post(f"{url}{commitment.pk}/solve/", {"text": "已建成"}, format="json").json()["solved"] is True
    assert zhang.post(f"{url}{commitment.pk}/solve/", {"text": "再次"}, format="json").json()["status"]
    assert zhang.post(f"{url}{commitment.pk}/reopen/", {"text": "未投用"}, format="json").status_code == 201
    (row,) = liu.get(url).json()
    assert row["status"] == "open" and [u["text"] for u in row["updates"]] == ["已选址", "已建成", "未投用"]


@pytest.mark.parametrize("persona", ["sun", "ma", "zhou", "wu", None])
def test_the_api_refuses_everyone_else(world, api_for, persona):
    with world.huaxi:
        commitment = Commitment.objects.get(suggestion=replied(world))
        before = state()
    client = api_for(persona, "huaxi")
    expected = 401 if persona is None else 403
    url = "/api/v1/suggestions/commitments/"
    assert client.get(url).status_code == expected
    for action in ("updates", "solve", "reopen"):
        assert client.post(f"{url}{commitment.pk}/{action}/", {"text": "x"}, format="json").status_code == expected
    with world.huaxi:
        assert state() == before
