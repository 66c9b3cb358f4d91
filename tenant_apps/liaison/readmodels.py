"""The liaison module's public read models that are not figures: how many messages wait for each person here
(exchange.InboxCount, kind "messages"), which the deputy workspace shows without entering this schema.

Written in the same transaction as the change that moves them, by the congress that made it (or by the
delivery handler, for a change that arrives from another congress); `rebuild_read_models` repairs them.
"""

from django.urls import reverse

from shared_apps.exchange.models import InboxCount, LiaisonFigure
from shared_apps.exchange.services import INBOX_ITEMS, Waiting, inbox_count_set
from shared_apps.memberships.models import Membership
from shared_apps.memberships.selectors import office_user_ids
from tenant_apps.liaison import duties
from tenant_apps.liaison.figures import refresh_public_figures
from tenant_apps.liaison.models import MessageStatus, PublicMessage
from tenant_apps.liaison.selectors import active_users, awaiting
from tenants.connection import current_schema, in_schema_of

INBOX_KIND = "messages"


def refresh_counts(congress, user_ids) -> None:
    """Recompute and store how many messages wait for each of these accounts and for the office here. Runs in
    the caller's transaction and schema; a few queries per person, the office's count (every new message, the
    same for all its staff) counted once."""
    office = office_user_ids(congress)
    office_waiting = None
    list_url = congress.url(reverse("liaison:inbox", urlconf="config.urls_tenant"))
    for user in active_users(set(user_ids) | office):
        if user.pk in office:
            if office_waiting is None:  # every new message, the same for all the office's staff: counted once
                new = PublicMessage.objects.filter(status=MessageStatus.NEW).order_by("created_at", "id")
                office_waiting = (new.count(), _named(congress, new))
            count, items = office_waiting
        else:
            mine = awaiting(user, congress).order_by("created_at", "id")
            count, items = mine.count(), _named(congress, mine)
        inbox_count_set(user=user, congress=congress, kind=INBOX_KIND, count=count, items=items, url=list_url)


def _named(congress, messages) -> list[Waiting]:
    """The oldest waiting messages as the workspace names them: tracking code and first words, linked."""
    found = []
    for message in messages[:INBOX_ITEMS]:
        path = reverse("liaison:message_handle", urlconf="config.urls_tenant", kwargs={"pk": message.pk})
        words = " ".join(message.text.split())[:40]
        found.append(
            Waiting(title=f"{message.tracking_code} {words}", url=congress.url(path), since=message.created_at)
        )
    return found


def rebuild_read_models(congress) -> int:
    """Recompute this congress's public read models of the module from scratch — every member's waiting count
    (stale rows removed) and the figures of every year — in the caller's transaction and this congress's
    schema (manage.py rebuild_read_models). Returns the rows written."""
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    InboxCount.objects.filter(congress=congress, kind=INBOX_KIND).delete()
    LiaisonFigure.objects.filter(congress=congress).delete()
    refresh_counts(congress, set(Membership.objects.filter(congress=congress).values_list("user_id", flat=True)))
    refresh_public_figures(congress)
    return (
        InboxCount.objects.filter(congress=congress, kind=INBOX_KIND).count()
        + LiaisonFigure.objects.filter(congress=congress).count()
        + duties.rebuild(congress)
    )
