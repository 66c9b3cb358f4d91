"""Reminders before a deadline and urgings (催办) after it: an in-app notice, and an SMS where a mobile number
is known, for the deadlines of the items being handled.

What is owed on a day (`due_reminders`), counted in working days of the congress's calendar:

- the reply (`reply_due`, items assigned or re-handled): the lead unit's staff get "reply_due_soon" once
  today is within `reminder.before_working_days` working days of the deadline, then "reply_overdue:<n>" on the
  first working day after it and again every `reminder.urge_every_working_days` working days (round n); the
  office staff get an in-app copy of each urging;
- the joint units' opinions (`deadline.joint_opinion_months` after assignment, as services.joint_opinion_due):
  the same two stages, "joint_opinion_due_soon" and "joint_opinion_overdue:<n>", to the staff of the joint units
  that have not sent theirs (with an office copy of the urgings);
- the deputies' evaluation (`deadline.evaluation_working_days` after the reply): "evaluation_due_soon" to the
  lead deputy and confirmed co-signers who have not rated the current reply.

Sent once. `send_due_reminders` claims a Reminder row per (item, kind, due) with INSERT ... ON CONFLICT DO
NOTHING and, in the same transaction, writes the notices, the item's history event and the SMS jobs. However
often the sweep runs, on however many machines, the unique constraint `suggestions_reminder_once` lets one
transaction claim the row; the others insert nothing and send nothing. A moved deadline (an approved
extension, a re-handling clock) is a new `due`, so it is reminded afresh; each urging round is its own kind.

SMS. Each text message is its own procrastinate job (`tasks.send_reminder_sms`), deferred in the claiming
transaction: it exists if and only if the reminder was committed, and only once. The job looks the number up
when it runs (so no clear mobile number sits in the job queue), sends, and counts the message in
`Reminder.sms_sent`. A gateway failure (SmsError or any error) fails the job, which the worker retries with a
back-off; after the last attempt it stays failed in the queue for the operator, while the in-app notice has
been delivered regardless. "Once" is therefore exact for the reminder and its notices, and at-least-once for
the SMS leg: only a worker dying between the gateway's acceptance and the job's completion repeats a message.

Accounts have no phone number: a unit's SMS goes to its contact phone when that is a mobile number (11 digits
starting with 1), a deputy's to the mobile number in the registry. Reminders go out on working days only.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.accounts.sms import send_sms
from shared_apps.memberships.models import Membership, Role
from shared_apps.notifications.services import notify
from shared_apps.registry.models import Deputy
from shared_apps.workdays.calendar import WorkCalendar
from tenant_apps.suggestions.models import (
    AssignmentRole,
    Confidentiality,
    Reminder,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.units.models import HandlingUnit, UnitStaff
from tenants.selectors import effective_settings
from tenants.workflow.history import record_event

REPLY_STATUSES = frozenset({Status.ASSIGNED, Status.REHANDLING})
SOON, OVERDUE = "soon", "overdue"
REPLY, JOINT_OPINION, EVALUATION = "reply", "joint_opinion", "evaluation"
_MOBILE = re.compile(r"1\d{10}")

# (topic, stage) → (notice title, text). The text serves the notice (with the item's title) and the SMS
# (without it: a text message should not carry what the deputies wrote).
TEXTS = {
    (REPLY, SOON): (
        gettext_lazy("答复期限临近：%(item)s"),
        gettext_lazy("您单位主办的%(item)s%(title)s答复期限为%(due)s，请按时答复代表。"),
    ),
    (REPLY, OVERDUE): (
        gettext_lazy("催办：%(item)s逾期未答复"),
        gettext_lazy("%(item)s%(title)s答复期限为%(due)s，已逾期%(days)d个工作日，请主办单位尽快答复代表。"),
    ),
    (JOINT_OPINION, SOON): (
        gettext_lazy("会办意见期限临近：%(item)s"),
        gettext_lazy("您单位会办的%(item)s%(title)s须于%(due)s前向主办单位提出会办意见。"),
    ),
    (JOINT_OPINION, OVERDUE): (
        gettext_lazy("催办：%(item)s会办意见逾期"),
        gettext_lazy("%(item)s%(title)s的会办意见期限为%(due)s，已逾期%(days)d个工作日，请会办单位尽快提出。"),
    ),
    (EVALUATION, SOON): (
        gettext_lazy("请评价答复：%(item)s"),
        gettext_lazy("您提出的%(item)s%(title)s已答复，请于%(due)s前评价办理情况。"),
    ),
}


@dataclass(frozen=True)
class Owed:
    """One reminder owed today: for which item, which deadline, to whom."""

    item: Suggestion
    topic: str  # reply, joint_opinion or evaluation
    stage: str  # soon (before the deadline) or overdue (an urging)
    due: datetime.date
    round: int = 0  # the urging's round (1, 2, ...); 0 before the deadline
    overdue_days: int = 0
    users: tuple[int, ...] = ()  # accounts that get an in-app notice, the office's copies included
    sms: tuple[tuple[str, int], ...] = ()  # ("unit", id) or ("deputy", id) with a mobile number

    @property
    def kind(self) -> str:
        if self.stage == OVERDUE:
            return f"{self.topic}_overdue:{self.round}"
        return f"{self.topic}_due_soon"

    @property
    def is_urging(self) -> bool:
        return self.stage == OVERDUE


def _stage(calendar: WorkCalendar, today, due, before: int, every: int) -> tuple[str, int, int] | None:
    """(stage, round, working days overdue) of a deadline today, or None when nothing is owed."""
    if today <= due:
        return (SOON, 0, 0) if calendar.working_days_between(today, due) <= before else None
    overdue = calendar.working_days_between(due, today)
    if overdue < 1:
        return None  # past the date but no working day since (a weekend right after the deadline)
    return OVERDUE, (overdue - 1) // every + 1, overdue


def unit_mobile(phone: str) -> str:
    """The unit's contact phone if it is a mobile number (11 digits starting with 1), else ""."""
    digits = re.sub(r"[\s\-()]", "", phone or "").removeprefix("+86")
    return digits if _MOBILE.fullmatch(digits) else ""


@dataclass
class _People:
    """Who the reminders of one congress go to, read once per sweep (public and congress tables)."""

    unit_staff: dict[int, list[int]] = field(default_factory=dict)  # unit → active accounts holding the role
    unit_mobiles: set[int] = field(default_factory=set)  # units whose contact phone is a mobile number
    office: list[int] = field(default_factory=list)
    deputies: dict[int, tuple[int | None, bool]] = field(default_factory=dict)  # deputy → (account, has mobile)

    @classmethod
    def load(cls, congress, items: list[Suggestion]) -> "_People":
        people = cls()
        unit_ids = {a.unit_id for item in items for a in item.assignments.all()}
        role_holders = set(
            Membership.objects.filter(
                congress=congress, role=Role.HANDLING_UNIT_STAFF, user__is_active=True
            ).values_list("user_id", flat=True)
        )
        for unit_id, user_id in UnitStaff.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "user_id"):
            if user_id in role_holders:
                people.unit_staff.setdefault(unit_id, []).append(user_id)
        for unit_id, phone in HandlingUnit.objects.filter(pk__in=unit_ids).values_list("pk", "contact_phone"):
            if unit_mobile(phone):
                people.unit_mobiles.add(unit_id)
        people.office = sorted(
            Membership.objects.filter(congress=congress, role=Role.OFFICE_STAFF, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        deputy_ids = {d for item in items for d in _item_deputies(item)}
        for deputy in Deputy.objects.filter(pk__in=deputy_ids).select_related("user"):
            account = deputy.user_id if deputy.user is not None and deputy.user.is_active else None
            people.deputies[deputy.pk] = (account, bool(deputy.mobile_token))
        return people

    def units(self, unit_ids: list[int], *, office_copy: bool) -> tuple[tuple[int, ...], tuple[tuple[str, int], ...]]:
        users = [u for unit_id in unit_ids for u in self.unit_staff.get(unit_id, [])]
        if office_copy:
            users += self.office
        sms = tuple(("unit", unit_id) for unit_id in unit_ids if unit_id in self.unit_mobiles)
        return tuple(dict.fromkeys(users)), sms

    def of_deputies(self, deputy_ids: list[int]) -> tuple[tuple[int, ...], tuple[tuple[str, int], ...]]:
        entries = [(d, *self.deputies.get(d, (None, False))) for d in deputy_ids]
        users = tuple(dict.fromkeys(account for _d, account, _m in entries if account is not None))
        return users, tuple(("deputy", d) for d, _a, has_mobile in entries if has_mobile)


def _item_deputies(item: Suggestion) -> list[int]:
    """The lead deputy and the confirmed co-signers of a replied item."""
    if item.status != Status.REPLIED:
        return []
    cosigners = [c.deputy_id for c in item.cosigners.all() if c.confirmed_at is not None]
    return list(dict.fromkeys([item.lead_deputy_id, *cosigners]))


class _Sweep:
    """The reminders of one congress on one day: settings, calendar and recipients read once."""

    def __init__(self, congress, today: datetime.date, defer_sms: Callable[..., object] | None = None):
        self.congress, self.today, self.defer_sms = congress, today, defer_sms
        self.settings = effective_settings(congress)
        self.before = self.settings["reminder.before_working_days"]
        self.every = self.settings["reminder.urge_every_working_days"]
        self.calendar = WorkCalendar(congress)
        self.people = _People()

    def items(self) -> list[Suggestion]:
        items = list(
            Suggestion.objects.filter(status__in=[*REPLY_STATUSES, Status.REPLIED])
            .prefetch_related("assignments", "joint_opinions", "cosigners", "evaluations")
            .order_by("pk")
        )
        self.people = _People.load(self.congress, items)
        return items

    def owed_for(self, item: Suggestion) -> list[Owed]:
        return [owed for owed in (self._reply(item), self._joint(item), self._evaluation(item)) if owed]

    def _owed(self, item, topic, due, recipients) -> Owed | None:
        stage = _stage(self.calendar, self.today, due, self.before, self.every)
        if stage is None:
            return None
        name, round_, days = stage
        users, sms = recipients(office_copy=name == OVERDUE)
        return Owed(item, topic, name, due, round_, days, users, sms)

    def _reply(self, item: Suggestion) -> Owed | None:
        lead = [a.unit_id for a in item.assignments.all() if a.role == AssignmentRole.LEAD]
        if item.status not in REPLY_STATUSES or item.reply_due is None or not lead:
            return None
        return self._owed(
            item, REPLY, item.reply_due, lambda office_copy: self.people.units(lead, office_copy=office_copy)
        )

    def joint_opinion_due(self, item: Suggestion) -> datetime.date:
        """The same rule as services.joint_opinion_due, on the sweep's calendar."""
        months = self.settings["deadline.joint_opinion_months"]
        return self.calendar.deadline_after_months(timezone.localdate(item.assigned_at), months)

    def _joint(self, item: Suggestion) -> Owed | None:
        # Joint opinions go to the lead unit during the first handling; a re-handled item is past that stage.
        if item.status != Status.ASSIGNED or item.assigned_at is None:
            return None
        sent = {o.unit_id for o in item.joint_opinions.all()}
        missing = [
            a.unit_id for a in item.assignments.all() if a.role == AssignmentRole.JOINT and a.unit_id not in sent
        ]
        if not missing:
            return None
        due = self.joint_opinion_due(item)
        return self._owed(
            item, JOINT_OPINION, due, lambda office_copy: self.people.units(missing, office_copy=office_copy)
        )

    def _evaluation(self, item: Suggestion) -> Owed | None:
        if item.status != Status.REPLIED or item.replied_at is None:
            return None
        rated = {e.deputy_id for e in item.evaluations.all() if e.round == item.reply_round}
        pending = [d for d in _item_deputies(item) if d not in rated]
        days = self.settings["deadline.evaluation_working_days"]
        due = self.calendar.add_working_days(timezone.localdate(item.replied_at), days)
        owed = self._owed(item, EVALUATION, due, lambda office_copy: self.people.of_deputies(pending))
        # Only a reminder before the deadline: an unrated reply is the office's to follow up (it may close it).
        return owed if owed is not None and owed.stage == SOON and pending else None


def due_reminders(congress, today: datetime.date) -> list[Owed]:
    """What reminders and urgings `congress` owes on `today` (whether or not already sent), item by item.
    Call inside the congress's schema. Reads only; see the module docstring for the rules."""
    sweep = _Sweep(congress, today)
    return [owed for item in sweep.items() for owed in sweep.owed_for(item)]


def send_due_reminders(congress, today: datetime.date, *, defer_sms: Callable[..., object]) -> list[Reminder]:
    """Send what `due_reminders` says is owed and not sent yet; returns the reminders sent now. Run by the
    worker (tasks.send_reminders) inside the congress's schema; safe to run again and concurrently (each
    reminder is claimed once). On a non-working day of the congress's calendar nothing is sent.

    `defer_sms(schema_name=, reminder_id=, target=, target_id=, text=)` queues one text message in the
    reminder's transaction: the worker passes its job's `defer` (tasks.send_reminder_sms), so this module never
    imports the tasks that import it."""
    sweep = _Sweep(congress, today, defer_sms)
    if not sweep.calendar.is_working_day(today):
        return []
    sent = []
    for item in sweep.items():
        for owed in sweep.owed_for(item):
            reminder = _send(sweep, owed)
            if reminder is not None:
                sent.append(reminder)
    return sent


@transaction.atomic
def _send(sweep: _Sweep, owed: Owed) -> Reminder | None:
    # Race: a unit may reply (or the office extend the deadline) while the sweep runs. Lock the item and ask
    # again what it owes, so nothing goes out for a deadline that has just been met or moved.
    item = Suggestion.objects.select_for_update().get(pk=owed.item.pk)
    fresh = next((o for o in sweep.owed_for(item) if (o.kind, o.due) == (owed.kind, owed.due)), None)
    if fresh is None:
        return None
    reminder = _claim(item, fresh)
    if reminder is None:
        return None  # already sent, by an earlier sweep or by another machine now
    title, body, sms_text, url = _texts(sweep.congress, item, fresh)
    accounts = get_user_model().objects.in_bulk(fresh.users)
    for user_id in fresh.users:
        notify(user=accounts[user_id], congress=sweep.congress, kind=fresh.kind, title=title, body=body, url=url)
    assert sweep.defer_sms is not None  # send_due_reminders always gives it
    for target, target_id in fresh.sms:
        sweep.defer_sms(
            schema_name=sweep.congress.schema_name,
            reminder_id=reminder.pk,
            target=target,
            target_id=target_id,
            text=sms_text,
        )
    record_event(
        SuggestionEvent,
        item,
        actor=None,
        action="urge" if fresh.is_urging else "remind",
        note=title,
        data={"kind": fresh.kind, "due": fresh.due.isoformat(), "recipients": len(fresh.users), "sms": len(fresh.sms)},
    )
    return reminder


def _claim(item: Suggestion, owed: Owed) -> Reminder | None:
    """Insert the reminder's row unless it exists; None when another sweep has it (committed or not yet:
    the unique index makes this insert wait for that transaction, then skip)."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (suggestion_id, kind, due, recipients, sms_sent, sent_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, 0, %s) ON CONFLICT (suggestion_id, kind, due) DO NOTHING RETURNING id",
            [item.pk, owed.kind, owed.due, len(owed.users), now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Reminder(pk=row[0], suggestion=item, kind=owed.kind, due=owed.due, recipients=len(owed.users), sent_at=now)


def _texts(congress, item: Suggestion, owed: Owed) -> tuple[str, str, str, str]:
    """(notice title, notice body, SMS text, link) for the reminder."""
    label = _("第%(number)s号%(kind)s") % {"number": item.number or item.pk, "kind": item.get_kind_display()}
    # Classified items are handled under secrecy rules: their title never leaves the congress's own pages.
    title = "" if item.confidentiality == Confidentiality.CLASSIFIED else f"《{item.title}》"
    params = {"item": label, "due": owed.due.isoformat(), "days": owed.overdue_days}
    heading, text = TEXTS[(owed.topic, owed.stage)]
    url = congress.url(reverse("suggestions:detail", urlconf="config.urls_tenant", kwargs={"pk": item.pk}))
    sms = f"{congress.name}：{str(text) % {**params, 'title': ''}} {url}"
    return str(heading) % params, str(text) % {**params, "title": title}, sms, url


def mobile_for(target: str, target_id: int) -> str:
    """The mobile number an SMS target has now ("" if none): a unit's contact phone, a deputy's registry mobile."""
    if target == "unit":
        phone = HandlingUnit.objects.filter(pk=target_id).values_list("contact_phone", flat=True).first()
        return unit_mobile(phone or "")
    if target == "deputy":
        deputy = Deputy.objects.filter(pk=target_id).first()
        # SECURITY: the clear number is read here only to hand it to the gateway; it is never stored or logged.
        return deputy.reveal_mobile() if deputy is not None else ""
    raise ValueError(f"unknown SMS target {target!r}")


def deliver_sms(*, reminder_id: int, target: str, target_id: int, text: str) -> bool:
    """Send one reminder's text message to `target` and count it; False when the target has no mobile number
    (any more). SmsError and other failures propagate, so the worker retries the job."""
    mobile = mobile_for(target, target_id)
    if not mobile:
        return False
    send_sms(mobile, text)
    Reminder.objects.filter(pk=reminder_id).update(sms_sent=F("sms_sent") + 1)
    return True
