"""Every step of the liaison workflows tells whom its table says (a Notify, or NO_ONE with the reason): the
handlers, the office or the unit that must act next, in-app, never the person who took the step."""

import pytest
from django.db.models import Max

from shared_apps.notifications.models import Notification
from tenant_apps.liaison.models import MessageStatus
from tenant_apps.liaison.services.submission import message_discard, message_release
from tenant_apps.liaison.workflow import REVIEW_TRANSITIONS, TRANSITIONS
from tests.support.liaison import ACTOR

pytestmark = pytest.mark.usefixtures("clean_side_channels")
S = MessageStatus

# From each action's first source status (sorted), as tests.support.liaison's Desk builds it in Qingyan: Zhou is
# the office, Yang the deputy on duty, Xu the station's staff, Qian the staff of the unit messages are forwarded to.
EXPECTED = {
    "reply": {"zhou"},  # a public text is proposed: the office must approve it
    "approve_public": {"yang"},  # who replied
    "forward": {"qian"},
    "to_suggestion": set(),
    "escalate": set(),  # the congress above hears of it on delivery
    "close": {"xu", "qian"},  # from "forwarded": the station's staff and the unit's (Yang closed it himself)
    "reopen": {"yang", "xu"},
}
LOCAL = [action for action in TRANSITIONS if action in EXPECTED]  # accept and return: test_escalation.py


def _told(desk, since: int) -> tuple[set[str], list[Notification]]:
    rows = list(Notification.objects.filter(pk__gt=since, kind__startswith="liaison_"))
    by_id = {user.pk: name for name, user in desk.users.items()}
    return {by_id[n.user_id] for n in rows}, rows


def _mark() -> int:
    return Notification.objects.aggregate(top=Max("pk"))["top"] or 0


@pytest.mark.parametrize("action", LOCAL)
def test_each_handling_step_tells_whom_its_table_says(desk, action):
    message = desk.drive(sorted(TRANSITIONS[action].sources)[0])
    since = _mark()
    desk.act(message, ACTOR[action], action)
    told, rows = _told(desk, since)
    assert told == EXPECTED[action]
    assert ACTOR[action] not in told
    if rows:
        assert {n.kind for n in rows} == {TRANSITIONS[action].notify.kind}
        assert all(
            message.tracking_code in n.title and n.url.endswith(f"/liaison/messages/{message.pk}/") for n in rows
        )


@pytest.mark.parametrize(("action", "expected"), [("release", {"yang"}), ("discard", set())])
def test_a_reviewed_held_message_reaches_its_handlers_only_when_released(desk, action, expected):
    held = desk.drive(S.HELD)
    since = _mark()
    with desk.qingyan:
        if action == "release":
            message_release(access=desk.as_("xu"), message=held)
        else:
            message_discard(access=desk.as_("xu"), message=held, reason="重复提交")
    told, rows = _told(desk, since)
    assert told == expected
    assert {n.kind for n in rows} <= {REVIEW_TRANSITIONS[action].notify.kind}
