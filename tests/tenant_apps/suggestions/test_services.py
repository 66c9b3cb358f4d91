"""Handling of an assigned item (issue 4 item 4): contacts with the deputies and the face-to-face meeting (面商),
joint units' opinions within their window, and the one extension of the reply deadline (代表法 Art. 51)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shared_apps.workdays import services as workdays
from tenant_apps.suggestions import services
from tenant_apps.suggestions.models import Contact, Extension, Status, SuggestionEvent
from tests.support.suggestions import World, at, everything

# Built by World.drive(ASSIGNED): the education bureau (Liu) leads, the court (Kong) joins; Hu staffs a unit the
# item is not assigned to; Zhang is office staff, Li the congress's administrator, Yang the lead deputy.
MEETING = {"kind": "meeting", "happened_on": "2026-02-20", "form": "座谈", "summary": "与杨代表当面商量方案。"}


def log_contact(world: World, item, persona: str, **data):
    return services.contact_log(access=world.as_(persona), suggestion=item, data={**MEETING, **data})


def submit_opinion(world: World, item, persona: str, text: str = "同意主办单位的方案。"):
    return services.joint_opinion_submit(access=world.as_(persona), suggestion=item, text=text)


def request_extension(world: World, item, persona: str, months=2, reason: str = "需协调多个部门。"):
    return services.extension_request(access=world.as_(persona), suggestion=item, months=months, reason=reason)


def decide(world: World, item, persona: str, approved=True):
    return services.extension_decide(access=world.as_(persona), suggestion=item, approved=approved)


@pytest.fixture(autouse=True)
def _february(monkeypatch):
    # Assigned Wednesday 11 February 2026 unless a test moves the clock.
    at(monkeypatch, datetime.date(2026, 2, 25))


def _refused(world, item, call, exc=PermissionDenied):
    before = everything(item.pk)
    with pytest.raises(exc) as refused:
        call()
    assert everything(item.pk) == before
    return refused


# -- contacts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["liu", "kong"])
def test_staff_of_an_assigned_unit_log_contacts(world, persona):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        contact = log_contact(world, item, persona)
        assert contact.unit_id == (world.bureau if persona == "liu" else world.court).pk
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert (event.action, event.data["kind"]) == ("contact_log", "meeting")


@pytest.mark.parametrize("persona", ["hu", "zhang", "li", "yang", "zhao", "sun"])
def test_contacts_are_refused_to_everyone_else(world, persona):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        _refused(world, item, lambda: log_contact(world, item, persona))


@pytest.mark.parametrize(
    ("status", "data", "field"),
    [
        (Status.REPLIED, {}, "status"),
        (Status.ACCEPTED, {}, None),  # not assigned: no unit staffs it yet
        (Status.ASSIGNED, {"form": ""}, "form"),  # a meeting needs its form
        (Status.ASSIGNED, {"kind": "letter"}, "kind"),
        (Status.ASSIGNED, {"happened_on": "2026-03-01"}, "happened_on"),  # in the future
        (Status.ASSIGNED, {"summary": " "}, "summary"),
    ],
)
def test_invalid_contacts_change_nothing(world, status, data, field):
    with world.huaxi:
        item = world.drive(status)
        refused = _refused(
            world,
            item,
            lambda: log_contact(world, item, "liu", **data),
            PermissionDenied if field is None else ValidationError,
        )
        if field:
            assert field in refused.value.message_dict


def test_a_phone_call_needs_no_form(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        assert log_contact(world, item, "liu", kind="phone", form="").kind == "phone"


# -- joint opinions -------------------------------------------------------------------------------------


def test_only_a_joint_unit_sends_an_opinion_and_only_once(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        for persona in ("liu", "hu", "zhang", "yang"):  # the lead unit is not a joint unit
            _refused(world, item, lambda persona=persona: submit_opinion(world, item, persona))
        opinion = submit_opinion(world, item, "kong")
        assert (opinion.unit_id, opinion.is_late, opinion.due) == (world.court.pk, False, datetime.date(2026, 3, 25))
        refused = _refused(world, item, lambda: submit_opinion(world, item, "kong", "再补充一点。"), ValidationError)
        assert "unit" in refused.value.message_dict
        _refused(world, item, lambda: submit_opinion(world, item, "kong", ""), ValidationError)


def test_a_late_joint_opinion_is_accepted_and_flagged(world, monkeypatch):
    at(monkeypatch, datetime.date(2026, 2, 11))
    with world.huaxi:
        on_time, late = world.drive(Status.ASSIGNED), world.drive(Status.ASSIGNED)
    # deadline.joint_opinion_months (1) after 11 February: Wednesday 11 March, a working day.
    at(monkeypatch, datetime.date(2026, 3, 11))
    with world.huaxi:
        assert submit_opinion(world, on_time, "kong").is_late is False
    at(monkeypatch, datetime.date(2026, 3, 12))
    with world.huaxi:
        opinion = submit_opinion(world, late, "kong")
        assert opinion.is_late is True
        assert SuggestionEvent.objects.filter(suggestion=late).latest("id").data["is_late"] is True


def test_a_joint_opinion_after_the_reply_is_refused(world):
    with world.huaxi:
        item = world.drive(Status.REPLIED)
        _refused(world, item, lambda: submit_opinion(world, item, "kong"), ValidationError)


# -- the extension --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["kong", "hu", "zhang", "yang", "zhao"])
def test_only_the_lead_unit_requests_an_extension(world, persona):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        _refused(world, item, lambda: request_extension(world, item, persona))


@pytest.mark.parametrize(("months", "field"), [(0, "months"), (4, "months"), ("x", "months"), (2, "reason")])
def test_an_extension_within_the_setting_and_with_a_reason(world, months, field):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        reason = "" if field == "reason" else "需协调多个部门。"
        refused = _refused(world, item, lambda: request_extension(world, item, "liu", months, reason), ValidationError)
        assert field in refused.value.message_dict


def test_one_extension_per_item_even_after_a_refusal(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        request_extension(world, item, "liu")
        _refused(world, item, lambda: request_extension(world, item, "liu"), ValidationError)
        due = item.reply_due
        extension = decide(world, item, "zhang", approved=False)
        assert extension.approved is False and extension.reply_due_after == due
        item.refresh_from_db()
        assert item.reply_due == due
        _refused(world, item, lambda: request_extension(world, item, "liu", 1), ValidationError)
        _refused(world, item, lambda: decide(world, item, "zhang"), ValidationError)  # already decided


@pytest.mark.parametrize("persona", ["liu", "kong", "yang", "hu", "zhao"])
def test_only_the_office_decides_an_extension(world, persona):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        request_extension(world, item, "liu")
        _refused(world, item, lambda: decide(world, item, persona))


def test_a_decision_needs_a_pending_request(world):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        _refused(world, item, lambda: decide(world, item, "li"), ValidationError)


def test_an_approved_extension_moves_reply_due_off_a_holiday(world, monkeypatch):
    # Assigned 11 February 2026: reply due Monday 11 May. Three more months end on Tuesday 11 August, made a
    # holiday here, so the new deadline is Wednesday 12 August.
    workdays.calendar_day_set(
        access=world.as_("li"),
        congress_or_none=world.huaxi,
        date=datetime.date(2026, 8, 11),
        kind="holiday",
        name="测试",
    )
    at(monkeypatch, datetime.date(2026, 2, 11))
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        assert item.reply_due == datetime.date(2026, 5, 11)
        request_extension(world, item, "liu", months=3)
        extension = decide(world, item, "li")
        item.refresh_from_db()
        assert item.reply_due == datetime.date(2026, 8, 12) == extension.reply_due_after
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert event.data == {
            "approved": True,
            "months": 3,
            "reply_due_before": "2026-05-11",
            "reply_due_after": "2026-08-12",
        }


# -- the meeting before the reply -----------------------------------------------------------------------


def test_a_reply_without_a_meeting_is_warned_not_refused(world, api_for):
    with world.huaxi:
        item = world.drive(Status.REPLIED)
        assert SuggestionEvent.objects.filter(suggestion=item, action="reply").get().data["meeting_held"] is False
        met = world.drive(Status.ASSIGNED)
        log_contact(world, met, "liu")
        met = world.act(met, "liu", "reply")
        assert SuggestionEvent.objects.filter(suggestion=met, action="reply").get().data["meeting_held"] is True
    office = api_for("zhang", "huaxi")
    unmet = office.get(f"/api/v1/suggestions/{item.pk}/").json()
    assert unmet["meeting_held"] is False and unmet["warnings"]
    assert office.get(f"/api/v1/suggestions/{met.pk}/").json()["warnings"] == []


# -- the API and the pages ------------------------------------------------------------------------------


def test_handling_through_the_api(world, api_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    url = f"/api/v1/suggestions/{item.pk}/"

    def post(persona, path, data, status_code):
        response = api_for(persona, "huaxi").post(url + path, data, format="json")
        assert response.status_code == status_code, response.content
        return response.json()

    def as_user(persona):
        client = api_for(None, "huaxi")
        client.force_login(world.users[persona])
        return client

    assert post("yang", "contacts/", MEETING, 403)
    kong = as_user("kong")
    assert kong.post(url + "joint-opinions/", {"text": "同意。"}, format="json").status_code == 201
    assert as_user("hu").post(url + "contacts/", MEETING, format="json").status_code == 404  # cannot see it
    body = post("liu", "contacts/", MEETING, 201)
    assert body["meeting_held"] is True and body["contacts"][0]["form"] == "座谈"
    assert post("liu", "contacts/", {**MEETING, "form": ""}, 400)["form"]
    post("zhang", "extension/", {"months": 2, "reason": "复杂"}, 403)
    assert post("liu", "extension/", {"months": 2, "reason": "复杂"}, 201)["extension"]["approved"] is None
    post("liu", "extension/decision/", {"approved": True}, 403)
    decided = post("zhang", "extension/decision/", {"approved": True}, 200)
    assert decided["extension"]["approved"] is True and decided["reply_due"] == decided["extension"]["reply_due_after"]
    yang = api_for("yang", "huaxi").get(url).json()
    assert [o["unit"] for o in yang["joint_opinions"]] == [world.court.pk] and yang["extension"]["months"] == 2
    # Delegation staff who drafted an item see it, but not how it is handled.
    with world.huaxi:
        drafted = services.suggestion_draft_create(
            access=world.as_("zhao"), data={"title": "代拟", "body": "……"}, lead_deputy_id=item.lead_deputy_id
        )
        drafted = world.act(drafted, "zhao", "submit")
        drafted = world.act(world.act(drafted, "zhang", "accept"), "zhang", "assign")
        log_contact(world, drafted, "liu")
    seen = api_for("zhao", "huaxi").get(f"/api/v1/suggestions/{drafted.pk}/").json()
    assert seen["status"] == "assigned" and seen["contacts"] is None and seen["extension"] is None


def test_the_page_shows_the_forms_and_applies_them(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    page = client_for("liu", "huaxi").get(f"/suggestions/{item.pk}/").content.decode()
    assert f"/suggestions/{item.pk}/contacts/" in page and f"/suggestions/{item.pk}/extension/" in page
    assert f"/suggestions/{item.pk}/joint-opinion/" not in page  # the lead unit
    response = client_for("liu", "huaxi").post(f"/suggestions/{item.pk}/contacts/", MEETING)
    assert response.status_code == 302
    client_for("liu", "huaxi").post(f"/suggestions/{item.pk}/extension/", {"months": "1", "reason": "复杂"})
    office = client_for("zhang", "huaxi").get(f"/suggestions/{item.pk}/").content.decode()
    assert "座谈" in office and f"/suggestions/{item.pk}/extension/decision/" in office
    client_for("zhang", "huaxi").post(f"/suggestions/{item.pk}/extension/decision/", {"approved": "no"})
    with world.huaxi:
        assert Contact.objects.filter(suggestion=item).count() == 1
        assert Extension.objects.get(suggestion=item).approved is False
