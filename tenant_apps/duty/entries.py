"""Duties the platform cannot see by itself: what a deputy may report, and the input checks shared by reporting,
the office's own records and a report sent again."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.ledger.kinds import get_kind
from tenant_apps.duty.models import DutyEntry
from tenants.fields import max_length

# What a deputy reports or the office records here (the rest the platform records by itself).
ENTRY_KINDS = (
    "deliberation_speech",
    "session_attendance",
    "committee_attendance",
    "constituent_visit",
    "reception",
    "training",
    "other",
)
TITLE_MAX = max_length(DutyEntry, "title")
PLACE_MAX = max_length(DutyEntry, "place")
TEXT_MAX = 5000


def kind_choices() -> list[tuple[str, str]]:
    return [(key, kind.label) for key in ENTRY_KINDS if (kind := get_kind(key)) is not None]


def clean(data: dict, *, partial: bool = False) -> dict:
    """The entry's fields from `data`, or ValidationError by field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if not partial or "kind" in data:
        kind = str(data.get("kind") or "")
        if kind not in ENTRY_KINDS:
            errors["kind"] = [_("请选择履职类型。")]
        cleaned["kind"] = kind
    if not partial or "title" in data:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = [_("请填写事项。")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [_("事项不能超过%(n)d个字。") % {"n": TITLE_MAX}]
        cleaned["title"] = title
    if not partial or "occurred_on" in data:
        value = data.get("occurred_on")
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime.date):
            errors["occurred_on"] = [_("请填写日期（如2026-05-01）。")]
        elif value > timezone.localdate():
            errors["occurred_on"] = [_("不能登记尚未发生的履职事项。")]
        cleaned["occurred_on"] = value
    for name, limit in (("place", PLACE_MAX), ("text", TEXT_MAX)):
        if not partial or name in data:
            text = str(data.get(name) or "").strip()
            if len(text) > limit:
                errors[name] = [_("不能超过%(n)d个字。") % {"n": limit}]
            cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def apply_changes(step) -> None:
    """resubmit's input: whatever fields the deputy changed, checked as on reporting."""
    changes = {k: v for k, v in step.data.items() if k in ("kind", "title", "occurred_on", "place", "text")}
    if changes:
        step.set(**clean(changes, partial=True))
