"""Every step of the suggestions workflow tells whom its table says (workflow.TRANSITIONS' Notify): whoever
must act next, in-app, with a link to the item, exactly once."""

import pytest
from django.db.models import Max

from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.notifications.models import Notification
from tenant_apps.suggestions.models import Status
from tenant_apps.suggestions.workflow import TRANSITIONS
from tests.support.jobs import queued_jobs, run_queued_jobs
from tests.support.suggestions import ALLOWED

# Who is told after each action, from its first source status (sorted) on the items tests.support builds:
# the office is Li and Zhang; Yang leads every item; the bureau (lead, Liu) and the court (joint, Kong) are assigned.
EXPECTED = {
    "submit": {"li", "zhang"},
    "withdraw": {"li", "zhang"},  # from "accepted": the office had it
    "accept": {"yang"},
    "return": {"yang"},
    "convert_to_suggestion": {"yang", *(f"signer{n}" for n in range(1, 10))},  # a motion: its co-signers too
    "merge": {"yang"},
    "assign": {"liu", "kong"},
    "return_misassigned": {"li", "zhang"},
    "reply": {"yang"},
    "evaluate": {"liu"},  # satisfied: closed; the lead unit learns the evaluation
    "close": {"yang", "liu"},
}


def _told(world, since: int) -> tuple[set[str], list[Notification]]:
    rows = list(Notification.objects.filter(pk__gt=since, kind__startswith="suggestion_"))
    by_email = {user.email: name for name, user in world.users.items()}
    return {by_email.get(n.user.email, n.user.email.split("@")[0]) for n in rows}, rows


def _act(world, request, action: str, status: str, **data):
    kind = "motion" if action == "convert_to_suggestion" else "suggestion"
    cosigners = request.getfixturevalue("signers") if kind == "motion" else ()
    with world.huaxi:
        item = world.drive(status, kind=kind, signers=cosigners)
        since = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
        done = world.act(item, ALLOWED[action], action, **data)
    return done, since


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_each_step_tells_whom_its_table_says(world, request, action):
    assert TRANSITIONS[action].notify is not None, f"{action} declares no one to tell"
    done, since = _act(world, request, action, sorted(TRANSITIONS[action].sources)[0])
    told, rows = _told(world, since)
    assert told == EXPECTED[action]
    kind = TRANSITIONS[action].notify.kind
    assert {n.kind for n in rows} == {kind} and len(rows) == len(told)  # once each
    assert all(n.url.endswith(f"/suggestions/{done.pk}/") and "huaxi." in n.url for n in rows)
    assert all(n.congress_id == world.huaxi.pk and n.read_at is None for n in rows)
    # Immediate notices also go out by SMS / e-mail: one delivery job each (everyone wants SMS by default).
    queued = {args["notification_id"] for _pk, _name, args in queued_jobs("notifications.deliver_notice")}
    expected = {n.pk for n in rows} if TRANSITIONS[action].notify.immediate else set()
    assert queued & {n.pk for n in rows} == expected


def test_the_deputy_gets_the_reply_by_sms_at_her_registry_number_once(world, request, settings):
    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    done, since = _act(world, request, "reply", Status.ASSIGNED)
    run_queued_jobs("notifications.deliver_notice")  # the assignment's, on the way, and the reply's
    assert run_queued_jobs("notifications.deliver_notice") == 0
    [(mobile, text)] = [(m, t) for m, t in MemorySmsSender.outbox if "已答复" in t]
    assert mobile == "13885012345" and "已答复" in text and text.endswith(f"/suggestions/{done.pk}/")
    notice = Notification.objects.get(pk__gt=since, kind="suggestion_replied")
    assert notice.sms_sent_at is not None and notice.email_sent_at is None
    MemorySmsSender.outbox.clear()


def test_an_unsatisfied_evaluation_sends_the_item_back_to_the_lead_unit_and_tells_the_office(world, request):
    done, since = _act(world, request, "evaluate", Status.REPLIED, result="unsatisfied", attitude="satisfied")
    told, rows = _told(world, since)
    assert done.status == Status.REHANDLING and told == {"liu", "li", "zhang"}
    assert all("不满意" in n.body and "请重新办理" in n.title for n in rows)


def test_withdrawing_a_draft_tells_no_one(world, request):
    _done, since = _act(world, request, "withdraw", Status.DRAFT)
    assert _told(world, since)[0] == set()


def test_a_refused_step_tells_no_one(world):
    with world.huaxi:
        item = world.drive(Status.SUBMITTED)
        since = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
        with pytest.raises(Exception):
            world.act(item, "zhang", "return", note="")
    assert _told(world, since)[0] == set()


def test_notices_are_in_the_platforms_language_whatever_the_actor_reads(world, request):
    from django.utils import translation

    with translation.override("en"):
        _done, since = _act(world, request, "reply", Status.ASSIGNED)
    rows = _told(world, since)[1]
    assert rows and all("已答复" in n.title for n in rows)
