"""Writing to the audit log: `record` is the one way in.

A record made inside a transaction is written when that transaction commits (and not at all if it rolls
back: what did not happen is not logged as done); a failure or a refusal outside one is written at once. The
caller's address comes from the request being served (AuditContextMiddleware) unless given.
"""

import contextvars
import json
from typing import Any

from django.db import connection, transaction
from django.utils.functional import SimpleLazyObject

from shared_apps.audit import chain
from shared_apps.audit.models import AuditEntry, Outcome
from tenants.addresses import client_address
from tenants.connection import current_schema

# The address and the user of the request being served in this thread or task (none outside a request: the
# worker, commands).
_address: contextvars.ContextVar[str] = contextvars.ContextVar("audit_address", default="")
_user: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_user", default=None)


def current_user():
    """The account of the request being served, or None."""
    user = _user.get()
    return user if getattr(user, "is_authenticated", False) else None


def record_download(filename: str, *, kind: str = "export") -> None:
    """Log a file handed out by the platform (an export, a printout) to the caller of the request."""
    record(f"{kind}.download", actor=current_user(), data={"file": filename})


def record(
    action: str,
    *,
    actor: Any = None,
    outcome: str = Outcome.SUCCESS,
    congress: str | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    data: dict | None = None,
    address: str | None = None,
    actor_label: str = "",
) -> None:
    """Log `action` by `actor` (an account, None for the system or the public). `congress` is a schema name;
    by default the schema the connection works in now ("" for the platform)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    schema = current_schema() if congress is None else congress
    authenticated = bool(getattr(actor, "is_authenticated", False))
    entry = AuditEntry(
        action=action[:100],
        outcome=outcome,
        actor_id=actor.pk if authenticated else None,
        actor_label=(actor.email if authenticated else actor_label)[:254],
        address=(_address.get() if address is None else address)[:45],
        congress="" if schema == "public" else schema,
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        # Stored as JSON gives it back, so the hash computed now is the hash verified later.
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    if connection.in_atomic_block:
        # robust: a failure to log is reported (Sentry, the log) but does not turn a committed action into a 500.
        transaction.on_commit(lambda: chain.append(entry), robust=True)
    else:
        chain.append(entry)


class AuditContextMiddleware:
    """Remembers the caller's address for the records made while the request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = _address.set(client_address(request))
        # The request's user is resolved only if a record asks for it (AuthenticationMiddleware makes it lazy).
        user = _user.set(SimpleLazyObject(lambda: getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            _address.reset(address)
            _user.reset(user)
