"""What waits for whom in this congress's motions and suggestions, and the exchange.InboxCount read model that
the workspace (a shared page that never enters a congress's schema) shows per congress, each item named.

- A deputy (kind "suggestions"): a co-signature they were asked for and have not confirmed (while the item is a
  draft or awaits review), and the current reply of an item they lead or co-signed, not yet evaluated.
- The office (kind "suggestions_office"): items to review (submitted), to assign (accepted), and extension
  requests to decide.
- A unit's staff (kind "suggestions_unit"): items their unit leads that await its reply (assigned, re-handled),
  and items it joins that await its joint opinion.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from shared_apps.exchange.models import InboxCount
from shared_apps.exchange.services import INBOX_ITEMS, Waiting, inbox_count_set
from shared_apps.memberships.selectors import office_user_ids
from shared_apps.registry.models import Deputy
from tenant_apps.suggestions import duties
from tenant_apps.suggestions.models import (
    Assignment,
    AssignmentRole,
    CoSigner,
    Evaluation,
    Extension,
    JointOpinion,
    Status,
    Suggestion,
)
from tenant_apps.units.models import UnitStaff

KIND = "suggestions"
OFFICE_KIND = "suggestions_office"
UNIT_KIND = "suggestions_unit"
KINDS = (KIND, OFFICE_KIND, UNIT_KIND)
COSIGN_STATUSES = (Status.DRAFT, Status.SUBMITTED)
HANDLING = (Status.ASSIGNED, Status.REHANDLING)


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


def office_awaiting() -> QuerySet[Suggestion]:
    """What waits for the office, oldest first: items to review or assign, extension requests to decide."""
    pending = Extension.objects.filter(suggestion=OuterRef("pk"), approved__isnull=True)
    return Suggestion.objects.filter(
        Q(status__in=(Status.SUBMITTED, Status.ACCEPTED)) | Q(Exists(pending), status__in=HANDLING)
    ).order_by("created_at", "id")


def unit_awaiting(user_id: int) -> QuerySet[Suggestion]:
    """What waits for a unit's staff member, oldest first: the replies their units lead, the joint opinions
    their units owe."""
    units = UnitStaff.objects.filter(user_id=user_id).values("unit_id")
    leads = Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id__in=units, role=AssignmentRole.LEAD)
    joins = Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id__in=units, role=AssignmentRole.JOINT)
    opined = JointOpinion.objects.filter(suggestion=OuterRef("pk"), unit_id__in=units)
    return Suggestion.objects.filter(
        Q(Exists(leads)) | (Q(Exists(joins)) & ~Q(Exists(opined))), status__in=HANDLING
    ).order_by("created_at", "id")


def _named(congress, items) -> list[Waiting]:
    """The oldest waiting items as the workspace names them, linked to their pages on the congress's host."""
    found = []
    for item in items[:INBOX_ITEMS]:
        path = reverse("suggestions:detail", urlconf="config.urls_tenant", kwargs={"pk": item.pk})
        title = f"{item.number}. {item.title}" if item.number else item.title
        found.append(Waiting(title=title, url=congress.url(path), since=item.created_at))
    return found


def _waiting(congress, items: QuerySet[Suggestion]) -> tuple[int, list[Waiting]]:
    """How many items wait, and the oldest named: two queries."""
    return items.count(), _named(congress, items)


def _store(user, congress, kind: str, waiting: tuple[int, list[Waiting]]) -> None:
    count, named = waiting
    list_url = congress.url(reverse("suggestions:index", urlconf="config.urls_tenant"))
    inbox_count_set(user=user, congress=congress, kind=kind, count=count, items=named, url=list_url)


def on_step(step) -> None:
    """A hook of the suggestions workflow: refresh what waits for everyone the item concerns after every step."""
    refresh_for_item(step.access.congress, step.item)


def refresh_for_item(congress, item) -> None:
    """Recompute what waits for everyone `item` concerns — its deputies with accounts, the office, the staff of
    its units — and store it for the workspace. Called after every write (on_step for the workflow's steps), in
    the writer's transaction and schema: a few queries per person (the count, the oldest items, the upsert)."""
    deputy_ids = {item.lead_deputy_id, *CoSigner.objects.filter(suggestion=item).values_list("deputy_id", flat=True)}
    for deputy in Deputy.objects.filter(pk__in=deputy_ids, user__isnull=False).select_related("user"):
        _store(deputy.user, congress, KIND, _waiting(congress, awaiting(deputy.pk)))
    _refresh_office(congress)
    unit_ids = Assignment.objects.filter(suggestion=item).values("unit_id")
    _refresh_staff(congress, set(UnitStaff.objects.filter(unit_id__in=unit_ids).values_list("user_id", flat=True)))
    # The deputies' duty record follows the item too: submitted, co-signed, withdrawn, published.
    duties.refresh(congress, item)


def _refresh_office(congress) -> None:
    """What waits for the office is the same for all its staff: counted once, stored for each."""
    users = list(get_user_model().objects.filter(pk__in=office_user_ids(congress), is_active=True))
    if users:
        waiting = _waiting(congress, office_awaiting())
        for user in users:
            _store(user, congress, OFFICE_KIND, waiting)


def _refresh_staff(congress, user_ids) -> None:
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        _store(user, congress, UNIT_KIND, _waiting(congress, unit_awaiting(user.pk)))


def rebuild(congress) -> int:
    """Recompute what waits for everyone here from scratch (stale rows removed), in the caller's transaction and
    this congress's schema (manage.py rebuild_read_models). Returns the rows written."""
    InboxCount.objects.filter(congress=congress, kind__in=KINDS).delete()
    deputy_ids = set(Suggestion.objects.values_list("lead_deputy_id", flat=True))
    deputy_ids |= set(CoSigner.objects.values_list("deputy_id", flat=True))
    for deputy in Deputy.objects.filter(pk__in=deputy_ids, user__isnull=False).select_related("user"):
        _store(deputy.user, congress, KIND, _waiting(congress, awaiting(deputy.pk)))
    _refresh_office(congress)
    _refresh_staff(congress, set(UnitStaff.objects.values_list("user_id", flat=True)))
    return InboxCount.objects.filter(congress=congress, kind__in=KINDS).count() + duties.rebuild(congress)
