"""The one workflow core: every workflow of the platform (public messages, motions and suggestions, the
provisioning of a congress, and each one still to come) is a table of transitions run by `apply_transition`.

A newcomer starts at docs/workflows.md. In short:

- `Transition`: an action's source statuses, its targets, the permission predicate, the effect, an optional
  condition with its refusal text, and who is told (`Notify`).
- `Workflow`: the table with what is the same for all its actions (the model, its event model, the texts of
  its refusals, the hooks that follow every step, how a notice is delivered).
- `apply_transition(workflow, access=, obj=, action=, data=)`: lock, check, run the effect, save with
  update_fields, run the hooks, write the event row, notify, and schedule the after-commit work, all in one
  transaction; `allowed_actions(workflow, access, obj)` gives the buttons the pages and the API show.
- `record_event` (history.py) writes any history row; `Event` and `TransitionEvent` are the abstract models.

This package sits at the bottom of the import graph: it imports Django and `tenants.connection` only, never
an app.
"""

from tenants.workflow.transitions import (
    NO_ONE,
    Notify,
    Refusals,
    Step,
    Transition,
    Workflow,
    WrongStatus,
    allowed_actions,
    apply_transition,
    lock,
    require_here,
)

__all__ = [
    "NO_ONE",
    "Notify",
    "Refusals",
    "Step",
    "Transition",
    "Workflow",
    "WrongStatus",
    "allowed_actions",
    "apply_transition",
    "lock",
    "require_here",
]
