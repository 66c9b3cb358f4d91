"""PostgreSQL's own tools against the test server: the bin directory of its version, URLs to its databases, a
fresh database for a test (dropped after), and a copy of the test database's committed state."""

import contextlib
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def bindir() -> Path:
    """The PostgreSQL tools of the server's major version: those dev.py started the cluster with, else PATH's."""
    named = os.environ.get("CONGRESS_PG_BINDIR")
    found = Path(named) if named else (Path(p).parent if (p := shutil.which("pg_dump")) else None)
    if found is None or not (found / "pg_dump").exists():
        pytest.fail("no pg_dump: set CONGRESS_PG_BINDIR to the server's PostgreSQL bin directory")
    version = subprocess.run([found / "pg_dump", "--version"], capture_output=True, text=True).stdout
    match = re.search(r"\)\s+(\d+)", version)
    if match is None or int(match.group(1)) < server_major():
        pytest.fail(f"{found}/pg_dump ({version.strip()}) is older than the server: set CONGRESS_PG_BINDIR")
    return found


def url(database: str) -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgresql://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{database}"


def test_database_url() -> str:
    return url(connection.settings_dict["NAME"])


@contextlib.contextmanager
def fresh_database():
    """An empty database on the test server, dropped afterwards (with whoever is still connected)."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_committed_test_database(target: str) -> None:
    """Copy what the test database holds committed (the session's congresses and personas) into `target`."""
    tools = bindir()
    dump = subprocess.run(
        [tools / "pg_dump", "--format=custom", "--dbname", test_database_url()], capture_output=True, check=True
    )
    subprocess.run(
        [tools / "pg_restore", "--no-owner", "--exit-on-error", "--dbname", url(target)],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )


# What `manage.py migrate` writes into an empty database besides the tables: the migration records, content types
# and permissions, the template schema's rows, the captured template and the hosts' counter.
MIGRATION_ROWS = (
    "public.django_migrations",
    "public.django_content_type",
    "public.auth_permission",
    "public.tenants_templatesnapshot",
    "public.tenants_hostsgeneration",
)


def copy_migrated_structure(target: str, template_schema: str) -> None:
    """Make `target` what `migrate` makes of an empty database, from the test database (faster than migrating):
    its extensions, the public and template schemas whole but for the public tables' rows, then the rows
    migrations write there; no congress, no account."""
    import tempfile

    tools, source = bindir(), test_database_url()
    with psycopg.connect(source) as db:
        extensions = [row[0] for row in db.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")]
    with psycopg.connect(url(target), autocommit=True) as db:
        for extension in extensions:
            db.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
    parts = [
        ["--schema=public", f"--schema={template_schema}", "--exclude-table-data=public.*"],
        ["--data-only", *(f"--table={table}" for table in MIGRATION_ROWS)],
    ]
    with tempfile.TemporaryDirectory() as folder:
        for n, part in enumerate(parts):
            dump = Path(folder) / f"{n}.dump"
            subprocess.run(
                [tools / "pg_dump", "--format=custom", *part, "--file", dump, "--dbname", source], check=True
            )
            # Every entry but the public schema's own CREATE: the target has it, with the extensions in it.
            listing = subprocess.run([tools / "pg_restore", "--list", dump], capture_output=True, text=True, check=True)
            entries = Path(folder) / f"{n}.list"
            entries.write_text(
                "".join(line + "\n" for line in listing.stdout.splitlines() if " SCHEMA - public " not in line)
            )
            subprocess.run(
                [
                    tools / "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    "--use-list",
                    entries,
                    "--dbname",
                    url(target),
                    dump,
                ],
                capture_output=True,
                check=True,
            )
