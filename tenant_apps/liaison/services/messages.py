"""The handlers' writes on a public message, and the sender's rating.

Every status change goes through `message_transition`, which runs the workflow's table (workflow.TRANSITIONS)
on the platform's workflow core. Services raise PermissionDenied, or ValidationError keyed by field; on error
nothing changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.memberships.permissions import Access
from shared_apps.registry import crypto
from tenant_apps.liaison import tracking
from tenant_apps.liaison.models import MessageEvent, MessageStatus, PublicMessage, Rating
from tenant_apps.liaison.permissions import can_view, can_view_mobile, handler_for
from tenant_apps.liaison.workflow import MESSAGES
from tenants.language import platform_text
from tenants.workflow import apply_transition, lock, require_here
from tenants.workflow.history import record_event

RATABLE = (MessageStatus.REPLIED, MessageStatus.CLOSED)


def message_transition(*, access: Access, message: PublicMessage, action: str, **data) -> PublicMessage:
    """Apply one action of workflow.TRANSITIONS to the message, as `access`; returns the updated message.

    The workflow core checks, in order: the action exists, the message's status is one it starts from, the
    caller passes its predicate, the message qualifies, the note is given where required; then the effect
    validates its input (`data`) and changes the locked message, which is saved with update_fields. The
    workflow's hooks follow (an escalation taken up, its sender told, the tracker, the workspace counts, the
    figures), then the MessageEvent and the notice of whoever must act next — all in one transaction.
    Raises ValidationError (by field, "status" for a wrong status) or PermissionDenied.
    """
    return apply_transition(MESSAGES, access=handler_for(access), obj=message, action=action, data=data)


@transaction.atomic
def message_mobile_reveal(*, access: Access, message: PublicMessage) -> str:
    """The sender's full mobile number, for the office or the message's deputy, on their explicit request;
    each look is logged as a "mobile_viewed" event. Raises PermissionDenied for everyone else."""
    handler = handler_for(access)
    require_here(handler, MESSAGES.refusals.elsewhere)
    item = lock(message)
    if not can_view(handler, item) or not can_view_mobile(handler, item):
        raise PermissionDenied(_("只有人大办公室和留言所指定的代表可以查看留言人的完整手机号码。"))
    record_event(MessageEvent, item, actor=handler.user, action="mobile_viewed")
    # SECURITY: decrypted only here, for this response; never stored or logged in clear.
    return crypto.decrypt(item.sender_mobile_encrypted) if item.sender_mobile_encrypted else ""


@transaction.atomic
def message_rate(*, congress, code: str, mobile_last4: str, rating: str) -> PublicMessage:
    """The SENDER rates the answer, anonymously: the tracking code and the last four digits of the mobile
    identify them. Only after a reply, once. Raises ValidationError by field (the same answer for a wrong
    code and a wrong number, so codes cannot be probed)."""
    require_here(Access(user=None, congress=congress), gettext_lazy("只能在本级人大的平台上评价。"))
    code = str(code or "").strip().upper()
    last4 = str(mobile_last4 or "").strip()
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择满意、基本满意或不满意。")]})
    item = PublicMessage.objects.select_for_update().filter(tracking_code=code, mobile_last4=last4).first()
    if item is None or not last4:
        raise ValidationError({"code": [_("查询码或手机号码后四位不正确。")]})
    if item.status == MessageStatus.ESCALATED:
        raise ValidationError({"code": [_("这条留言已上报上一级人大办理，请在上一级人大的平台上评价。")]})
    if item.status not in RATABLE or item.replied_at is None:
        raise ValidationError({"rating": [_("留言答复后才能评价。")]})
    if item.rating:
        raise ValidationError({"rating": [_("您已评价过这条留言的答复。")]})
    item.rating, item.rated_at = rating, timezone.now()
    item.save(update_fields=["rating", "rated_at", "updated_at"])
    label = Rating(rating).label
    public_note = platform_text(label)
    record_event(MessageEvent, item, actor=None, action="rate", public_note=public_note, data={"rating": rating})
    tracking.track(
        congress, item, "rated", platform_text(gettext_lazy("留言人评价：%(label)s"), label=platform_text(label))
    )
    return item
