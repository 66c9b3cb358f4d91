"""What the liaison module writes into the deputies' duty record (shared_apps.ledger): a public message a deputy
answered, and one a deputy escalated to the congress above. Written by the messages workflow's hook in the step's
transaction; rebuilt from the messages' history by `rebuild`. Never public: the messages are the senders'."""

from django.urls import reverse
from django.utils import timezone

from shared_apps.ledger import services as ledger
from shared_apps.ledger.services import Duty
from shared_apps.registry.models import Deputy
from tenant_apps.liaison.models import MessageEvent

SOURCE = "liaison"
KIND_OF_ACTION = {"reply": "message_answered", "escalate": "escalation_made"}


def _evidence(congress, message_id: int) -> str:
    """The message's handling page on its congress's host (who may see it is that page's business)."""
    path = reverse("liaison:message_handle", urlconf="config.urls_tenant", kwargs={"pk": message_id})
    return congress.url(path)


def _duty(congress, message, action: str, deputy_id: int, when) -> Duty:
    return Duty(
        deputy_id=deputy_id,
        source_ref=f"message:{message.pk}:{action}",
        kind=KIND_OF_ACTION[action],
        # The sender's words stay with the message: the duty record, read by every office where the deputy
        # sits, names the message by its tracking code only.
        title=f"群众留言（{message.tracking_code}）",
        occurred_on=timezone.localdate(when),
        url=_evidence(congress, message.pk),
    )


def on_step(step) -> None:
    """A hook of the messages workflow: a deputy's answer or escalation is one of their duties."""
    if step.action not in KIND_OF_ACTION:
        return
    user_id = getattr(getattr(step.access, "user", None), "pk", None)
    if user_id is None:
        return
    deputy_id = Deputy.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
    if deputy_id is not None:
        ledger.record(
            step.access.congress, SOURCE, _duty(step.access.congress, step.message, step.action, deputy_id, step.now)
        )


def rebuild(congress) -> int:
    events = MessageEvent.objects.filter(action__in=list(KIND_OF_ACTION), actor__deputy__isnull=False).select_related(
        "message", "actor__deputy"
    )
    duties = {}
    for event in events:
        if event.actor is None:
            continue
        duty = _duty(congress, event.message, event.action, event.actor.deputy.pk, event.created_at)
        duties[(duty.deputy_id, duty.source_ref)] = duty
    return ledger.replace(congress, SOURCE, list(duties.values()))
