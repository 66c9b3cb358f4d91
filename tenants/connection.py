"""The default connection as django-tenants keeps it: which congress's schema it is in now.

django-tenants adds `schema_name` and `set_schema_to_public()` to the connection; these helpers are the one
place that relies on it (and tells the type checker so), and name the check every service makes before it
writes: "we are in this congress's own schema".
"""

from django.db import connection


def current_schema() -> str:
    """The schema the default connection is in now ("public" on the root domain)."""
    return connection.schema_name  # type: ignore[attr-defined]  # django-tenants' wrapper


def in_schema_of(congress) -> bool:
    """Whether the default connection is in `congress`'s own schema (False for None: the root domain)."""
    return congress is not None and current_schema() == congress.schema_name


def set_public() -> None:
    """Switch the default connection back to the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' wrapper
