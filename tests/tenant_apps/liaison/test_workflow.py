"""The liaison module's two smaller tables on the workflow core: the review of held messages (REVIEW) and the
steps the exchange's delivery takes (DELIVERY). The handlers' table (MESSAGES) has its grid in test_services.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shared_apps.memberships.permissions import Access
from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage
from tenant_apps.liaison.services.submission import message_discard, message_release
from tenant_apps.liaison.workflow import DELIVERY, RETURNED_IN, REVIEW_TRANSITIONS
from tenants.workflow import allowed_actions, apply_transition

pytestmark = pytest.mark.usefixtures("clean_side_channels")
S = MessageStatus
EXPECTED = {"release": S.NEW, "discard": S.DISCARDED}


def _review(desk, message, persona: str, action: str):
    with desk.qingyan:
        if action == "release":
            return message_release(access=desk.as_(persona), message=message)
        return message_discard(access=desk.as_(persona), message=message, reason="重复提交")


def _row(desk, message) -> tuple:
    with desk.qingyan:
        return PublicMessage.objects.filter(pk=message.pk).values().first(), MessageEvent.objects.count()


@pytest.mark.parametrize("action", list(REVIEW_TRANSITIONS))
@pytest.mark.parametrize("status", [s for s in S.values if s != S.RETURNED])
def test_held_messages_are_released_or_discarded_from_held_only(desk, status, action):
    message = desk.drive(status)
    before = _row(desk, message)
    if status != S.HELD:
        with pytest.raises(ValidationError) as refused:
            _review(desk, message, "zhou", action)
        assert "status" in refused.value.message_dict
        assert _row(desk, message) == before
        return
    done = _review(desk, message, "xu", action)  # the station's staff review its held messages
    assert done.status == EXPECTED[action]
    with desk.qingyan:
        event = MessageEvent.objects.filter(message=message).last()
    assert (event.action, event.from_status, event.to_status) == (action, S.HELD, done.status)


@pytest.mark.parametrize("persona", ["yang", "qian", "gao"])
def test_deputies_and_unit_staff_may_not_review_held_messages(desk, persona):
    message = desk.drive(S.HELD)
    before = _row(desk, message)
    with pytest.raises(PermissionDenied):
        _review(desk, message, persona, "release")
    assert _row(desk, message) == before


def test_a_discard_asks_for_the_reason_the_sender_will_read(desk):
    message = desk.drive(S.HELD)
    before = _row(desk, message)
    with desk.qingyan, pytest.raises(ValidationError) as refused:
        message_discard(access=desk.as_("zhou"), message=message, reason="  ")
    assert "reason" in refused.value.message_dict
    assert _row(desk, message) == before


def test_only_the_exchanges_delivery_takes_the_systems_steps(desk):
    """A person (even the office) can neither see nor take a delivery step; the system's access can."""
    message = desk.drive(S.ESCALATED)
    office = desk.as_("zhou")
    before = _row(desk, message)
    with desk.qingyan:
        assert allowed_actions(DELIVERY, office, message) == []
        with pytest.raises(PermissionDenied):
            apply_transition(DELIVERY, access=office, obj=message, action=RETURNED_IN, data={"transfer": None})
        assert allowed_actions(DELIVERY, Access(user=None, congress=desk.qingyan), message) == [RETURNED_IN]
    assert _row(desk, message) == before
