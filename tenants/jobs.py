"""Wrappers for code run outside a request: each job names the schema it works in, explicitly.

Worker threads are reused, so a job must never inherit the schema (or the connection) a previous job left.
"""

import functools

import sentry_sdk
from django.db import close_old_connections, connection
from django_tenants.utils import schema_context


def public_job(func):
    """Run `func` in the public schema with a fresh database connection state."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        close_old_connections()
        connection.set_schema_to_public()
        sentry_sdk.set_tag("congress", "public")
        try:
            return func(*args, **kwargs)
        finally:
            connection.set_schema_to_public()
            close_old_connections()

    return wrapper


def in_congress(func):
    """Run `func(schema_name, ...)` inside the congress schema `schema_name`."""

    @functools.wraps(func)
    def wrapper(schema_name: str, *args, **kwargs):
        close_old_connections()
        sentry_sdk.set_tag("congress", schema_name)
        try:
            with schema_context(schema_name):
                return func(schema_name, *args, **kwargs)
        finally:
            connection.set_schema_to_public()
            close_old_connections()

    return wrapper
