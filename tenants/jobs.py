"""Wrappers for code run outside a request: each job names the schema it works in, explicitly.

Worker threads are reused, so a job must never inherit the schema (or the connection) a previous job left.
"""

import functools

import sentry_sdk
from django.db import close_old_connections, connection, transaction
from django_tenants.utils import schema_context

from tenants.connection import note_schema_visit, set_public


def _release_connection() -> None:
    # A job called inside an open transaction (a test, or a command running one inline) must keep it.
    if not connection.in_atomic_block:
        close_old_connections()


def public_job(func):
    """Run `func` in the public schema with a fresh database connection state."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _release_connection()
        set_public()
        sentry_sdk.set_tag("congress", "public")
        try:
            return func(*args, **kwargs)
        finally:
            set_public()
            _release_connection()

    return wrapper


def in_congress(func):
    """Run `func(schema_name, ...)` inside the congress schema `schema_name`."""

    @functools.wraps(func)
    def wrapper(schema_name: str, *args, **kwargs):
        _release_connection()
        sentry_sdk.set_tag("congress", schema_name)
        try:
            with schema_context(schema_name):
                return func(schema_name, *args, **kwargs)
        finally:
            set_public()
            note_schema_visit(schema_name)
            _release_connection()

    return wrapper


def defer_once(task, lock: str, **kwargs) -> bool:
    """Queue `task(**kwargs)` unless a job with the queueing lock `lock` is already waiting; returns whether it
    was queued. A savepoint keeps a refused insert from aborting the caller's transaction."""
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        with transaction.atomic():
            task.configure(queueing_lock=lock).defer(**kwargs)
    except AlreadyEnqueued:
        return False
    return True


def defer_per_congress(task, module_key: str, lock_prefix: str, **kwargs) -> int:
    """From a public job: queue `task(schema_name=…, **kwargs)` once for every active congress that runs the
    module `module_key` (lock "<lock_prefix>:<schema>"). Returns how many were queued. Each queued job then
    works inside its own congress's schema; no job walks several schemas."""
    from tenants.models import Congress, CongressStatus

    schemas = Congress.objects.filter(status=CongressStatus.ACTIVE, enabled_modules__contains=[module_key])
    return sum(
        defer_once(task, f"{lock_prefix}:{schema_name}", schema_name=schema_name, **kwargs)
        for schema_name in schemas.values_list("schema_name", flat=True)
    )
