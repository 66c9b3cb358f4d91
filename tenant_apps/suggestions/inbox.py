"""What waits for a deputy in this congress's motions and suggestions, and the exchange.InboxCount read model
that the deputy workspace (a shared page that never enters a congress's schema) shows per congress.

Two things wait for a deputy: a co-signature they were asked for and have not confirmed (while the item is a
draft or awaits review), and the current reply of an item they lead or co-signed, not yet evaluated.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from shared_apps.exchange.models import InboxCount
from shared_apps.exchange.services import inbox_count_set
from shared_apps.registry.models import Deputy
from tenant_apps.suggestions.models import CoSigner, Evaluation, Status, Suggestion

KIND = "suggestions"
COSIGN_STATUSES = (Status.DRAFT, Status.SUBMITTED)


def _conditions(deputy_id: int) -> tuple[Q, Q]:
    """(awaiting the deputy's co-signature, awaiting the deputy's evaluation) as conditions on Suggestion."""
    unconfirmed = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=deputy_id, confirmed_at__isnull=True)
    confirmed = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=deputy_id, confirmed_at__isnull=False)
    evaluated = Evaluation.objects.filter(suggestion=OuterRef("pk"), deputy_id=deputy_id, round=OuterRef("reply_round"))
    cosign = Q(Exists(unconfirmed), status__in=COSIGN_STATUSES)
    evaluate = Q(status=Status.REPLIED) & (Q(lead_deputy_id=deputy_id) | Q(Exists(confirmed))) & ~Q(Exists(evaluated))
    return cosign, evaluate


def awaiting(deputy_id: int | None) -> QuerySet[Suggestion]:
    """The items waiting for the deputy here, oldest first: a draft or submitted one awaits their co-signature,
    a replied one their evaluation. Only items the deputy may see (they lead or co-sign every one)."""
    if deputy_id is None:
        return Suggestion.objects.none()
    cosign, evaluate = _conditions(deputy_id)
    return Suggestion.objects.filter(cosign | evaluate).select_related("lead_deputy").order_by("created_at", "id")


def awaiting_count(deputy_id: int) -> int:
    """How many items wait for the deputy here: one query."""
    cosign, evaluate = _conditions(deputy_id)
    return Suggestion.objects.filter(cosign | evaluate).count()


def on_step(step) -> None:
    """A hook of the suggestions workflow: refresh the waiting counts of the item's deputies after every step."""
    refresh_for_item(step.access.congress, step.item)


def refresh_for_item(congress, item) -> None:
    """Recompute the waiting count of every deputy on `item` (lead and co-signers) who has an account, and store
    it for the workspace. Called after every write (on_step for the workflow's steps), in the writer's transaction
    and schema: the same few queries per deputy (the count, then the InboxCount upsert), plus two to find the
    deputies' accounts."""
    deputy_ids = {item.lead_deputy_id, *CoSigner.objects.filter(suggestion=item).values_list("deputy_id", flat=True)}
    for deputy in Deputy.objects.filter(pk__in=deputy_ids, user__isnull=False).select_related("user"):
        inbox_count_set(user=deputy.user, congress=congress, kind=KIND, count=awaiting_count(deputy.pk))


def rebuild(congress) -> int:
    """Recompute every deputy's waiting count here from scratch (stale rows removed), in the caller's
    transaction and this congress's schema (manage.py rebuild_read_models). Returns the rows written."""
    InboxCount.objects.filter(congress=congress, kind=KIND).delete()
    deputy_ids = set(Suggestion.objects.values_list("lead_deputy_id", flat=True))
    deputy_ids |= set(CoSigner.objects.values_list("deputy_id", flat=True))
    for deputy in Deputy.objects.filter(pk__in=deputy_ids, user__isnull=False).select_related("user"):
        inbox_count_set(user=deputy.user, congress=congress, kind=KIND, count=awaiting_count(deputy.pk))
    return InboxCount.objects.filter(congress=congress, kind=KIND).count()
