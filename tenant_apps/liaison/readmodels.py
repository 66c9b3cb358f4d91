"""The liaison module's public read models that are not figures: how many messages wait for each person here
(exchange.InboxCount, kind "messages"), which the deputy workspace shows without entering this schema.

Written in the same transaction as the change that moves them, by the congress that made it (or by the
delivery handler, for a change that arrives from another congress); `rebuild_read_models` repairs them.
"""

from shared_apps.exchange.models import InboxCount, LiaisonFigure
from shared_apps.exchange.services import inbox_count_set
from shared_apps.memberships.models import Membership
from shared_apps.memberships.selectors import office_user_ids
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
    office_count = None
    for user in active_users(set(user_ids) | office):
        if user.pk in office:
            if office_count is None:
                office_count = PublicMessage.objects.filter(status=MessageStatus.NEW).count()
            count = office_count
        else:
            count = awaiting(user, congress).count()
        inbox_count_set(user=user, congress=congress, kind=INBOX_KIND, count=count)


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
    )
