"""Handling public messages (issue 5 items 3 and 6): the whole (status × action) grid, who may act, the pages
and endpoints for every persona, the sender's mobile and photos, escalation through the exchange, in-app
notices and workspace counts, the daily digest, and the sender's rating.

The stage is Qingyan (township): a physical station with Yang on duty and Xu as its staff, a unit staffed by
Qian, and Gao, a deputy of Qingyan who is not on the station. Huaxi (county) is the tier above."""

import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from console.services import congress_set_status
from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.exchange.delivery import transfer_deliver
from shared_apps.exchange.models import InboxCount, TrackedStep, Transfer
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.services import membership_grant
from shared_apps.notifications.models import Notification
from tenant_apps.liaison import deliveries, digest, exchange, selectors, tasks
from tenant_apps.liaison.models import DigestSent, MessageEvent, PublicMessage
from tenant_apps.liaison.services.messages import message_mobile_reveal, message_transition
from tenant_apps.liaison.workflow import TRANSITIONS, allowed_actions, event_list
from tenant_apps.suggestions.models import Suggestion
from tests.support.jobs import queued_jobs, run_queued_jobs
from tests.support.liaison import ACTOR, INPUT, YANG_MOBILE, S, fresh, sweep

pytestmark = pytest.mark.usefixtures("clean_side_channels")


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


# Only a message escalated from below is accepted or returned (test_escalation.py); Qingyan's
# messages here come from the public, so the grid shows these two refused by the condition, not run.
FROM_BELOW_ONLY = ("accept", "return")
EXPECTED = {
    "reply": S.REPLIED,
    "forward": S.FORWARDED,
    "to_suggestion": S.SUGGESTION,
    "escalate": S.ESCALATED,
    "close": S.CLOSED,
    "reopen": S.REPLIED,  # every path to "closed" here went through a reply
}


def state(desk, message) -> tuple:
    """Everything an action on the message could change, on both tiers and in the public schema."""
    with desk.qingyan:
        row = PublicMessage.objects.filter(pk=message.pk).values().first()
        events = MessageEvent.objects.count()
        suggestions = Suggestion.objects.count()
    with desk.huaxi:
        upper = PublicMessage.objects.count()
    return (
        row,
        events,
        suggestions,
        upper,
        TrackedStep.objects.count(),
        Transfer.objects.count(),
        Notification.objects.count(),
        sorted(InboxCount.objects.values_list("user_id", "congress_id", "kind", "count")),
        len(queued_jobs()),
    )


# -- the grid ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(TRANSITIONS))
# "returned" only happens to a message escalated from below: test_escalation.py covers it.
@pytest.mark.parametrize("status", [s for s in S.values if s != S.RETURNED])
def test_every_action_from_every_status(desk, status, action):
    message = desk.drive(status)
    transition = TRANSITIONS[action]
    before = state(desk, message)
    if status not in transition.sources:
        with pytest.raises(ValidationError) as refused:
            desk.act(message, ACTOR[action], action)
        assert "status" in refused.value.message_dict
        assert state(desk, message) == before
        return
    if action in FROM_BELOW_ONLY:
        with desk.qingyan:
            assert action not in allowed_actions(desk.as_(ACTOR[action]), message)
        with pytest.raises(ValidationError) as refused:
            desk.act(message, ACTOR[action], action)
        assert "action" in refused.value.message_dict
        assert state(desk, message) == before
        return
    with desk.qingyan:
        assert action in allowed_actions(desk.as_(ACTOR[action]), message)
    done = desk.act(message, ACTOR[action], action)
    assert done.status == EXPECTED.get(action, status)
    with desk.qingyan:
        event = MessageEvent.objects.filter(message=message).last()
    assert (event.action, event.from_status, event.to_status) == (action, status, done.status)
    step = TrackedStep.objects.filter(matter__code=message.tracking_code).last()
    assert (step.action, step.status, step.congress_id) == (action, done.status, desk.qingyan.pk)


# -- who may act ---------------------------------------------------------------------------------------

WRONG = {
    "reply": (S.NEW, ["gao", "qian", "li", "ma", "wu"]),
    "approve_public": (S.REPLIED, ["yang", "xu", "gao", "li", "wu"]),
    "forward": (S.NEW, ["gao", "qian", "li", "ma", "wu"]),
    "to_suggestion": (S.NEW, ["zhou", "xu", "gao", "li", "wu"]),
    "escalate": (S.NEW, ["gao", "qian", "li", "ma", "wu"]),
    "close": (S.NEW, ["gao", "qian", "li", "ma", "wu"]),
    "reopen": (S.CLOSED, ["yang", "xu", "gao", "li", "wu"]),
}


@pytest.mark.parametrize("action", list(WRONG))
def test_only_the_messages_handlers_may_act_and_a_refusal_changes_nothing(desk, action):
    status, personas = WRONG[action]
    message = desk.drive(status)
    before = state(desk, message)
    for persona in personas:
        with pytest.raises(PermissionDenied):
            desk.act(message, persona, action)
        assert state(desk, message) == before, persona
    # An Access of another congress is refused inside Qingyan's schema, even for its office.
    with pytest.raises(PermissionDenied), desk.qingyan:
        message_transition(access=desk.as_("li", desk.huaxi), message=message, action=action, **INPUT[action](desk))
    assert state(desk, message) == before


def test_station_staff_the_office_and_the_forwarded_unit_answer(desk):
    assert desk.act(desk.send(), "xu", "reply").status == S.REPLIED
    assert desk.act(desk.send(), "zhou", "close").status == S.CLOSED
    forwarded = desk.act(desk.send(), "yang", "forward")
    assert Notification.objects.filter(user=desk.users["qian"], kind="liaison_forwarded").count() == 1
    replied = desk.act(forwarded, "qian", "reply")
    assert (replied.status, replied.replied_by_id) == (S.REPLIED, desk.users["qian"].pk)
    with desk.qingyan:
        assert MessageEvent.objects.filter(message=forwarded).last().data["by_unit"] == desk.unit.pk


def test_a_message_to_a_named_deputy_is_theirs_and_the_offices_only(desk):
    message = desk.send(deputy=desk.yang_deputy)
    for persona in ("xu", "gao", "qian"):
        with desk.qingyan:
            assert selectors.message_get_for_user(desk.as_(persona), message.pk) is None
    assert desk.act(message, "yang", "reply").status == S.REPLIED


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("reply", {"reply_text": "  "}, "reply_text"),
        ("reply", {"reply_text": "长" * 5001}, "reply_text"),
        ("forward", {"unit": "x"}, "unit"),
        ("forward", {"unit": 999999}, "unit"),
        ("escalate", {"note": ""}, "note"),
        ("close", {"note": " "}, "note"),
        ("launch", {}, "action"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(desk, action, data, field):
    message = desk.send()
    before = state(desk, message)
    with pytest.raises(ValidationError) as refused, desk.qingyan:
        message_transition(access=desk.as_("yang"), message=message, action=action, **data)
    assert field in refused.value.message_dict
    assert state(desk, message) == before


def test_approving_a_public_text_needs_a_reply_and_the_office_may_edit_it(desk):
    closed = desk.act(desk.send(), "yang", "close")
    with pytest.raises(ValidationError) as refused:
        desk.act(closed, "zhou", "approve_public")
    assert "public_reply_text" in refused.value.message_dict
    replied = desk.act(desk.send(), "yang", "reply", public_reply_text="")
    assert replied.public_reply_text == "" and replied.public_approved_at is None
    approved = desk.act(replied, "zhou", "approve_public", public_reply_text="已安排疏导。")
    assert approved.public_reply_text == "已安排疏导。" and approved.public_approved_by_id == desk.users["zhou"].pk


def test_turning_a_message_into_a_suggestion_needs_the_module(desk):
    message = desk.send()
    item = desk.act(message, "yang", "to_suggestion")
    with desk.qingyan:
        suggestion = Suggestion.objects.get(pk=item.suggestion_id)
        assert suggestion.lead_deputy_id == desk.yang_deputy.pk and suggestion.status == "draft"
        assert message.text in suggestion.body and message.tracking_code in suggestion.body
    qingyan = desk.qingyan
    qingyan.enabled_modules = [m for m in qingyan.enabled_modules if m != "suggestions"]
    qingyan.save(update_fields=["enabled_modules"])
    other = desk.send()
    with qingyan:
        assert "to_suggestion" not in allowed_actions(desk.as_("yang"), other)
    with pytest.raises(ValidationError) as refused:
        desk.act(other, "yang", "to_suggestion")
    assert "议案建议" in str(refused.value.message_dict["action"])


# -- pages and endpoints, for every persona -------------------------------------------------------------


def endpoints(message, photo_pk):
    pk = message.pk
    return {
        "inbox page": ("get", "/liaison/inbox/", None),
        "message page": ("get", f"/liaison/messages/{pk}/", None),
        "act page": ("post", f"/liaison/messages/{pk}/act/", {"action": "close", "note": "已处理"}),
        "mobile page": ("post", f"/liaison/messages/{pk}/mobile/", {}),
        "photo page": ("get", f"/liaison/messages/{pk}/photos/{photo_pk}/", None),
        "inbox api": ("get", "/api/v1/liaison/inbox/", None),
        "message api": ("get", f"/api/v1/liaison/messages/{pk}/", None),
        "transition api": ("post", f"/api/v1/liaison/messages/{pk}/transition/", {"action": "close", "note": "x"}),
        "mobile api": ("post", f"/api/v1/liaison/messages/{pk}/mobile/", {}),
        "photo api": ("get", f"/api/v1/liaison/messages/{pk}/photos/{photo_pk}/", None),
    }


@pytest.mark.parametrize("persona", ["gao", "li", "ma", "wu", None])
def test_everyone_but_the_handlers_is_refused_on_every_page_and_endpoint(desk, client_for, api_for, persona):
    message = desk.send(photos=[png()])
    with desk.qingyan:
        photo = message.photos.get()
    before = state(desk, message)
    for name, (method, path, data) in endpoints(message, photo.pk).items():
        api = "api" in name
        client = api_for(persona, "qingyan") if api else client_for(persona, "qingyan")
        response = getattr(client, method)(path, data, format="json") if api else getattr(client, method)(path, data)
        if persona is None:
            expected = 401 if api else 302
        elif persona == "gao":  # a deputy here, but not of this message: it does not exist for them
            expected = 200 if "inbox" in name else 404
        else:
            expected = 403
        assert response.status_code == expected, (name, response.status_code)
        assert message.tracking_code not in response.content.decode(errors="replace"), name
        assert state(desk, message) == before, name


def test_the_deputy_works_from_the_pages(desk, client_for):
    message = desk.send(photos=[png()])
    client = client_for("yang", "qingyan")
    inbox = client.get("/liaison/inbox/").content.decode()
    assert message.tracking_code in inbox and "待处理" in inbox
    page = client.get(f"/liaison/messages/{message.pk}/").content.decode()
    assert message.text in page and message.mobile_last4 in page and "查看完整号码" in page
    assert 'id="action-reply"' in page and 'id="action-approve_public"' not in page
    with desk.qingyan:
        photo = message.photos.get()
    response = client.get(f"/liaison/messages/{message.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    # An empty reply is refused on the page itself (400), the panel drawn again; nothing changes.
    response = client.post(f"/liaison/messages/{message.pk}/act/", {"action": "reply", "reply_text": ""})
    assert response.status_code == 400 and fresh(desk.qingyan, message).status == S.NEW
    assert 'id="action-reply"' in response.content.decode()
    response = client.post(f"/liaison/messages/{message.pk}/act/", {"action": "reply", "reply_text": "已处理。"})
    assert response.status_code == 302 and fresh(desk.qingyan, message).status == S.REPLIED


def test_the_full_mobile_is_shown_on_request_to_the_deputy_and_logged(desk, client_for, api_for):
    message = desk.send(mobile="13985012399")
    page = client_for("yang", "qingyan").get(f"/liaison/messages/{message.pk}/").content.decode()
    assert "13985012399" not in page
    page = client_for("yang", "qingyan").post(f"/liaison/messages/{message.pk}/mobile/").content.decode()
    assert "13985012399" in page
    response = api_for("zhou", "qingyan").post(f"/api/v1/liaison/messages/{message.pk}/mobile/")
    assert response.json() == {"mobile": "13985012399"}
    # Station staff see the message, not the number; nothing is logged for them.
    assert api_for("xu", "qingyan").post(f"/api/v1/liaison/messages/{message.pk}/mobile/").status_code == 403
    with desk.qingyan:
        viewers = list(MessageEvent.objects.filter(message=message, action="mobile_viewed").values_list("actor_id"))
    assert viewers == [(desk.users["yang"].pk,), (desk.users["zhou"].pk,)]


def test_the_api_lists_shows_and_changes_a_message(desk, api_for):
    message = desk.send()
    api = api_for("yang", "qingyan")
    listed = api.get("/api/v1/liaison/inbox/").json()
    assert [m["tracking_code"] for m in listed] == [message.tracking_code]
    assert listed[0]["category_label"] == "问题反映" and listed[0]["mobile_masked"].endswith(message.mobile_last4)
    detail = api.get(f"/api/v1/liaison/messages/{message.pk}/").json()
    assert detail["allowed_actions"] == ["reply", "forward", "to_suggestion", "escalate", "close"]
    bad = api.post(f"/api/v1/liaison/messages/{message.pk}/transition/", {"action": "reply"}, format="json")
    assert bad.status_code == 400 and "reply_text" in bad.json()
    done = api.post(
        f"/api/v1/liaison/messages/{message.pk}/transition/", {"action": "reply", "reply_text": "好"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "replied"
    assert api_for("gao", "qingyan").get("/api/v1/liaison/inbox/").json() == []


# -- escalation through the exchange ---------------------------------------------------------------------


def test_escalation_writes_the_transfer_with_the_change_and_is_delivered_once(desk):
    message = desk.send(photos=[png()], mobile="13985012377")
    escalated = desk.act(message, "yang", "escalate")
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.source, transfer.target) == (exchange.KIND, desk.qingyan, desk.huaxi)
    assert escalated.escalated_transfer_id == transfer.pk and transfer.source_ref == f"message:{message.pk}"
    assert "13985012377" not in json.dumps(transfer.payload)  # the mobile travels encrypted
    assert transfer.payload["note"] == INPUT["escalate"](desk)["note"]
    with desk.huaxi:
        assert not PublicMessage.objects.exists()  # the worker delivers

    assert run_queued_jobs("exchange.deliver_transfer") == 1
    assert transfer_deliver(str(transfer.pk)) == "already"
    with desk.huaxi:
        deliveries.deliver_escalation(Transfer.objects.select_related("target").get())  # a replayed handler
        upper = PublicMessage.objects.get()
        assert upper.tracking_code == message.tracking_code and upper.status == S.NEW
        assert upper.origin_transfer_id == transfer.pk and upper.origin_congress_id == desk.qingyan.pk
        assert upper.station == desk.huaxi_online and upper.photos.count() == 1
        assert upper.mobile_last4 == "2377"
        assert list(upper.events.values_list("action", flat=True)) == ["received_escalation"]
        zhang = desk.as_("zhang", desk.huaxi)
        assert message_mobile_reveal(access=zhang, message=upper) == "13985012377"
    told = set(Notification.objects.filter(kind="liaison_escalation").values_list("user__email", flat=True))
    assert told == {"li@example.org", "zhang@example.org"}
    assert fresh(desk.qingyan, message).status == S.ESCALATED
    steps = TrackedStep.objects.filter(matter__code=message.tracking_code)
    assert [(s.congress.subdomain, s.action) for s in steps][-2:] == [
        ("qingyan", "escalate"),
        ("huaxi", "escalated_in"),
    ]


def test_a_refused_transfer_leaves_the_message_untouched(desk, users):
    wang = Access(user=users["wang"], congress=None, is_platform_admin=True)
    congress_set_status(access=wang, congress=desk.huaxi, status="suspended")
    message = desk.send()
    before = state(desk, message)
    with pytest.raises(ValidationError) as refused:
        desk.act(message, "yang", "escalate")
    assert "target" in refused.value.message_dict
    assert state(desk, message) == before


def test_the_province_has_no_tier_above(desk, congresses):
    guizhou = congresses["guizhou"]
    office = get_user_model().objects.create_user(email="gz@example.org")
    membership_grant(actor=None, user=office, congress=guizhou, role="office_staff")
    desk.users["gz"] = office
    message = desk.send(congress=guizhou)
    with guizhou:
        assert "escalate" not in allowed_actions(desk.as_("gz", guizhou), message)
    before = TrackedStep.objects.count()
    with pytest.raises(ValidationError) as refused:
        desk.act(message, "gz", "escalate", congress=guizhou)
    assert "action" in refused.value.message_dict and TrackedStep.objects.count() == before
    assert not Transfer.objects.exists()


# -- notices, counts and the digest ---------------------------------------------------------------------


def counts(desk, congress=None) -> dict[str, int]:
    congress = congress or desk.qingyan
    emails = dict(InboxCount.objects.filter(congress=congress, kind="messages").values_list("user__email", "count"))
    return {email.split("@")[0]: n for email, n in emails.items()}


def test_a_new_message_tells_its_handlers_in_app_and_counts_follow_every_step(desk):
    message = desk.send()
    told = set(Notification.objects.filter(kind="liaison_message").values_list("user__email", flat=True))
    assert told == {"yang@example.org", "xu@example.org"}
    notice = Notification.objects.filter(user=desk.users["yang"]).get()
    assert notice.url.endswith(f"/liaison/messages/{message.pk}/") and "qingyan." in notice.url
    assert "张三" not in notice.body and "1398501" not in notice.body
    assert counts(desk) == {"yang": 1, "xu": 1, "zhou": 1}
    desk.send()
    assert counts(desk) == {"yang": 2, "xu": 2, "zhou": 2}
    forwarded = desk.act(message, "yang", "forward")
    assert counts(desk) == {"yang": 1, "xu": 1, "zhou": 1, "qian": 1}
    desk.act(forwarded, "qian", "reply")
    assert counts(desk) == {"yang": 1, "xu": 1, "zhou": 1}


def test_one_digest_a_day_per_person_instead_of_a_message_each(desk, congresses):
    mail.outbox.clear()  # the units' staff were mailed their accounts
    desk.send()
    desk.send()
    assert MemorySmsSender.outbox == [] and mail.outbox == []  # nothing per message
    day = timezone.localdate()
    sweep(day)
    assert MemorySmsSender.outbox == [(YANG_MOBILE, digest.digest_text(desk.qingyan, 2))]
    assert "您有2条群众留言待处理" in MemorySmsSender.outbox[0][1]
    assert sorted(m.to[0] for m in mail.outbox) == ["xu@example.org", "zhou@example.org"]
    # The same day again, and the congress's job run once more by hand: nothing new.
    sweep(day)
    assert tasks.send_digests(schema_name=desk.qingyan.schema_name, today=day.isoformat()) == 0
    with desk.qingyan:
        assert DigestSent.objects.filter(sent_at__isnull=False).count() == 3
    assert len(MemorySmsSender.outbox) == 1 and len(mail.outbox) == 2
    # The next day: a fresh digest; a person with nothing waiting gets none.
    sweep(day + datetime.timedelta(days=1))
    assert len(MemorySmsSender.outbox) == 2 and len(mail.outbox) == 4
    assert counts(desk, congresses["huaxi"]) == {}


def test_the_digest_sweep_queues_one_job_per_active_congress_running_the_module(desk, congresses):
    modules = [m for m in congresses["zunyi"].enabled_modules if m != "liaison"]
    congresses["zunyi"].enabled_modules = modules
    congresses["zunyi"].save(update_fields=["enabled_modules"])
    now = int(timezone.now().timestamp())
    assert tasks.sweep_digests(timestamp=now) == len(congresses) - 1
    assert tasks.sweep_digests(timestamp=now) == 0  # each congress's job is still waiting
    queued = {args["schema_name"] for _pk, _name, args in queued_jobs("liaison.send_digests")}
    assert queued == {c.schema_name for k, c in congresses.items() if k != "zunyi"}


# -- the sender's answer and rating --------------------------------------------------------------------


def test_the_sender_gets_an_sms_with_the_code_but_never_the_answer(desk):
    message = desk.send(mobile="13985012366")
    desk.act(message, "yang", "reply", reply_text="已联系镇交管办，周末增派人员。")
    [(_pk, _name, args)] = queued_jobs("liaison.send_reply_sms")
    assert "13985012366" not in json.dumps(args)
    run_queued_jobs("liaison.send_reply_sms")
    [(mobile, text)] = MemorySmsSender.outbox
    assert mobile == "13985012366" and message.tracking_code in text and "交管办" not in text


def rate(api_for, host, message, last4=None, rating="satisfied"):
    return api_for(None, host).post(
        "/api/v1/liaison/rate/",
        {"code": message.tracking_code, "mobile_last4": last4 or message.mobile_last4, "rating": rating},
        format="json",
    )


def test_the_sender_rates_the_answer_once_after_it_is_given(desk, api_for, client_for):
    message = desk.send()
    refused = rate(api_for, "qingyan", message)
    assert refused.status_code == 400 and "答复后" in str(refused.json())
    desk.act(message, "yang", "reply")
    wrong = rate(api_for, "qingyan", message, last4="0000" if message.mobile_last4 != "0000" else "1111")
    assert wrong.status_code == 400 and "code" in wrong.json()
    assert rate(api_for, "qingyan", message, rating="great").status_code == 400
    assert fresh(desk.qingyan, message).rating == ""
    page = client_for(None, "qingyan").post(
        "/liaison/rate/", {"code": message.tracking_code, "mobile_last4": message.mobile_last4, "rating": "satisfied"}
    )
    assert page.status_code == 200 and "感谢您的评价" in page.content.decode()
    again = rate(api_for, "qingyan", message, rating="unsatisfied")
    assert again.status_code == 400 and "已评价" in str(again.json())
    rated = fresh(desk.qingyan, message)
    assert rated.rating == "satisfied" and rated.rated_at is not None
    assert TrackedStep.objects.filter(matter__code=message.tracking_code).last().action == "rated"
    with schema_context(desk.qingyan.schema_name):
        assert MessageEvent.objects.filter(message=message, action="rate", actor=None).count() == 1


def test_notes_for_others_are_written_in_the_platform_language_whatever_the_writer_reads(desk):
    """A sender or a clerk with an English screen leaves Chinese notices and tracker steps: the readers (deputies,
    the sender) are not the writer."""
    from django.utils import translation

    with translation.override("en"):
        message = desk.send()
        desk.act(message, "yang", "forward")
    titles = list(Notification.objects.values_list("title", flat=True))
    assert titles and all("群众留言" in title for title in titles), titles
    notes = list(TrackedStep.objects.filter(matter__code=message.tracking_code).values_list("public_note", flat=True))
    assert notes[0].startswith("留言已收到") and notes[1] == f"已转交{desk.unit.name}办理。"
    with desk.qingyan, translation.override("en"):  # the page itself follows its reader
        assert event_list(fresh(desk.qingyan, message))[-1].action_label == "Forwarded"
