"""`migrate` at province scale: with nothing pending it visits no congress schema (one query finds those behind);
it migrates only the schemas behind, and a schema that fails is reported while the others finish."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import schemas
from tenants.models import Congress

pytestmark = pytest.mark.django_db


def test_a_new_congress_is_stamped_current(congresses):
    assert {c.migrated_fingerprint for c in congresses.values()} == {schemas.code_fingerprint()}
    assert schemas.schemas_behind() == []


def test_nothing_pending_visits_no_congress_schema(congresses, capsys):
    with CaptureQueriesContext(connection) as queries:
        call_command("migrate", "--workers", "1")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "Every congress schema is current." in capsys.readouterr().out
    assert not any(c.schema_name in sql for c in congresses.values())
    with CaptureQueriesContext(connection) as queries:
        schemas.schemas_behind()
    assert len(queries.captured_queries) == 1


def test_only_the_schemas_behind_are_migrated_and_stamped(congresses, capsys):
    huaxi = congresses["huaxi"]
    Congress.objects.filter(pk=huaxi.pk).update(migrated_fingerprint="older")
    assert schemas.schemas_behind() == [huaxi.schema_name]
    call_command("migrate", "--workers", "1")
    out = capsys.readouterr().out
    assert f"[1/1 (100%)] {huaxi.schema_name} ok" in out and "Migrated 1 congress schema(s)" in out
    assert schemas.schemas_behind() == []


def test_a_schema_that_fails_is_reported_and_the_others_finish(congresses, capsys):
    huaxi, qingyan = congresses["huaxi"], congresses["qingyan"]
    Congress.objects.filter(pk__in=[huaxi.pk, qingyan.pk]).update(migrated_fingerprint="older")
    # Huaxi's record of its migrations is lost: migrating it would create tables that exist, and fails.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {huaxi.schema_name}.django_migrations WHERE app = 'duty'")
    with pytest.raises(CommandError, match=f"(?s)1 congress schema.*{huaxi.schema_name}: ProgrammingError"):
        call_command("migrate", "--workers", "1")
    out = capsys.readouterr().out
    assert f"{qingyan.schema_name} ok" in out and f"{huaxi.schema_name} failed" in out
    assert schemas.schemas_behind() == [huaxi.schema_name]


def test_every_schema_can_still_be_visited(congresses, capsys):
    call_command("migrate", "--workers", "1", "--every-schema")
    assert f"Migrated {len(congresses)} congress schema(s)" in capsys.readouterr().out


def test_a_migration_of_the_public_schema_alone_puts_no_congress_behind(monkeypatch):
    current, defined = schemas.code_fingerprint(), schemas.code_migrations()

    def fingerprint_with(extra: tuple[str, str]) -> str:
        monkeypatch.setattr(schemas, "code_migrations", lambda: defined | {extra})
        schemas.code_fingerprint.cache_clear()
        try:
            return schemas.code_fingerprint()
        finally:
            schemas.code_fingerprint.cache_clear()
            monkeypatch.undo()

    assert fingerprint_with(("tenants", "0999_public_only")) == current
    assert fingerprint_with(("about", "0999_in_every_congress")) != current


def test_a_congress_without_a_schema_is_not_behind(congresses):
    """A placeholder restored above one congress (console.congress_backup) has nothing to migrate."""
    Congress.objects.bulk_create(
        [
            Congress(
                tier="province",
                division_code="530000000000",
                name="云南省人民代表大会",
                subdomain="yunnan",
                schema_name="c530000000000",
                status="archived",
                migrated_fingerprint="older",
            )
        ]
    )
    assert schemas.schemas_behind() == []
