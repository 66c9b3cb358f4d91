"""What motions and suggestions write into the deputies' duty record (shared_apps.ledger): the lead deputy and
each co-signer who confirmed, once the item is submitted (not a draft, not withdrawn or returned). Public when
the office published the item with its deputies shown. Refreshed with the item's other read models
(inbox.refresh_for_item), rebuilt by `rebuild`."""

from django.urls import reverse
from django.utils import timezone

from shared_apps.ledger import services as ledger
from shared_apps.ledger.services import Duty
from tenant_apps.suggestions.models import Confidentiality, Status, Suggestion

SOURCE = "suggestions"
UNCOUNTED = frozenset({Status.DRAFT, Status.WITHDRAWN, Status.RETURNED})


def _duties(congress, item: Suggestion) -> list[Duty]:
    if item.status in UNCOUNTED or item.submitted_at is None:
        return []
    url = congress.url(reverse("suggestions:detail", urlconf="config.urls_tenant", kwargs={"pk": item.pk}))
    public = (
        item.published_at is not None
        and "deputies" not in (item.public_hidden or [])
        and item.confidentiality == Confidentiality.NONE
    )
    title = f"{item.number}. {item.title}" if item.number else item.title
    if item.confidentiality == Confidentiality.CLASSIFIED:
        title = f"{item.number}. 涉密议案建议" if item.number else "涉密议案建议"  # the title stays in its congress
    common = {
        "title": title,
        "occurred_on": timezone.localdate(item.submitted_at),
        "url": url,
        "category": str(item.get_kind_display()),
        "public": public,
    }
    duties = [
        Duty(deputy_id=item.lead_deputy_id, source_ref=f"suggestion:{item.pk}:lead", kind="suggestion_led", **common)
    ]
    for deputy_id in item.cosigners.filter(confirmed_at__isnull=False).values_list("deputy_id", flat=True):
        duties.append(
            Duty(deputy_id=deputy_id, source_ref=f"suggestion:{item.pk}:cosign", kind="suggestion_cosigned", **common)
        )
    return duties


def refresh(congress, item: Suggestion) -> None:
    """Make the duty record say what the item says now, in the writer's transaction."""
    duties = _duties(congress, item)
    ledger.withdraw_prefix(congress, f"suggestion:{item.pk}:", keep=[d.deputy_id for d in duties])
    for duty in duties:
        ledger.record(congress, SOURCE, duty)


def rebuild(congress) -> int:
    items = Suggestion.objects.exclude(status__in=UNCOUNTED).prefetch_related("cosigners")
    return ledger.replace(congress, SOURCE, [d for item in items for d in _duties(congress, item)])
