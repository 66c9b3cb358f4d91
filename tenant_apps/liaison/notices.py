"""In-app notices of the liaison module: whom a message's arrival or a step concerns, and the words they read.

Notices are written in the platform's language (tenants.language.platform_text) whatever the writer's screen
is in, in the caller's transaction and schema; a notice links to the message on its congress's host, since
notices are read on any host. SMS and e-mail to handlers go out once a day (digest.py), not per message.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shared_apps.memberships.selectors import office_user_ids
from shared_apps.notifications.services import notify, notify_users
from tenant_apps.liaison.figures import refresh_public_figures
from tenant_apps.liaison.models import PublicMessage
from tenant_apps.liaison.readmodels import refresh_counts
from tenant_apps.liaison.selectors import handler_user_ids, unit_staff_ids
from tenants.connection import current_schema, in_schema_of
from tenants.language import platform_text

EXCERPT = 60


def detail_url(congress, message_id: int) -> str:
    """The handling page of a message on its congress's host."""
    path = reverse("liaison:message_handle", urlconf="config.urls_tenant", kwargs={"pk": message_id})
    return congress.url(path)


def excerpt(text: str) -> str:
    """The message's first words, on one line, for a notice's body."""
    text = " ".join(str(text).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def tell(congress, message: PublicMessage, user_ids, *, kind: str, title: str) -> None:
    """Notify each active account of `user_ids` in-app about `message`, linking to its handling page here (SMS
    and e-mail: the daily digest)."""
    url = detail_url(congress, message.pk)
    notify_users(user_ids=user_ids, congress=congress, kind=kind, title=title, body=excerpt(message.text), url=url)


# What a handler reads when a message reaches them; used by the tables' Notify and by the paths that create a
# message (the public's, an escalation from below), which are not transitions.
NEW_MESSAGE = gettext_lazy("您有一条新的群众留言（%(code)s）")
ESCALATED_IN = gettext_lazy("下级人大上报了一条群众留言（%(code)s）")
RETURNED_FROM_ABOVE = gettext_lazy("%(name)s退回了上报的群众留言（%(code)s）")


def deliver(step, notice, user_ids: set[int]) -> None:
    """The liaison workflows' delivery of a transition's Notify: in-app, the message's %(code)s (and, for a
    delivery from another congress, its %(name)s) in the title. SMS and e-mail go out in the daily digest."""
    message = step.obj
    transfer = step.data.get("transfer")
    from_name = transfer.payload.get("from_name", "") if transfer is not None else ""
    title = platform_text(notice.title_for(step), code=message.tracking_code, name=from_name)
    tell(step.access.congress, message, user_ids, kind=notice.kind, title=title)


# -- who ------------------------------------------------------------------------------------------------


def handlers(step) -> set[int]:
    """The message's handlers (its deputies, its station's staff, the forwarded unit's staff)."""
    return handler_user_ids(step.message)


def handlers_and_office(step) -> set[int]:
    return handlers(step) | office_user_ids(step.access.congress)


def forwarded_unit_staff(step) -> set[int]:
    """The staff of the unit the message was just forwarded to: it is theirs to answer now."""
    return unit_staff_ids(step.message.forwarded_unit_id)


def office_if_public_text_proposed(step) -> set[int]:
    """A reply that proposes a public text waits for the office's approval: the office must act next."""
    return office_user_ids(step.access.congress) if step.data.get("public_reply_text") else set()


def replier(step) -> set[int]:
    """Whoever answered the sender: their proposed public text was approved (or edited) by the office."""
    replied_by = step.message.replied_by_id
    return {replied_by} if replied_by else set()


# -- arrivals (not transitions) ----------------------------------------------------------------------------


def refresh_after_arrival(congress, message: PublicMessage) -> None:
    """The handlers' waiting counts and the congress's figures, after a message reached this congress."""
    refresh_counts(congress, handler_user_ids(message))
    refresh_public_figures(congress, message)


def on_message_received(congress, message: PublicMessage, *, escalated: bool = False) -> None:
    """A message has arrived here (sent by the public, or delivered from below for the first time): tell the
    people who handle it in-app, and the office as well for an escalation; refresh the workspace counts and the
    figures. Call in the transaction that creates the message, in its congress's schema."""
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    handlers = handler_user_ids(message)
    if escalated:
        title = platform_text(ESCALATED_IN, code=message.tracking_code)
        tell(congress, message, handlers | office_user_ids(congress), kind="liaison_escalation", title=title)
    else:
        tell(
            congress,
            message,
            handlers,
            kind="liaison_message",
            title=platform_text(NEW_MESSAGE, code=message.tracking_code),
        )
    refresh_after_arrival(congress, message)


def tell_escalator(congress, message: PublicMessage, transfer, template) -> None:
    """Tell the account that escalated `message` here (the transfer's sender, a public fact) what this congress
    did with it, linking to their own copy on their congress's host. Nothing if the account is unknown. In the
    caller's transaction."""
    if transfer is None or transfer.source is None or transfer.created_by is None:
        return
    # The escalation's reference is "message:<id>" (or "message:<id>/<n>" when escalated again).
    lower_id = int(transfer.source_ref.removeprefix("message:").split("/")[0])
    notify(
        user=transfer.created_by,
        congress=transfer.source,
        kind="liaison_escalation_answered",
        title=platform_text(template, name=congress.name, code=message.tracking_code),
        body=excerpt(message.text),
        url=detail_url(transfer.source, lower_id),
    )
