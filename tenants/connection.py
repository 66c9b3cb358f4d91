"""The default connection as django-tenants keeps it: which congress's schema it is in now.

django-tenants adds `schema_name` and `set_schema_to_public()` to the connection; these helpers are the one
place that relies on it (and tells the type checker so), and name the check every service makes before it
writes: "we are in this congress's own schema".
"""

import weakref

from django.conf import settings
from django.db import connection, connections


def current_schema() -> str:
    """The schema the default connection is in now ("public" on the root domain)."""
    return connection.schema_name  # type: ignore[attr-defined]  # django-tenants' wrapper


def in_schema_of(congress) -> bool:
    """Whether the default connection is in `congress`'s own schema (False for None: the root domain)."""
    return congress is not None and current_schema() == congress.schema_name


def set_public() -> None:
    """Switch the default connection back to the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' wrapper


# A backend caches the catalog of every schema it touches (about 1.2 MiB each here): a pooled connection serving
# every congress of a province would grow past 2 GiB. Connections are replaced after visiting this many schemas.
_schemas_seen: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def note_schema_visit(schema_name: str) -> None:
    """Count `schema_name` against the default connection's backend; past CONGRESS_SCHEMAS_PER_CONNECTION
    distinct schemas the connection is discarded (never inside a transaction), so its memory stays bounded.
    Called after each congress request and each job run in a congress's schema."""
    raw = connection.connection
    if raw is None:
        return
    seen = _schemas_seen.setdefault(raw, set())
    seen.add(schema_name)
    if len(seen) >= settings.CONGRESS_SCHEMAS_PER_CONNECTION and not connection.in_atomic_block:
        discard_connection()


def discard_connection() -> None:
    """End the default connection's backend for good (not back to the pool: the pool replaces a closed one)."""
    raw = connection.connection
    if raw is not None:
        _schemas_seen.pop(raw, None)
        raw.close()
    connection.close()


def before_fork() -> None:
    """Close every connection and pool, so forked processes open their own (a pool's threads do not survive a
    fork: a child using the parent's pool would wait for ever)."""
    for conn in connections.all():
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None:
            close_pool()
