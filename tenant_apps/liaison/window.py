"""The interaction window (互动之窗): the public's messages whose public reply the office approved, with that
reply, for the whole congress, one station, one deputy or one deputy studio. Public (anonymous visitors).

SECURITY: only what the sender agreed to show leaves here: the text, the category, the dates, the approved public
reply, and the sender as 匿名 or masked to the first character of their name. Never the mobile (not even
its last digits, which unlock the tracker), never the tracking code, never the private reply.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tenant_apps.liaison.figures import of_deputy
from tenant_apps.liaison.models import MessageStatus, PublicMessage
from tenants.modules import News
from tenants.selectors import effective_settings

PAGE_SIZE = 20
PUBLIC_COLUMNS = (
    "category",
    "text",
    "sender_name",
    "is_anonymous",
    "status",
    "public_reply_text",
    "public_approved_at",
    "replied_at",
    "created_at",
    "station__name",
    "station__code",
    "deputy",
)


def window_messages() -> QuerySet[PublicMessage]:
    """Messages on the window: the public reply approved, and neither held nor discarded; newest first."""
    return (
        PublicMessage.objects.filter(public_approved_at__isnull=False)
        .exclude(status__in=(MessageStatus.HELD, MessageStatus.DISCARDED))
        .select_related("station")
        .only(*PUBLIC_COLUMNS)
        .order_by("-created_at", "-id")
    )


def for_station(station) -> QuerySet[PublicMessage]:
    return window_messages().filter(station=station)


def for_deputy(deputy) -> QuerySet[PublicMessage]:
    """Approved messages addressed to `deputy` or answered by them (figures.of_deputy)."""
    return window_messages().filter(of_deputy(deputy))


def for_deputies(deputy_ids) -> QuerySet[PublicMessage]:
    """Messages addressed to any of these deputies (a deputy studio's page)."""
    return window_messages().filter(deputy_id__in=list(deputy_ids))


def sender_display(message: PublicMessage) -> str:
    """How the sender appears publicly: 匿名, or the first character of their name and two stars."""
    name = (message.sender_name or "").strip()
    if message.is_anonymous or not name:
        return _("匿名")
    return name[0] + "**"


@dataclass(frozen=True)
class WindowRow:
    """One message as the public sees it."""

    category: str
    text: str
    sender: str
    sent_on: datetime.date
    station_name: str
    station_code: str
    deputy_id: int | None
    deputy_name: str
    reply: str
    replied_on: datetime.date | None
    status: str


def rows(messages, congress) -> list[WindowRow]:
    """The public view of these messages (one page of them): category labels from the congress's settings,
    deputies' names from the registry in one query."""
    from django.utils import timezone

    from shared_apps.registry.models import Deputy

    messages = list(messages)
    labels = dict(effective_settings(congress)["categories.public_message"])
    names = dict(Deputy.objects.filter(pk__in={m.deputy_id for m in messages if m.deputy_id}).values_list("pk", "name"))
    return [
        WindowRow(
            category=labels.get(m.category, m.category),
            text=m.text,
            sender=sender_display(m),
            sent_on=timezone.localdate(m.created_at),
            station_name=m.station.name if m.station_id else "",
            station_code=m.station.code if m.station_id else "",
            deputy_id=m.deputy_id,
            deputy_name=names.get(m.deputy_id, ""),
            reply=m.public_reply_text,
            replied_on=timezone.localdate(m.replied_at) if m.replied_at else None,
            status=m.get_status_display(),
        )
        for m in messages
    ]


def page_of(messages: QuerySet, number, congress) -> Page:
    """One page (PAGE_SIZE messages; a bad number gives the nearest page) with its rows made public."""
    page = Paginator(messages, PAGE_SIZE).get_page(number)
    page.object_list = rows(page.object_list, congress)
    return page


def studio_deputy_ids(studio) -> list[int]:
    """The deputies on duty at a deputy studio (groups app): whose messages its page lists."""
    from tenant_apps.groups.models import StudioDuty

    return list(StudioDuty.objects.filter(studio=studio).values_list("deputy_id", flat=True).distinct())


def news(limit: int) -> list[News]:
    """The latest answers on the interaction window, for the congress's front page (最新动态)."""
    return [
        News(
            title=" ".join(message.text.split())[:40],
            url=reverse("liaison:window"),
            when=message.public_approved_at,
            kind=str(_("群众留言答复")),
        )
        for message in window_messages().order_by("-public_approved_at", "-id")[:limit]
    ]
