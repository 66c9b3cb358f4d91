"""Helpers every page uses to turn a service's answer into what the person sees: errors on a form, and the
outcome of a button as a page message."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A form's service call went through; `result` is what the service returned."""

    result: T


def save_form(request, form, call: Callable[[], T], done: str) -> Saved[T] | None:
    """The one way a page's form calls its service: when a POST made `form` valid, run `call`. On success add
    `done` as a page message and return Saved(result); on the service's ValidationError put its errors on the
    form, which keeps what was typed, and return None. None also when nothing was posted or the form is invalid:
    the page is then shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return Saved(result)


def report_outcome(request, call: Callable[[], object], done: str) -> bool:
    """Run one service call for a posted button and report its outcome as a page message: `done` on success,
    the service's refusal (ValidationError, PermissionDenied) otherwise. Returns whether it succeeded. The one
    place pages turn a button's service errors into messages, as add_service_errors does for forms."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("您无权进行这项操作。"))
    else:
        messages.success(request, done)
        return True
    return False


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on a form: by field where the form has that field, else as a form error.

    The one place pages translate service errors, so every form shows them alike (field-less errors included).
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def errors_of(exc: ValidationError, default: str = "action") -> dict[str, list[str]]:
    """A service's ValidationError as errors by field (field-less ones under `default`), for a page to show."""
    return exc.message_dict if hasattr(exc, "error_dict") else {default: exc.messages}


def action_panels(
    actions,
    transitions,
    *,
    confirm: dict | None = None,
    posted_action: str = "",
    posted: dict | None = None,
    errors: dict | None = None,
) -> list[dict]:
    """The forms of a workflow's actions a page shows (the `_panel.html` partials): each action's label, whether it
    asks for a reason, its confirmation text when it cannot be undone; the one just posted and refused keeps what
    was typed and its errors."""
    confirm = confirm or {}
    return [
        {
            "action": action,
            "label": transitions[action].label,
            "note_required": transitions[action].note_required,
            "confirm": confirm.get(action, ""),
            "posted": (posted or {}) if action == posted_action else {},
            "errors": (errors or {}) if action == posted_action else {},
        }
        for action in actions
    ]
