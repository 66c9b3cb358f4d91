"""Handling public messages: the services that change a message (each checks permission, runs in one
transaction on the locked message, writes a MessageEvent and the public tracker's step), the selectors of the
handlers' workspace, the in-app notices, and the workspace counts (exchange.InboxCount, kind "messages").

Services raise PermissionDenied, or ValidationError keyed by field; on error nothing changes. Every status
change goes through message_transition, which applies workflow.TRANSITIONS.

What "awaits" a person here: the new messages they may handle (the office: every new message), and for the
staff of a handling unit, the messages forwarded to it and not yet answered.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.exchange.models import InboxCount, LiaisonFigure
from shared_apps.exchange.services import inbox_count_set
from shared_apps.memberships.models import Membership, Role
from shared_apps.memberships.permissions import Access
from shared_apps.notifications.services import notify
from shared_apps.registry.models import Deputy
from tenant_apps.liaison import tracking
from tenant_apps.liaison.exchange import accept_escalation, origin_transfer
from tenant_apps.liaison.figures import refresh_public_figures
from tenant_apps.liaison.models import (
    MessageEvent,
    MessageStatus,
    PublicMessage,
    Rating,
    StationDeputy,
    StationStaff,
)
from tenant_apps.liaison.workflow import (
    OFFICE_ROLES,
    TRANSITIONS,
    Step,
    can_view,
    can_view_mobile,
    deputy_id_of,
    event_label,
    is_office,
)
from tenant_apps.units.models import UnitStaff
from tenants.connection import current_schema, in_schema_of
from tenants.language import platform_text

INBOX_KIND = "messages"
ACCEPTED_NOTICE = gettext_lazy("%(name)s已受理您上报的群众留言（%(code)s）")
HIDDEN = (MessageStatus.HELD, MessageStatus.DISCARDED)
RATABLE = (MessageStatus.REPLIED, MessageStatus.CLOSED)
EXCERPT = 60


# -- helpers -------------------------------------------------------------------------------------------


def _require_here(access: Access) -> None:
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(_("只能在本级人大的平台上办理群众留言。"))


def _locked(message: PublicMessage) -> PublicMessage:
    return PublicMessage.objects.select_for_update().get(pk=message.pk)


def _record(
    message: PublicMessage, actor, action: str, from_status: str, note: str = "", public_note: str = "", **data
):
    return MessageEvent.objects.create(
        message=message,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=message.status,
        note=note,
        public_note=public_note,
        data=data,
    )


def detail_url(congress, message: PublicMessage) -> str:
    """The handling page of the message on its congress's host (for notices, which are read on any host)."""
    path = reverse("liaison:message_handle", urlconf="config.urls_tenant", kwargs={"pk": message.pk})
    return congress.url(path)


def _excerpt(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


# -- selectors -----------------------------------------------------------------------------------------


def _mine(access: Access) -> Q:
    """The messages the caller handles or was forwarded, as a condition (no office shortcut)."""
    user_id = access.user.pk if access.is_authenticated else None
    condition = Q(pk__in=[])
    if user_id is None:
        return condition
    if access.is_member:
        condition |= Q(station_id__in=StationStaff.objects.filter(user_id=user_id).values("station_id"))
    deputy_id = deputy_id_of(access.user) if Role.DEPUTY in access.roles else None
    if deputy_id is not None:
        on_duty = StationDeputy.objects.filter(deputy_id=deputy_id).values("station_id")
        condition |= Q(deputy_id=deputy_id) | Q(station_id__in=on_duty)
    if Role.HANDLING_UNIT_STAFF in access.roles:
        condition |= Q(forwarded_unit_id__in=UnitStaff.objects.filter(user_id=user_id).values("unit_id"))
    return condition


def can_use_inbox(access: Access) -> bool:
    """The workspace's pages: the office, deputies, handling-unit staff, and station staff (members here)."""
    if access.congress is None or not access.is_member:
        return False
    if access.roles & (OFFICE_ROLES | {Role.DEPUTY, Role.HANDLING_UNIT_STAFF}):
        return True
    return StationStaff.objects.filter(user_id=access.user.pk).exists()


def message_list(access: Access, *, status: str = "") -> QuerySet[PublicMessage]:
    """The messages the caller may handle here, new ones first, then the newest. The office sees every one
    (held ones only when asking for that status); everyone else the ones they handle. Nothing for outsiders."""
    if not can_use_inbox(access):
        return PublicMessage.objects.none()
    messages = PublicMessage.objects.all() if is_office(access) else PublicMessage.objects.filter(_mine(access))
    if status in MessageStatus.values:
        messages = messages.filter(status=status)
    if status not in HIDDEN or not is_office(access):
        messages = messages.exclude(status__in=HIDDEN)
    first = Case(When(status=MessageStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
    return messages.select_related("station", "deputy", "forwarded_unit").order_by(first, "-created_at", "-id")


def message_get_for_user(access: Access, pk) -> PublicMessage | None:
    """One message the caller may see; None both for a missing one and for one they may not see."""
    if not can_use_inbox(access):
        return None
    message = (
        PublicMessage.objects.select_related("station", "deputy", "forwarded_unit", "origin_congress")
        .filter(pk=pk)
        .first()
    )
    if message is None or not can_view(access, message):
        return None
    return message


def event_list(message: PublicMessage) -> list[MessageEvent]:
    """The message's history, oldest first, each step with its label (`action_label`)."""
    events = list(message.events.select_related("actor").order_by("created_at", "id"))
    labels = dict(MessageStatus.choices)
    for event in events:
        event.action_label = event_label(event.action)
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


# -- the workflow --------------------------------------------------------------------------------------


@transaction.atomic
def message_transition(*, access: Access, message: PublicMessage, action: str, **data) -> PublicMessage:
    """Apply one action of workflow.TRANSITIONS to the message, as `access`; returns the updated message.

    Checks, in order: the action exists, the message's status is one it starts from, the caller passes its
    predicate, the message qualifies, the note is given where required; then the effect validates its input
    (`data`) and changes the locked message, which is saved with update_fields, logged (MessageEvent) and
    tracked (the sender's view under the code), and the handlers' workspace counts are refreshed — all in this
    transaction. Raises ValidationError (by field, "status" for a wrong status) or PermissionDenied.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": [_("未知的操作。")]})
    _require_here(access)
    item = _locked(message)
    from_status = item.status
    if from_status not in transition.sources:
        raise ValidationError(
            {
                "status": [
                    _("“%(status)s”的留言不能%(action)s。")
                    % {"status": item.get_status_display(), "action": transition.label}
                ]
            }
        )
    if not transition.predicate(access, item):
        raise PermissionDenied(_("您无权%(action)s这条留言。") % {"action": transition.label})
    if transition.applies is not None and not transition.applies(access, item):
        message_text = _("这条留言不能%(action)s。") % {"action": transition.label}
        if transition.refusal:
            message_text = _("这条留言不能%(action)s：%(reason)s。") % {
                "action": transition.label,
                "reason": transition.refusal,
            }
        raise ValidationError({"action": [message_text]})
    note = str(data.pop("note", "") or "").strip()
    if transition.note_required and not note:
        raise ValidationError({"note": [_("请写明理由。")]})
    step = Step(access=access, message=item, data=data, note=note)
    target = transition.effect(step)
    assert target in transition.targets, (action, target)
    if target != from_status:
        step.set(status=target)
    if step.fields:
        item.save(update_fields=[*dict.fromkeys(step.fields), "updated_at"])
    accepted = transition.takes_up and accept_escalation(item)
    if accepted:
        # A step the upper congress takes on an escalated message answers its transfer "accepted".
        step.event_data["accepted"] = str(item.origin_transfer_id)
    notice = transition.escalator_notice or (ACCEPTED_NOTICE if accepted else None)
    if notice is not None and item.origin_transfer_id is not None:
        tell_escalator(access.congress, item, notice)
    _record(item, access.user, action, from_status, note, step.public_note, **step.event_data)
    tracking.track(access.congress, item, action, step.public_note)
    # Handlers are only ever added (a forward adds the unit's staff), so the set after the change covers all.
    refresh_counts(access.congress, handler_user_ids(access.congress, item))
    refresh_public_figures(access.congress, item)
    return item


@transaction.atomic
def message_mobile_reveal(*, access: Access, message: PublicMessage) -> str:
    """The sender's full mobile number, for the office or the message's deputy, on their explicit request;
    each look is logged as a "mobile_viewed" event. Raises PermissionDenied for everyone else."""
    from shared_apps.registry import crypto

    _require_here(access)
    item = _locked(message)
    if not can_view(access, item) or not can_view_mobile(access, item):
        raise PermissionDenied(_("只有人大办公室和留言所指定的代表可以查看留言人的完整手机号码。"))
    _record(item, access.user, "mobile_viewed", item.status)
    # SECURITY: decrypted only here, for this response; never stored or logged in clear.
    return crypto.decrypt(item.sender_mobile_encrypted) if item.sender_mobile_encrypted else ""


@transaction.atomic
def message_rate(*, congress, code: str, mobile_last4: str, rating: str) -> PublicMessage:
    """The SENDER rates the answer, anonymously: the tracking code and the last four digits of the mobile
    identify them. Only after a reply, once. Raises ValidationError by field (the same answer for a wrong
    code and a wrong number, so codes cannot be probed)."""
    if not in_schema_of(congress):
        raise PermissionDenied(_("只能在本级人大的平台上评价。"))
    code = str(code or "").strip().upper()
    last4 = str(mobile_last4 or "").strip()
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择满意、基本满意或不满意。")]})
    item = PublicMessage.objects.select_for_update().filter(tracking_code=code, mobile_last4=last4).first()
    if item is None or not last4:
        raise ValidationError({"code": [_("查询码或手机号码后四位不正确。")]})
    if item.status == MessageStatus.ESCALATED:
        raise ValidationError({"code": [_("这条留言已上报上一级人大办理，请在上一级人大的平台上评价。")]})
    if item.status not in RATABLE or item.replied_at is None:
        raise ValidationError({"rating": [_("留言答复后才能评价。")]})
    if item.rating:
        raise ValidationError({"rating": [_("您已评价过这条留言的答复。")]})
    item.rating, item.rated_at = rating, timezone.now()
    item.save(update_fields=["rating", "rated_at", "updated_at"])
    label = Rating(rating).label
    _record(item, None, "rate", item.status, public_note=platform_text(label), rating=rating)
    tracking.track(
        congress, item, "rated", platform_text(gettext_lazy("留言人评价：%(label)s"), label=platform_text(label))
    )
    return item


# -- notices and counts --------------------------------------------------------------------------------


def _users(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _handler_q(message: PublicMessage) -> Q:
    """The registry deputies who handle the message: the one it names and those on duty at its station."""
    condition = Q(pk=message.deputy_id) if message.deputy_id else Q(pk__in=[])
    if message.station_id:
        on_duty = StationDeputy.objects.filter(station_id=message.station_id).values("deputy_id")
        condition |= Q(pk__in=on_duty)
    return condition


def handler_user_ids(congress, message: PublicMessage) -> set[int]:
    """The accounts that handle the message (apart from the office): its deputies, its station's staff, and
    the staff of the unit it was forwarded to. Three queries, whatever their number."""
    ids = set(Deputy.objects.filter(_handler_q(message), user__isnull=False).values_list("user_id", flat=True))
    if message.station_id:
        ids |= set(StationStaff.objects.filter(station_id=message.station_id).values_list("user_id", flat=True))
    if message.forwarded_unit_id:
        ids |= set(UnitStaff.objects.filter(unit_id=message.forwarded_unit_id).values_list("user_id", flat=True))
    return ids


def office_user_ids(congress) -> set[int]:
    return set(
        Membership.objects.filter(congress=congress, role__in=OFFICE_ROLES, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def awaiting(user, congress) -> QuerySet[PublicMessage]:
    """The messages waiting for `user` here: new ones they may handle (the office: all new ones), and the
    ones forwarded to a unit they staff and not yet answered."""
    if Membership.objects.filter(user_id=user.pk, congress=congress, role__in=OFFICE_ROLES).exists():
        return PublicMessage.objects.filter(status=MessageStatus.NEW)
    deputy_id = Deputy.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    mine = Q(station_id__in=StationStaff.objects.filter(user_id=user.pk).values("station_id"))
    if deputy_id is not None:
        on_duty = StationDeputy.objects.filter(deputy_id=deputy_id).values("station_id")
        mine |= Q(deputy_id=deputy_id) | Q(station_id__in=on_duty)
    units = UnitStaff.objects.filter(user_id=user.pk).values("unit_id")
    return PublicMessage.objects.filter(
        Q(status=MessageStatus.NEW) & mine | Q(status=MessageStatus.FORWARDED, forwarded_unit_id__in=units)
    )


def refresh_counts(congress, user_ids) -> None:
    """Recompute and store (exchange.InboxCount, kind "messages") how many messages wait for each of these
    accounts and for the office here. Runs in the caller's transaction and schema; a few queries per person,
    the office's count (every new message, the same for all its staff) counted once."""
    office = office_user_ids(congress)
    office_count = None
    for user in _users(set(user_ids) | office):
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


def on_message_received(congress, message: PublicMessage, *, escalated: bool = False) -> None:
    """A message has arrived here (sent by the public, released by staff, or delivered from below): tell the
    people who handle it in-app, and the office as well for an escalation; refresh the workspace counts.
    Call in the transaction that creates (or releases) the message, in its congress's schema. No SMS or
    e-mail here: those go out once a day (digest.py)."""
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    handlers = handler_user_ids(congress, message)
    told = handlers | (office_user_ids(congress) if escalated else set())
    if escalated:
        title = platform_text(gettext_lazy("下级人大上报了一条群众留言（%(code)s）"), code=message.tracking_code)
    else:
        title = platform_text(gettext_lazy("您有一条新的群众留言（%(code)s）"), code=message.tracking_code)
    url = detail_url(congress, message)
    for user in _users(told):
        kind = "liaison_escalation" if escalated else "liaison_message"
        notify(user=user, congress=congress, kind=kind, title=title, body=_excerpt(message.text), url=url)
    refresh_counts(congress, handlers)
    refresh_public_figures(congress, message)


def on_message_returned(congress, message: PublicMessage, from_name: str) -> None:
    """An escalated message came back from the congress above (in the delivery transaction, in this schema):
    tell its handlers and the office in-app, refresh the counts and the figures."""
    assert in_schema_of(congress), (current_schema(), congress.schema_name)
    handlers = handler_user_ids(congress, message)
    title = platform_text(
        gettext_lazy("%(name)s退回了上报的群众留言（%(code)s）"), name=from_name, code=message.tracking_code
    )
    url = detail_url(congress, message)
    for user in _users(handlers | office_user_ids(congress)):
        notify(user=user, congress=congress, kind="liaison_returned", title=title, body=_excerpt(message.text), url=url)
    refresh_counts(congress, handlers)
    refresh_public_figures(congress, message)


def tell_escalator(congress, message: PublicMessage, template) -> None:
    """Tell the account that escalated `message` here (the transfer's sender, a public fact) what this congress
    did with it, linking to their own copy on their congress's host. Nothing if the account is unknown. In the
    caller's transaction."""
    transfer = origin_transfer(message)
    if transfer is None or transfer.source is None or transfer.created_by is None:
        return
    # The escalation's reference is "message:<id>" (or "message:<id>/<n>" when escalated again).
    lower_id = int(transfer.source_ref.removeprefix("message:").split("/")[0])
    path = reverse("liaison:message_handle", urlconf="config.urls_tenant", kwargs={"pk": lower_id})
    notify(
        user=transfer.created_by,
        congress=transfer.source,
        kind="liaison_escalation_answered",
        title=platform_text(template, name=congress.name, code=message.tracking_code),
        body=_excerpt(message.text),
        url=transfer.source.url(path),
    )


def notify_unit_staff(congress, message: PublicMessage, unit) -> None:
    """Tell the unit's staff in-app that a message was forwarded to them (in the forwarding transaction)."""
    title = platform_text(gettext_lazy("转交办的群众留言（%(code)s）"), code=message.tracking_code)
    url = detail_url(congress, message)
    staff = UnitStaff.objects.filter(unit=unit).values_list("user_id", flat=True)
    for user in _users(staff):
        notify(
            user=user, congress=congress, kind="liaison_forwarded", title=title, body=_excerpt(message.text), url=url
        )
