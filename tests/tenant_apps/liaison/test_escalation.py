"""Issue 5, item 5: the upper congress answers an escalation — it takes the message up ("accepted", by the
"accept" action or any other step) or its office returns it with reasons ("returned"), which carries the
message back down through the exchange and reopens the lower congress's copy. Both ends see the transfer's
status; the sender follows every step under the one tracking code; a returned message may go up again.

The stage is the liaison desk (tests/support/liaison.py): Qingyan (township) below, Huaxi (county) above, Zhang
and Li its office, Liu the staff of a Huaxi unit, Chen a Huaxi member without a handling role, Ma an outsider."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from console.services import congress_set_status
from shared_apps.exchange.delivery import transfer_deliver
from shared_apps.exchange.models import TrackedMatter, TrackedStep, Transfer
from shared_apps.memberships.permissions import Access
from shared_apps.notifications.models import Notification
from tenant_apps.liaison import deliveries, exchange
from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage
from tenant_apps.liaison.services.messages import message_transition
from tenant_apps.liaison.workflow import TRANSITIONS, allowed_actions
from tests.support.jobs import queued_jobs, run_queued_jobs
from tests.support.liaison import fresh

pytestmark = pytest.mark.usefixtures("clean_side_channels")

S = MessageStatus
REASON = "属镇级事权，请镇人大协调镇政府办理。"


def escalated_in(desk) -> tuple[PublicMessage, PublicMessage, Transfer]:
    """A Qingyan message answered and escalated by Yang, delivered to Huaxi: (lower copy, upper copy, transfer)."""
    lower = desk.drive(S.ESCALATED)
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    with desk.huaxi:
        upper = PublicMessage.objects.get(tracking_code=lower.tracking_code)
    return lower, upper, Transfer.objects.get(kind=exchange.KIND, source_ref=f"message:{lower.pk}")


def huaxi(desk, message, persona: str, action: str, **data) -> PublicMessage:
    return desk.act(message, persona, action, congress=desk.huaxi, **data)


def snapshot(desk, lower, upper) -> tuple:
    """Everything an answer could change, on both tiers and in the public schema."""
    with desk.qingyan:
        low = PublicMessage.objects.filter(pk=lower.pk).values().first(), MessageEvent.objects.count()
    with desk.huaxi:
        up = PublicMessage.objects.filter(pk=upper.pk).values().first(), MessageEvent.objects.count()
    transfers = sorted(Transfer.objects.values_list("kind", "status", "answer_note"))
    return low, up, transfers, TrackedStep.objects.count(), Notification.objects.count(), len(queued_jobs())


def steps(code: str) -> list[tuple[str, str, str]]:
    rows = TrackedStep.objects.filter(matter__code=code).select_related("congress")
    return [(s.congress.subdomain, s.action, s.status) for s in rows]


def test_the_upper_office_accepts_an_escalation_and_both_ends_see_it(desk, api_for, client_for):
    lower, upper, transfer = escalated_in(desk)
    assert transfer.status == "delivered"
    with desk.huaxi:
        assert allowed_actions(desk.as_("zhang", desk.huaxi), upper)[0] == "accept"
    page = client_for("zhang", "huaxi").get(f"/liaison/messages/{upper.pk}/").content.decode()
    assert 'id="action-accept"' in page and 'id="action-return"' in page and "已送达" in page

    accepted = huaxi(desk, upper, "zhang", "accept")
    assert accepted.status == S.NEW  # taken up, still waiting for its answer
    transfer.refresh_from_db()
    assert (transfer.status, transfer.answered_at is not None) == ("accepted", True)
    assert steps(lower.tracking_code)[-1] == ("huaxi", "accept", "new")
    assert desk.huaxi.name in TrackedStep.objects.filter(matter__code=lower.tracking_code).last().public_note
    own = api_for("yang", "qingyan").get(f"/api/v1/liaison/messages/{lower.pk}/").json()
    assert own["escalation"]["transfer_status"] == "accepted"
    # Yang, who escalated it, is told, with a link to his own copy on Qingyan's host.
    [told] = Notification.objects.filter(kind="liaison_escalation_answered")
    assert (told.user, told.congress) == (desk.users["yang"], desk.qingyan)
    assert told.title == f"{desk.huaxi.name}已受理您上报的群众留言（{lower.tracking_code}）"
    assert told.url.endswith(f"/liaison/messages/{lower.pk}/") and "qingyan." in told.url
    assert "已接收" in client_for("yang", "qingyan").get(f"/liaison/messages/{lower.pk}/").content.decode()

    # Accepted once: the action is gone, and asking again is refused and changes nothing.
    with desk.huaxi:
        assert "accept" not in allowed_actions(desk.as_("zhang", desk.huaxi), upper)
    before = snapshot(desk, lower, upper)
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, upper, "zhang", "accept")
    assert "action" in refused.value.message_dict and snapshot(desk, lower, upper) == before


def test_closing_an_escalation_tells_its_sender_once(desk):
    lower, upper, transfer = escalated_in(desk)
    huaxi(desk, upper, "zhang", "close", note="已协调解决。")
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    titles = list(Notification.objects.filter(kind="liaison_escalation_answered").values_list("title", flat=True))
    assert titles == [f"{desk.huaxi.name}已办结您上报的群众留言（{lower.tracking_code}）"]


def test_any_step_on_an_escalation_takes_it_up(desk):
    _lower, upper, transfer = escalated_in(desk)
    huaxi(desk, upper, "zhang", "forward", unit=desk.huaxi_unit.pk)
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    with desk.huaxi:
        event = MessageEvent.objects.filter(message=upper).last()
    assert (event.action, event.data["accepted"]) == ("forward", str(transfer.pk))
    # The unit's answer later does not answer the transfer again.
    answered_at = transfer.answered_at
    huaxi(desk, upper, "liu", "reply", reply_text="已纳入规划。")
    transfer.refresh_from_db()
    assert transfer.answered_at == answered_at


def test_the_office_returns_an_escalation_and_the_township_takes_it_up_again(desk, api_for, client_for):
    lower, upper, transfer = escalated_in(desk)
    code = lower.tracking_code
    huaxi(desk, upper, "zhang", "forward", unit=desk.huaxi_unit.pk)  # accepted, then found not Huaxi's
    returned = huaxi(desk, upper, "zhang", "return", note=REASON)
    assert (returned.status, returned.forwarded_unit_id) == (S.RETURNED, None)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.answer_note) == ("returned", REASON)
    back = Transfer.objects.get(kind=exchange.RETURN_KIND)
    assert (back.source, back.target, back.status) == (desk.huaxi, desk.qingyan, "sent")
    assert back.payload["escalation"] == str(transfer.pk) and back.payload["note"] == REASON
    assert fresh(desk.qingyan, lower).status == S.ESCALATED  # until the worker delivers the return

    assert run_queued_jobs("exchange.deliver_transfer") == 1
    reopened = fresh(desk.qingyan, lower)
    assert reopened.status == S.REPLIED  # Yang had answered before escalating
    with desk.qingyan:
        event = MessageEvent.objects.filter(message=lower).last()
    assert (event.action, event.note, event.from_status, event.to_status) == (
        exchange.RETURNED_IN,
        REASON,
        S.ESCALATED,
        S.REPLIED,
    )
    told = set(Notification.objects.filter(kind="liaison_returned").values_list("user__email", flat=True))
    assert told == {"yang@example.org", "xu@example.org", "zhou@example.org"}
    # Only the forward's acceptance was announced to Yang by Huaxi; the return reaches him through Qingyan.
    assert Notification.objects.filter(kind="liaison_escalation_answered").count() == 1

    # Exactly once: a second delivery and a replayed handler change nothing.
    before = snapshot(desk, lower, upper)
    assert transfer_deliver(str(back.pk)) == "already"
    with desk.qingyan:
        deliveries.deliver_return(Transfer.objects.select_related("target").get(pk=back.pk))
    assert snapshot(desk, lower, upper) == before

    # The sender follows it under the same code: back at the township, with the county's reasons.
    matter = TrackedMatter.objects.get(code=code)
    assert (matter.congress, matter.status) == (desk.qingyan, S.REPLIED)
    assert steps(code)[-3:] == [("huaxi", "forward", "forwarded"), ("huaxi", "return", "returned"),
                                ("qingyan", "returned_in", "replied")]  # fmt: skip
    notes = list(TrackedStep.objects.filter(matter__code=code).values_list("public_note", flat=True))
    assert REASON in notes[-2]
    # Both ends show the answer: the township its escalation returned with the reasons, Huaxi its own answer.
    own = api_for("yang", "qingyan").get(f"/api/v1/liaison/messages/{lower.pk}/").json()
    assert (own["escalation"]["transfer_status"], own["escalation"]["answer_note"]) == ("returned", REASON)
    assert [e["action_label"] for e in own["events"]][-1] == "上级人大退回"
    page = client_for("yang", "qingyan").get(f"/liaison/messages/{lower.pk}/").content.decode()
    assert "已退回" in page and REASON in page
    upper_view = api_for("zhang", "huaxi").get(f"/api/v1/liaison/messages/{upper.pk}/").json()
    assert upper_view["origin"]["transfer_status"] == "returned" and upper_view["allowed_actions"] == []

    # The township may escalate again (a second transfer); Huaxi takes its same message up afresh.
    again = desk.act(reopened, "yang", "escalate", note="镇政府协调未果，再次上报。")
    second = Transfer.objects.get(pk=again.escalated_transfer_id)
    assert second.source_ref == f"message:{lower.pk}/2" and second.pk != transfer.pk
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    with desk.huaxi:
        assert PublicMessage.objects.filter(tracking_code=code).count() == 1
        up_again = PublicMessage.objects.get(tracking_code=code)
        assert (up_again.pk, up_again.status, up_again.origin_transfer_id) == (upper.pk, S.NEW, second.pk)
        assert "accept" in allowed_actions(desk.as_("zhang", desk.huaxi), up_again)
        assert list(up_again.events.values_list("action", flat=True)).count("received_escalation") == 2
    assert TrackedMatter.objects.get(code=code).congress == desk.huaxi


def test_a_return_before_acceptance_reopens_a_message_never_answered(desk):
    lower = desk.send()
    desk.act(lower, "yang", "escalate")
    run_queued_jobs("exchange.deliver_transfer")
    with desk.huaxi:
        upper = PublicMessage.objects.get(tracking_code=lower.tracking_code)
    huaxi(desk, upper, "li", "return", note=REASON)
    run_queued_jobs("exchange.deliver_transfer")
    assert fresh(desk.qingyan, lower).status == S.NEW


def test_returning_needs_reasons_the_office_and_a_message_from_below(desk):
    lower, upper, _transfer = escalated_in(desk)
    before = snapshot(desk, lower, upper)
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, upper, "zhang", "return", note="")
    assert "note" in refused.value.message_dict and snapshot(desk, lower, upper) == before
    # Not the office: Liu (a unit's staff), Chen (no handling role), Yang (a Huaxi deputy, not on its online
    # station) may neither return it nor take it up.
    for persona in ("liu", "chen", "yang"):
        for action in ("return", "accept"):
            with pytest.raises(PermissionDenied):
                huaxi(desk, upper, persona, action)
            assert snapshot(desk, lower, upper) == before, (persona, action)
    # Qingyan's office, in Huaxi's schema: refused before anything is read.
    with pytest.raises(PermissionDenied), desk.huaxi:
        message_transition(access=desk.as_("zhou"), message=upper, action="return", note=REASON)
    assert snapshot(desk, lower, upper) == before
    # A message the public sent to Huaxi itself has no tier below to return to.
    own = desk.send(congress=desk.huaxi)
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, own, "zhang", "return")
    assert "action" in refused.value.message_dict
    # Returned once: nothing more.
    huaxi(desk, upper, "zhang", "return")
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, upper, "zhang", "return")
    assert "status" in refused.value.message_dict
    assert Transfer.objects.filter(kind=exchange.RETURN_KIND).count() == 1


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_no_action_starts_from_returned(desk, action):
    lower, upper, _transfer = escalated_in(desk)
    returned = huaxi(desk, upper, "zhang", "return", note=REASON)
    before = snapshot(desk, lower, returned)
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, returned, "zhang", action)
    assert "status" in refused.value.message_dict and snapshot(desk, lower, returned) == before


def test_a_return_to_a_suspended_congress_is_refused_and_changes_nothing(desk, users):
    lower, upper, _transfer = escalated_in(desk)
    wang = Access(user=users["wang"], congress=None, is_platform_admin=True)
    congress_set_status(access=wang, congress=desk.qingyan, status="suspended")
    before = snapshot(desk, lower, upper)
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, upper, "zhang", "return", note=REASON)
    assert "target" in refused.value.message_dict and snapshot(desk, lower, upper) == before


def test_a_replied_escalation_is_not_returned(desk):
    _lower, upper, _ = escalated_in(desk)
    huaxi(desk, upper, "zhang", "reply", reply_text="区里已安排。")
    with pytest.raises(ValidationError) as refused:
        huaxi(desk, upper, "zhang", "return")
    assert "status" in refused.value.message_dict


@pytest.mark.parametrize(
    ("persona", "expected"), [("liu", 404), ("chen", 403), ("sun", 403), ("ma", 403), ("zhou", 403), (None, 401)]
)
def test_the_api_refuses_answers_from_anyone_but_the_office(desk, api_for, persona, expected):
    lower, upper, _ = escalated_in(desk)
    before = snapshot(desk, lower, upper)
    for action in ("accept", "return"):
        response = api_for(persona, "huaxi").post(
            f"/api/v1/liaison/messages/{upper.pk}/transition/", {"action": action, "note": REASON}, format="json"
        )
        assert response.status_code == expected, (action, response.content)
        assert snapshot(desk, lower, upper) == before


def test_the_office_answers_from_the_api_and_the_pages(desk, api_for, client_for):
    _lower, upper, _transfer = escalated_in(desk)
    url = f"/api/v1/liaison/messages/{upper.pk}/transition/"
    accepted = api_for("zhang", "huaxi").post(url, {"action": "accept"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["origin"]["transfer_status"] == "accepted"
    page = client_for("li", "huaxi")
    response = page.post(f"/liaison/messages/{upper.pk}/act/", {"action": "return", "note": ""})
    assert response.status_code == 302 and fresh(desk.huaxi, upper).status == S.NEW
    response = page.post(f"/liaison/messages/{upper.pk}/act/", {"action": "return", "note": REASON})
    assert response.status_code == 302 and fresh(desk.huaxi, upper).status == S.RETURNED
    history = page.get(f"/liaison/messages/{upper.pk}/").content.decode()
    assert "退回下级" in history and "收到下级上报" in history and REASON in history


def test_the_answers_read_in_english_too(desk, client_for, settings):
    _lower, upper, _transfer = escalated_in(desk)
    client = client_for("zhang", "huaxi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/liaison/messages/{upper.pk}/").content.decode()
    assert ">Accept</button>" in page and ">Return to the congress below</button>" in page
    assert "Escalated from below" in page
