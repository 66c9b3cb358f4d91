"""History: the abstract event models every history table derives from, the one function that writes a row,
and the rows the one history partial (templates/workflow/_history.html) shows as a timeline.

A state change writes its event row in the same transaction (apply_transition does it for every workflow);
other changes worth keeping (a unit renamed, a mobile number looked at) call `record_event` themselves.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.dispatch import Signal

E = TypeVar("E", bound=models.Model)

# Sent after every history row is written (event, actor, subject): the audit log's view over every workflow
# action and every recorded change (shared_apps.audit.receivers).
event_recorded = Signal()


class Event(models.Model):
    """One row of an object's history: who (`actor`; none for the system or the public), when, and what else
    is needed to understand it later (`data`). Subclasses add the foreign key to their object, named by
    `subject_field`, and what kind of step it was."""

    # Tables in a congress's schema point to the public accounts table by id, with no database constraint: a
    # foreign key puts two triggers on the referenced table, and 1,600 congresses' keys made every new one cost
    # more (docs/province.md). Accounts are never deleted, which the database enforces (accounts migration 0002).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", null=True
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    subject_field: ClassVar[str] = ""

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class TransitionEvent(Event):
    """A step of a workflow: the action taken, the status before and after, the note the action asked for."""

    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def record_event(model: type[E], subject: Any = None, *, actor: Any, data: dict | None = None, **fields) -> E:
    """Write one history row of `model` (an Event) in the caller's transaction and return it.

    `subject` is the object whose history it is (stored in the model's `subject_field`); for a TransitionEvent,
    `from_status` and `to_status` default to the subject's status now. `actor` may be None or an anonymous
    user (the system, the public): the row then names no one."""
    if subject is not None:
        fields[model.subject_field] = subject  # type: ignore[attr-defined]  # Event subclasses declare it
        if issubclass(model, TransitionEvent) and hasattr(subject, "status"):
            # apply_transition passes both from its workflow's status field; other writers leave them to this.
            fields.setdefault("to_status", subject.status)
            fields.setdefault("from_status", subject.status)
    authenticated = getattr(actor, "is_authenticated", False)
    row = model._default_manager.create(actor=actor if authenticated else None, data=data or {}, **fields)
    event_recorded.send(sender=model, event=row, actor=actor, subject=subject)
    return row


@dataclass(frozen=True)
class HistoryRow:
    """One line of the timeline: when, what (`label`), the status change if any, the note, and who."""

    at: datetime.datetime
    label: str
    actor: str = ""
    change: str = ""
    note: str = ""


def actor_name(user) -> str:
    return "" if user is None else str(user)


def history_rows(
    events: Iterable[Any],
    *,
    label: Callable[[Any], Any],
    status_labels: dict | None = None,
    note: Callable[[Any], Any] | None = None,
    actor: Callable[[Any], Any] | None = None,
) -> list[HistoryRow]:
    """The timeline of `events` (oldest or newest first, as given): `label(event)` names each step; with
    `status_labels` a TransitionEvent shows its change of status ("待处理 → 已答复"); `note(event)` and
    `actor(event)` override what is shown under a step and who took it (defaults: its note, its actor)."""
    rows = []
    for event in events:
        change = ""
        if status_labels is not None:
            before = status_labels.get(event.from_status, event.from_status)
            after = status_labels.get(event.to_status, event.to_status)
            change = f"{before} → {after}" if event.from_status and event.from_status != event.to_status else str(after)
        text = note(event) if note is not None else getattr(event, "note", "")
        rows.append(
            HistoryRow(
                at=event.created_at,
                label=str(label(event)),
                actor=str(actor(event) or "") if actor is not None else actor_name(event.actor),
                change=change,
                note=str(text or ""),
            )
        )
    return rows
