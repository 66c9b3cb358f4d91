"""The receiving side of the showcase's transfers, run by the worker in the receiving congress's schema inside the
delivery transaction, exactly once per transfer."""

from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Deputy
from tenant_apps.showcase import notices
from tenant_apps.showcase.exchange import STORY_KIND
from tenant_apps.showcase.models import Story, StoryDeputy, StoryEvent, StoryStatus
from tenant_apps.showcase.workflow import STORIES
from tenants.workflow import apply_transition
from tenants.workflow.history import record_event


def deliver_story(transfer) -> str:
    """A story the congress below published, offered here for featuring; the office is told."""
    existing = Story.objects.filter(transfer_id=transfer.pk).first()
    if existing is not None:
        return f"story:{existing.pk}"
    p = transfer.payload
    story = Story.objects.create(
        title=str(p.get("title", ""))[:200],
        body=str(p.get("body", "")),
        status=StoryStatus.OFFERED,
        source_congress=transfer.source,
        source_name=str(p.get("from_name", ""))[:100],
        source_story_id=p.get("story"),
        source_url=str(p.get("url", ""))[:500],
        transfer_id=transfer.pk,
    )
    named = {d["id"]: str(d.get("name", ""))[:50] for d in p.get("deputies", []) if isinstance(d, dict) and "id" in d}
    known = set(Deputy.objects.filter(pk__in=list(named)).values_list("pk", flat=True))
    StoryDeputy.objects.bulk_create([StoryDeputy(story=story, deputy_id=d, name=named[d]) for d in sorted(known)])
    record_event(StoryEvent, story, actor=None, action="received", data={"transfer": str(transfer.pk)})
    notices.tell_offered(transfer.target, story)
    return f"story:{story.pk}"


def deliver_withdrawal(transfer) -> str:
    """The congress below withdrew a story it had offered: the copy here is no longer shown."""
    story = (
        Story.objects.filter(source_congress=transfer.source, source_story_id=transfer.payload.get("story"))
        .exclude(status=StoryStatus.WITHDRAWN)
        .order_by("-id")
        .first()
    )
    if story is None:
        pending = Transfer.objects.filter(
            kind=STORY_KIND, source=transfer.source, target=transfer.target, status=TransferStatus.SENT
        ).filter(payload__story=transfer.payload.get("story"))
        if pending.exists():
            raise RuntimeError("the story this withdraws has not arrived yet")  # the exchange retries later
        # Never offered here (the module was off), or already withdrawn: nothing to take down.
        return ""
    access = Access(user=None, congress=transfer.target)
    apply_transition(STORIES, access=access, obj=story, action="source_withdrew")
    return f"story:{story.pk}"
