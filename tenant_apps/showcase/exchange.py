"""A published story is offered to the congress one tier up (kind `showcase_story`, up), which may feature it with
its source shown; withdrawing it sends `showcase_withdrawal` after it. The sender writes the transfers in its own
transaction; the worker writes the copy in the receiving schema (delivery.py). No request reads another schema."""

from shared_apps.exchange.outbox import transfer_send
from tenants.models import CongressStatus

STORY_KIND = "showcase_story"
WITHDRAWAL_KIND = "showcase_withdrawal"


def _parent(congress):
    parent = congress.parent
    return parent if parent is not None and parent.status == CongressStatus.ACTIVE else None


def offer_up(step) -> None:
    from tenant_apps.showcase import notices

    congress, story = step.access.congress, step.obj
    parent = _parent(congress)
    if parent is None or "showcase" not in parent.enabled_modules:
        return
    transfer_send(
        kind=STORY_KIND,
        source=congress,
        target=parent,
        payload={
            "story": story.pk,
            "title": story.title,
            "body": story.body,
            "deputies": [{"id": d.deputy_id, "name": d.name} for d in story.deputies.all()],
            "from_name": congress.name,
            "url": notices.story_url(congress, story.pk),
        },
        # Published again after a withdrawal: offered again.
        source_ref=f"story:{story.pk}/{story.events.filter(action='publish').count() + 1}",
        actor=step.access.user,
    )


def withdraw_up(step) -> None:
    congress, story = step.access.congress, step.obj
    parent = _parent(congress)
    if parent is None or "showcase" not in parent.enabled_modules:
        return
    count = story.events.filter(action="withdraw").count() + 1
    transfer_send(
        kind=WITHDRAWAL_KIND,
        source=congress,
        target=parent,
        payload={"story": story.pk},
        source_ref=f"story:{story.pk}/withdrawn/{count}",
        actor=step.access.user,
    )
