"""Transition tables, and the one function that applies any of them (docs/workflows.md).

A workflow's objects carry a status (a choices field). Each action of its table says from which statuses it
starts, where it may lead, who may take it, what it does, and who is then told. `apply_transition` is the only
code that changes such a status: every workflow runs the same checks in the same order, writes the same kind
of history row, and refuses in the same way (ValidationError keyed by field, or PermissionDenied), changing
nothing when it refuses.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tenants.connection import in_schema_of
from tenants.workflow.history import HistoryRow, history_rows, record_event

Text = str | Promise  # plain, or gettext_lazy (translated when shown)


class WrongStatus(ValidationError):
    """The object's status is not one the action starts from (keyed "status", as every refusal of it is):
    callers that race on purpose — two workers on one provisioning request — tell it from other refusals."""


@dataclass(frozen=True)
class Notify:
    """Who is told of a step, and what. `recipients(step)` names the accounts (ids) that must act next or
    want to know; the workflow's `deliver` sends them `title` (its placeholders filled by the workflow) by the
    channels it uses: in-app always, SMS / e-mail at once when `immediate` (by the recipient's preferences)."""

    recipients: Callable[[Any], Iterable[int]]
    kind: str
    # The title (gettext_lazy with the workflow's placeholders), or a function of the step choosing one when the
    # outcome decides what the reader must do (an evaluation that sends an item back is not one that closes it).
    title: Text | Callable[[Any], Text]
    # What the notice says under its title, from the step (None: the workflow's deliver decides).
    body: Callable[[Any], str] | None = None
    # Whether the notice also goes out at once by SMS / e-mail (by each recipient's preferences and the
    # congress's channels) — for what someone must act on or has waited for; False: in-app, and the digests.
    immediate: bool = True

    def title_for(self, step) -> Text:
        title = self.title
        return title if isinstance(title, str | Promise) else title(step)


# A transition whose step concerns no one else here says so: `notify=NO_ONE` (with a comment why), so that a
# forgotten declaration (`notify=None`) stands out (tests/test_architecture.py checks every table).
NO_ONE = Notify(recipients=lambda step: (), kind="", title="")


@dataclass(frozen=True)
class Transition:
    """One action of a table. `permission(who, obj)` is a pure predicate over what the workflow's `relation`
    preloaded (or the caller's Access); `applies(who, obj)` is a condition on the object beyond its status, which
    may read a public table (the transfer that brought a message); `effect(step)` validates the action's input,
    changes the locked object through `step.set`, and returns the target status (one of `targets`)."""

    label: Text  # the button, and the verb in messages
    sources: frozenset[str]
    targets: tuple[str, ...]
    permission: Callable[[Any, Any], bool]
    effect: Callable[[Any], str]
    note_required: bool = False
    # A condition beyond the status (a module is on, the object came from below); None: always.
    applies: Callable[[Any, Any], bool] | None = None
    refusal: Text = ""  # why `applies` refused, for the caller
    notify: Notify | None = None


@dataclass(frozen=True)
class Refusals:
    """How a workflow words its refusals; each text names the workflow's own object (gettext_lazy)."""

    elsewhere: Text  # the caller is not in the object's congress
    wrong_status: Text  # %(status)s, %(action)s
    forbidden: Text  # %(action)s
    not_applicable: Text  # %(action)s
    not_applicable_because: Text = ""  # %(action)s, %(reason)s: when the transition gives a refusal


@dataclass
class Step:
    """One transition being applied: the caller, the locked object, the action's input, and what the effect
    did (the fields it set, the event's data, the work to run once the transaction commits)."""

    workflow: "Workflow"
    transition: Transition
    action: str
    access: Any  # the caller as seen from the object's congress (an Access)
    who: Any  # what the predicates see: the workflow's relation of the caller to the object, or `access`
    obj: Any
    data: dict
    note: str = ""
    from_status: str = ""
    fields: list[str] = field(default_factory=list)
    event_data: dict = field(default_factory=dict)
    commit_callbacks: list[Callable[[], None]] = field(default_factory=list)
    event: Any = None  # the history row, once written

    @cached_property
    def now(self) -> datetime.datetime:
        return timezone.now()

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def set(self, **values) -> None:
        """Change fields of the locked object; they are saved (update_fields) after the effect."""
        for name, value in values.items():
            setattr(self.obj, name, value)
            self.fields.append(name)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        self.commit_callbacks.append(callback)


@dataclass(frozen=True)
class Workflow:
    """A table of transitions and what is the same for all its actions."""

    name: str
    model: type[models.Model]
    event_model: type[models.Model]  # a history.TransitionEvent
    transitions: Mapping[str, Transition]
    refusals: Refusals
    step_class: type[Step] = Step
    # The objects live in a congress's schema: the caller must be on that congress's own host.
    in_congress: bool = True
    # What the predicates see, loaded once per call: (access, obj) -> relation. None: the Access itself.
    relation: Callable[[Any, Any], Any] | None = None
    # Named functions run after every step, in its transaction, before the event row (they may add to
    # step.event_data): read models, trackers, answers to other congresses.
    hooks: tuple[Callable[[Any], None], ...] = ()
    # Sends a transition's Notify to the accounts it names: (step, notify, user ids).
    deliver: Callable[[Any, Notify, set[int]], None] | None = None
    # More fields of the event row, from the step (e.g. what the public reads of it).
    event_fields: Callable[[Any], dict] | None = None
    # Labels of the history's steps that are not actions of the table (a message received, a look at a number).
    event_labels: Mapping[str, Text] = field(default_factory=dict)
    status_field: str = "status"

    def who(self, access, obj):
        """What the predicates see: the workflow's relation of the caller to `obj`, or the caller's Access."""
        return self.relation(access, obj) if self.relation is not None else access

    def label(self, action: str) -> str:
        """The label of a history step: an action of the table, one of `event_labels`, else its code."""
        transition = self.transitions.get(action)
        return str(transition.label if transition is not None else self.event_labels.get(action, action))

    def history(self, events: Iterable[Any]) -> list[HistoryRow]:
        """The timeline of an object's events (its event model's rows) for the history partial: each step's
        label, its change of status in the model's words, its note and who took it."""
        statuses = dict(getattr(self.model._meta.get_field(self.status_field), "choices", None) or ())
        return history_rows(events, label=lambda event: self.label(event.action), status_labels=statuses)


def require_here(access, refusal: Text) -> None:
    """Refuse (PermissionDenied with `refusal`) unless the connection is in the caller's own congress's schema."""
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if not in_schema_of(access.congress):
        raise PermissionDenied(str(refusal))


def lock(obj):
    """`obj` read again under a row lock (SELECT … FOR UPDATE), for the rest of the caller's transaction."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def allowed_actions(workflow: Workflow, access, obj) -> list[str]:
    """The actions `access` may take on `obj` now, in table order: the buttons of the pages and the API's
    `allowed_actions`. The predicates see the workflow's relation, loaded once for all actions."""
    who = workflow.who(access, obj)
    status = getattr(obj, workflow.status_field)
    return [
        action
        for action, t in workflow.transitions.items()
        if status in t.sources and (t.applies is None or t.applies(who, obj)) and t.permission(who, obj)
    ]


def _check(workflow: Workflow, transition: Transition, who, obj, status: str) -> None:
    refusals = workflow.refusals
    if status not in transition.sources:
        display = getattr(obj, f"get_{workflow.status_field}_display")()
        text = str(refusals.wrong_status) % {"status": display, "action": transition.label}
        raise WrongStatus({"status": [text]})
    if not transition.permission(who, obj):
        raise PermissionDenied(str(refusals.forbidden) % {"action": transition.label})
    if transition.applies is not None and not transition.applies(who, obj):
        if transition.refusal and refusals.not_applicable_because:
            text = str(refusals.not_applicable_because) % {"action": transition.label, "reason": transition.refusal}
        else:
            text = str(refusals.not_applicable) % {"action": transition.label}
        raise ValidationError({"action": [text]})


def _update_fields(obj, fields: list[str]) -> list[str]:
    names = list(dict.fromkeys(fields))
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields) and "updated_at" not in names:
        names.append("updated_at")  # auto_now fields are only written when named
    return names


def apply_transition(workflow: Workflow, *, access, obj, action: str, data: dict | None = None):
    """Apply `action` of `workflow` to `obj` as `access`, in one transaction; returns the updated object.

    Checks, in order: the action exists, the caller is in the object's congress, the object's status is one the
    action starts from, the caller passes its permission, the object qualifies (`applies`), the note is given
    where required. Then the effect validates `data` and changes the locked object, which is saved with
    update_fields; the workflow's hooks run; the event row is written; whoever the transition names is notified;
    and the step's after-commit callbacks are scheduled. Raises ValidationError (by field: "action", "status",
    "note", or the effect's own) or PermissionDenied; on either, nothing changes.
    """
    data = dict(data or {})
    with transaction.atomic():
        transition = workflow.transitions.get(action)
        if transition is None:
            raise ValidationError({"action": [_("未知的操作。")]})
        if workflow.in_congress:
            require_here(access, workflow.refusals.elsewhere)
        item = lock(obj)
        who = workflow.who(access, item)
        from_status = getattr(item, workflow.status_field)
        _check(workflow, transition, who, item, from_status)
        note = str(data.pop("note", "") or "").strip()
        if transition.note_required and not note:
            raise ValidationError({"note": [_("请写明理由。")]})
        step = workflow.step_class(
            workflow=workflow,
            transition=transition,
            action=action,
            access=access,
            who=who,
            obj=item,
            data=data,
            note=note,
            from_status=from_status,
        )
        target = transition.effect(step)
        if target not in transition.targets:
            raise AssertionError(f"{workflow.name}.{action} led to {target!r}, not one of {transition.targets}")
        if target != from_status:
            step.set(**{workflow.status_field: target})
        if step.fields:
            item.save(update_fields=_update_fields(item, step.fields))
        for hook in workflow.hooks:
            hook(step)
        extra = workflow.event_fields(step) if workflow.event_fields is not None else {}
        step.event = record_event(
            workflow.event_model,
            item,
            actor=getattr(access, "user", None),
            action=action,
            from_status=from_status,
            to_status=getattr(item, workflow.status_field),
            note=step.note,
            data=step.event_data,
            **extra,
        )
        if transition.notify is not None and workflow.deliver is not None:
            # Whoever took the step knows it: the notice is for the others it concerns.
            recipients = set(transition.notify.recipients(step)) - {getattr(access.user, "pk", None)}
            if recipients:
                workflow.deliver(step, transition.notify, recipients)
        for callback in step.commit_callbacks:
            # Robust: the step is committed by then; a failing callback (a mail server down) is logged by Django
            # and neither undoes the step nor makes its caller believe it failed.
            transaction.on_commit(callback, robust=True)
    return item
