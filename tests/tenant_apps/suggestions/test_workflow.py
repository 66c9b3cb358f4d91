"""Motions and suggestions (issue 4): the whole (status × action) grid, the persona checks of every action,
deadlines on the working-day calendar, and the life cycle from draft to closed through the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.workdays import services as workdays
from tenant_apps.suggestions import services
from tenant_apps.suggestions.models import Assignment, Status, Suggestion, SuggestionEvent
from tenant_apps.suggestions.workflow import TRANSITIONS, allowed_actions
from tests.support.suggestions import ALLOWED, LETTER, at, snapshot

OFFICE_ACTIONS = ("accept", "return", "convert_to_suggestion", "merge", "assign", "close")

# kong staffs the joint unit, hu a unit the item is not assigned to.
WRONG = {
    "submit": ["zhang", "liu", "sun", "chen"],
    "withdraw": ["zhang", "zhao", "liu"],
    **{action: ["yang", "liu", "zhao", "sun", "chen"] for action in OFFICE_ACTIONS},
    "return_misassigned": ["zhang", "yang", "hu"],
    "reply": ["zhang", "yang", "kong", "hu"],
    "evaluate": ["zhang", "liu", "zhao", "kong"],
}


# -- the grid ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", Status.values)
def test_every_action_from_every_status(world, request, status, action):
    """Each action succeeds exactly from its source statuses; from any other nothing changes."""
    kind = "motion" if action == "convert_to_suggestion" else "suggestion"
    cosigners = request.getfixturevalue("signers") if kind == "motion" else ()
    transition, persona = TRANSITIONS[action], ALLOWED[action]
    with world.huaxi:
        item = world.drive(status, kind=kind, signers=cosigners)
        if action == "reply":
            world.letter(item)  # uploaded before: the reply is one event
        before = snapshot(item.pk)
        shown = action in allowed_actions(world.as_(persona), item)
        if status in transition.sources:
            assert shown
            after = world.act(item, persona, action)
            assert after.status in transition.targets
            event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
            assert (event.action, event.from_status, event.to_status) == (action, status, after.status)
            assert snapshot(item.pk)[1] == before[1] + 1
        else:
            assert not shown
            with pytest.raises(ValidationError) as refused:
                world.act(item, persona, action)
            assert "status" in refused.value.message_dict
            assert snapshot(item.pk) == before


@pytest.mark.parametrize(
    ("action", "persona"), [(action, persona) for action, personas in WRONG.items() for persona in personas]
)
def test_each_action_refuses_the_wrong_persona(world, request, action, persona):
    kind = "motion" if action == "convert_to_suggestion" else "suggestion"
    cosigners = request.getfixturevalue("signers") if kind == "motion" else ()
    source = sorted(TRANSITIONS[action].sources)[0]
    with world.huaxi:
        item = world.drive(source, kind=kind, signers=cosigners)
        before = snapshot(item.pk)
        assert action not in allowed_actions(world.as_(persona), item)
        with pytest.raises(PermissionDenied):
            world.act(item, persona, action)
        assert snapshot(item.pk) == before


def test_delegation_staff_may_submit_on_the_deputys_behalf(world):
    with world.huaxi:
        item = world.act(world.draft(), "zhao", "submit")
        assert item.status == Status.SUBMITTED and item.number is not None


# -- rules inside the actions ----------------------------------------------------------------------------


def test_a_motion_needs_ten_deputies_at_county_tier(world, signers):
    with world.huaxi:
        item = world.drive(Status.DRAFT, kind="motion", signers=signers[:8])  # Yang and 8: nine deputies
        before = snapshot(item.pk)
        with pytest.raises(ValidationError) as refused:
            world.act(item, "yang", "submit")
        assert "cosigners" in refused.value.message_dict
        assert snapshot(item.pk) == before
        last = signers[8]
        services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=last.pk)
        before = snapshot(item.pk)
        with pytest.raises(ValidationError):  # named but not yet confirmed: still nine
            world.act(item, "yang", "submit")
        assert snapshot(item.pk) == before
        services.cosigner_confirm(
            access=Access(user=last.user, congress=world.huaxi, roles=roles_for(last.user, world.huaxi)),
            suggestion=item,
        )
        assert world.act(item, "yang", "submit").status == Status.SUBMITTED


def test_a_joint_item_is_withdrawn_only_with_every_cosigners_agreement(world, signers):
    with world.huaxi:
        item = world.drive(Status.SUBMITTED, signers=signers[:2])
        before = snapshot(item.pk)
        with pytest.raises(ValidationError) as refused:
            world.act(item, "yang", "withdraw", all_cosigners_agree=False)
        assert "all_cosigners_agree" in refused.value.message_dict
        assert snapshot(item.pk) == before
        assert world.act(item, "yang", "withdraw").status == Status.WITHDRAWN
        assert SuggestionEvent.objects.filter(suggestion=item).latest("id").data["all_cosigners_agree"] is True


@pytest.mark.parametrize(
    ("action", "status", "data", "field"),
    [
        ("return", Status.SUBMITTED, {"note": " "}, "note"),
        ("return_misassigned", Status.ASSIGNED, {"note": ""}, "note"),
        ("assign", Status.ACCEPTED, {"units": [{"unit": 0, "role": "joint"}]}, "units"),
        ("assign", Status.ACCEPTED, {"units": []}, "units"),
        ("reply", Status.ASSIGNED, {"result_category": "Z"}, "result_category"),
        ("reply", Status.ASSIGNED, {"reply_public_text": ""}, "reply_public_text"),
        ("evaluate", Status.REPLIED, {"result": "great"}, "result"),
        ("evaluate", Status.REPLIED, {"result": "unsatisfied", "reason": " "}, "reason"),
        ("evaluate", Status.REPLIED, {"attitude": "basically_satisfied", "reason": ""}, "reason"),
        ("evaluate", Status.REPLIED, {"result": "unsatisfied", "reason": "长" * 1001}, "reason"),
        ("merge", Status.SUBMITTED, {"into": 0}, "into"),
        ("convert_to_suggestion", Status.SUBMITTED, {}, "action"),  # a suggestion is not a motion
    ],
)
def test_invalid_input_changes_nothing(world, action, status, data, field):
    with world.huaxi:
        item = world.drive(status)
        if action == "reply":
            world.letter(item)
        before = snapshot(item.pk)
        with pytest.raises(ValidationError) as refused:
            world.act(item, ALLOWED[action], action, **data)
        assert field in refused.value.message_dict
        assert snapshot(item.pk) == before


def test_a_cosigners_evaluation_is_kept_and_the_lead_deputys_moves_the_item(world, signers):
    signer = signers[0]
    signer_access = Access(user=signer.user, congress=world.huaxi, roles=roles_for(signer.user, world.huaxi))
    with world.huaxi:
        item = world.drive(Status.REPLIED, signers=[signer])
        item = services.suggestion_transition(
            access=signer_access,
            suggestion=item,
            action="evaluate",
            attitude="satisfied",
            result="unsatisfied",
            reason="停车场仍未开放。",
        )
        assert item.status == Status.REPLIED
        item = world.act(item, "yang", "evaluate")  # satisfied, but a co-signer was not: re-handle
        assert item.status == Status.REHANDLING


def test_a_satisfied_evaluation_needs_no_reason_and_keeps_the_one_given(world):
    with world.huaxi:
        item = world.act(world.drive(Status.REPLIED), "yang", "evaluate", reason="")
        assert item.status == Status.CLOSED
        other = world.act(world.drive(Status.REPLIED), "yang", "evaluate", result="basically_satisfied")
        assert other.evaluations.get().reason == "答复还需补充落实时间。"
        event = SuggestionEvent.objects.filter(suggestion=other, action="evaluate").get()
        assert event.data["reason"] == "答复还需补充落实时间。"


def test_the_reply_needs_its_letter_where_the_congress_says_so(world):
    """reply.letter_required (on by default): refused without the letter, nothing changed; with it, replied."""
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        before = snapshot(item.pk)
        with pytest.raises(ValidationError) as refused:
            services.suggestion_transition(
                access=world.as_("liu"), suggestion=item, action="reply", **world.input_for("reply")
            )
        assert "reply_letter" in refused.value.message_dict and snapshot(item.pk) == before
        world.letter(item)
        replied = world.act(item, "liu", "reply")
        event = SuggestionEvent.objects.filter(suggestion=item, action="reply").get()
        assert replied.status == Status.REPLIED and event.data["reply_letter"] is True
        assert event.data["text"] == "已增设停车场和接驳车。"


def test_the_reply_needs_a_meeting_where_the_congress_says_so(world):
    """reply.meeting_required (off by default): refused until a 面商 is logged; the letter is still needed."""
    huaxi = world.huaxi
    saved = huaxi.preferences
    huaxi.preferences = {**saved, "reply.meeting_required": True, "reply.letter_required": False}
    try:
        with huaxi:
            item = world.drive(Status.ASSIGNED)
            before = snapshot(item.pk)
            with pytest.raises(ValidationError) as refused:
                services.suggestion_transition(
                    access=world.as_("liu"), suggestion=item, action="reply", **world.input_for("reply")
                )
            assert "meeting" in refused.value.message_dict and snapshot(item.pk) == before
            services.contact_log(
                access=world.as_("liu"),
                suggestion=item,
                data={"kind": "meeting", "happened_on": "2026-03-02", "form": "座谈", "summary": "当面沟通办理方案"},
            )
            replied = services.suggestion_transition(
                access=world.as_("liu"), suggestion=item, action="reply", **world.input_for("reply")
            )
            assert replied.status == Status.REPLIED
    finally:
        huaxi.preferences = saved


# -- deadlines on the calendar --------------------------------------------------------------------------


def test_reply_due_moves_off_a_holiday_to_the_next_working_day(world, monkeypatch):
    huaxi = world.huaxi
    # Assigned Wednesday 11 February 2026: three months later is Monday 11 May, made a holiday here.
    workdays.calendar_day_set(
        access=world.as_("li"), congress_or_none=huaxi, date=datetime.date(2026, 5, 11), kind="holiday", name="测试"
    )
    at(monkeypatch, datetime.date(2026, 2, 11))
    with huaxi:
        item = world.drive(Status.ASSIGNED)
    assert item.reply_due == datetime.date(2026, 5, 12)


def test_the_return_window_counts_a_make_up_working_saturday(world, monkeypatch):
    huaxi = world.huaxi
    # 7 working days after Wednesday 11 February 2026 end on Friday 20th, or on Thursday 19th when
    # Saturday 14th is a make-up working day.
    workdays.calendar_day_set(
        access=world.as_("li"), congress_or_none=huaxi, date=datetime.date(2026, 2, 14), kind="workday", name="调休"
    )
    at(monkeypatch, datetime.date(2026, 2, 11))
    with huaxi:
        late, in_time = world.drive(Status.ASSIGNED), world.drive(Status.ASSIGNED)
    at(monkeypatch, datetime.date(2026, 2, 20))
    with huaxi:
        before = snapshot(late.pk)
        with pytest.raises(ValidationError):
            world.act(late, "liu", "return_misassigned")
        assert snapshot(late.pk) == before
    at(monkeypatch, datetime.date(2026, 2, 19))
    with huaxi:
        assert world.act(in_time, "liu", "return_misassigned").status == Status.ACCEPTED
        assert not Assignment.objects.filter(suggestion=in_time).exists()


# -- the whole life cycle through the API ----------------------------------------------------------------


def test_from_draft_to_closed_through_the_api(world, signers, api_for, monkeypatch):
    at(monkeypatch, datetime.date(2026, 2, 11))
    yang = api_for("yang", "huaxi")
    created = yang.post(
        "/api/v1/suggestions/",
        {"kind": "motion", "title": "关于青岩古镇保护的议案", "body": "……", "category": "文化"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"/api/v1/suggestions/{pk}/"
    for deputy in signers:
        assert yang.post(url + "cosigners/", {"deputy": deputy.pk}, format="json").status_code == 201
        signer = api_for(None, "huaxi")
        signer.force_login(deputy.user)
        assert signer.post(url + "cosigners/confirm/").status_code == 200

    def client(persona):
        made = api_for(None, "huaxi")
        made.force_login(world.users[persona])
        return made

    def act(persona, action, status_code=200, **data):
        client_ = client(persona)
        response = client_.post(url + "transition/", {"action": action, **data}, format="json")
        assert response.status_code == status_code, response.content
        return response.json()

    act("zhang", "submit", 404)  # the office does not see another person's draft
    assert act("yang", "submit")["status"] == "submitted"
    act("yang", "accept", 403)
    assert act("zhang", "accept")["status"] == "accepted"
    units_input = world.input_for("assign")["units"]
    act("yang", "assign", 403, units=units_input)
    item = act("zhang", "assign", units=units_input)
    assert item["status"] == "assigned" and item["reply_due"] == "2026-05-11"
    assert {(a["unit"], a["role"]) for a in item["assignments"]} == {
        (world.bureau.pk, "lead"),
        (world.court.pk, "joint"),
    }
    assert "reply" in api_for("liu", "huaxi").get(url).json()["allowed_actions"]
    act("kong", "reply", 403, result_category="B", reply_public_text="……")  # the joint unit does not reply
    refused = act("liu", "reply", 400, result_category="B", reply_public_text="正在规划。")
    assert "reply_letter" in refused  # the congress requires the reply letter first

    def letter():
        upload = SimpleUploadedFile("答复函.pdf", LETTER, content_type="application/pdf")
        answer = client("liu").post(url + "attachments/", {"kind": "reply_letter", "file": upload}, format="multipart")
        assert answer.status_code == 201, answer.content

    letter()
    assert act("liu", "reply", result_category="B", reply_public_text="正在规划。")["status"] == "replied"
    act("liu", "evaluate", 403, attitude="satisfied", result="satisfied")
    at(monkeypatch, datetime.date(2026, 3, 2))
    assert "reason" in act("yang", "evaluate", 400, attitude="basically_satisfied", result="unsatisfied")
    item = act("yang", "evaluate", attitude="basically_satisfied", result="unsatisfied", reason="规划没有时间表。")
    assert item["status"] == "rehandling" and item["reply_due"] == "2026-04-02"
    letter()
    assert act("liu", "reply", result_category="A", reply_public_text="已解决。")["status"] == "replied"
    item = act("yang", "evaluate", attitude="satisfied", result="satisfied")
    assert item["status"] == "closed"
    office = api_for("zhang", "huaxi").get(url).json()
    assert [e["action"] for e in office["events"] if e["action"] in TRANSITIONS] == [
        "submit",
        "accept",
        "assign",
        "reply",
        "evaluate",
        "reply",
        "evaluate",
    ]
    assert api_for("sun", "huaxi").get(url).status_code == 403  # a journalist has no access to the module
    assert client("hu").get(url).status_code == 404  # staff of a unit the item is not assigned to


def test_the_list_shows_each_caller_only_their_items(world, api_for):
    with world.huaxi:
        mine = world.drive(Status.ASSIGNED)
        draft = world.drive(Status.DRAFT)
    ids = lambda persona: {row["id"] for row in api_for(persona, "huaxi").get("/api/v1/suggestions/").json()}  # noqa: E731
    assert {mine.pk, draft.pk, world.target.pk} <= ids("yang")
    assert mine.pk in ids("zhang") and draft.pk not in ids("zhang")  # the office does not read others' drafts
    assert ids("liu") == {mine.pk}
    assert api_for("wu", "huaxi").get("/api/v1/suggestions/").status_code == 403
    assert api_for(None, "huaxi").get("/api/v1/suggestions/").status_code == 401


def test_the_pages_show_the_allowed_buttons_and_apply_them(world, client_for):
    with world.huaxi:
        item = world.drive(Status.SUBMITTED)
    page = client_for("zhang", "huaxi").get(f"/suggestions/{item.pk}/")
    assert page.status_code == 200
    assert 'value="accept"' in page.content.decode() and 'value="submit"' not in page.content.decode()
    response = client_for("zhang", "huaxi").post(f"/suggestions/{item.pk}/transition/", {"action": "accept"})
    assert response.status_code == 302
    with world.huaxi:
        assert Suggestion.objects.get(pk=item.pk).status == Status.ACCEPTED
    assert client_for("yang", "huaxi").get("/suggestions/").status_code == 200
