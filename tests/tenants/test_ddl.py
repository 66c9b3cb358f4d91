"""Cloning the template by replaying its DDL: the clone is the template, object for object, and the clone never
reads information_schema (whose cost grows with every schema in the database)."""

import pytest
from django.db import connection, migrations, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, schema_exists

from tenants import ddl, schemas
from tenants.models import TemplateSnapshot

pytestmark = pytest.mark.django_db


def _differences(template: str, clone: str) -> dict:
    expected, got = ddl.outline(template), ddl.outline(clone)
    return {key: (expected[key] - got[key], got[key] - expected[key]) for key in expected if expected[key] != got[key]}


def test_a_clone_is_the_template_object_for_object():
    schemas.clone_template("ddl_clone_a")
    outline = ddl.outline("ddl_clone_a")
    assert _differences(schemas.template_schema(), "ddl_clone_a") == {}
    # Not vacuous: the outline holds what a congress schema has.
    assert len(outline["columns"]) > 300 and len(outline["indexes"]) > 100 and len(outline["sequences"]) > 40
    assert {(app, name) for _id, app, name, _at in outline["migrations"]} == schemas.code_migrations()
    assert any(kind == "f" for _t, _n, kind, *_ in outline["constraints"])


def test_cloning_reads_no_information_schema_and_replays_in_one_round_trip():
    schemas.capture_template()  # stored by migrate; here made sure of
    with CaptureQueriesContext(connection) as queries:
        schemas.clone_template("ddl_clone_b")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("information_schema" in statement.lower() for statement in sql)
    assert sum("CREATE TABLE" in statement for statement in sql) == 1  # the whole DDL in one batch
    assert len(sql) <= 6
    assert schema_exists("ddl_clone_b")


def test_the_connection_keeps_its_search_path():
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        before = cursor.fetchone()[0]
        schemas.clone_template("ddl_clone_c")
        cursor.execute("SHOW search_path")
        assert cursor.fetchone()[0] == before


class _LaterMigration(migrations.Migration):
    """What a later release might add: an index, a check constraint, a sequence owned by a column, a comment."""

    operations = [
        migrations.AddIndex("activity", models.Index(fields=["organiser", "place"], name="duty_act_org_place")),
        migrations.AddConstraint(
            "activity",
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="duty_act_ends_after"),
        ),
        migrations.AddField("activity", "serial", models.IntegerField(null=True)),
        migrations.RunSQL(
            "CREATE SEQUENCE duty_activity_serial_seq AS integer START WITH 100 INCREMENT BY 5 CACHE 2;"
            "ALTER SEQUENCE duty_activity_serial_seq OWNED BY duty_activity.serial;"
            "ALTER TABLE duty_activity ALTER COLUMN serial SET DEFAULT nextval('duty_activity_serial_seq');"
            "SELECT nextval('duty_activity_serial_seq');"
            "COMMENT ON COLUMN duty_activity.serial IS 'the office''s own number';"
        ),
    ]


def test_a_clone_after_a_migration_adding_an_index_a_constraint_and_a_sequence():
    template = schemas.template_schema()
    migration = _LaterMigration("0999_later", "duty")
    with schema_context(template):
        executor = MigrationExecutor(connection)
        state = executor.loader.project_state(executor.loader.graph.leaf_nodes())
        with connection.schema_editor(atomic=True) as editor:
            migration.apply(state, editor)
        executor.recorder.record_applied("duty", "0999_later")
    schemas.capture_template(replace=True)
    schemas.clone_template("ddl_clone_d")

    assert _differences(template, "ddl_clone_d") == {}
    outline = ddl.outline("ddl_clone_d")
    assert any(name == "duty_act_org_place" for name, _def in outline["indexes"])
    assert any(name == "duty_act_ends_after" for _t, name, *_ in outline["constraints"])
    # Its position copied: with CACHE 2 the template's one nextval() reserved 100 and 105.
    assert ("duty_activity_serial_seq", 105, True) in outline["positions"]
    owned = {(seq, table, column) for seq, *_params, table, column, _kind in outline["sequences"]}
    assert ("duty_activity_serial_seq", "duty_activity", "serial") in owned
    assert ("duty_activity", 0, "the office's own number") not in outline["comments"]
    assert any(text == "the office's own number" for _t, _n, text in outline["comments"])
    assert ("duty", "0999_later") in {(app, name) for _id, app, name, _at in outline["migrations"]}
    # The new column takes its default from the clone's own sequence, not the template's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = %s::regclass",
            ["ddl_clone_d.duty_activity"],
        )
        defaults = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT nextval(%s), nextval(%s)", ["ddl_clone_d.duty_activity_serial_seq"] * 2)
        assert cursor.fetchone() == (110, 115)
        cursor.execute(f"SELECT last_value FROM {template}.duty_activity_serial_seq")
        assert cursor.fetchone()[0] == 105  # the template's own sequence did not move
    # Printed qualified from public's search path: the clone's own sequence.
    assert "nextval('ddl_clone_d.duty_activity_serial_seq'::regclass)" in defaults


def test_the_snapshot_is_kept_per_migration_set():
    schemas.capture_template(replace=True)
    assert list(TemplateSnapshot.objects.values_list("fingerprint", flat=True)) == [schemas.code_fingerprint()]
    # A snapshot from another migration set is never replayed: the current one is read from the template.
    TemplateSnapshot.objects.all().delete()
    TemplateSnapshot.objects.create(fingerprint="older", ddl="CREATE TABLE wrong (id int);", data_tables=[])
    schemas.clone_template("ddl_clone_e")
    assert _differences(schemas.template_schema(), "ddl_clone_e") == {}
    assert TemplateSnapshot.objects.filter(fingerprint=schemas.code_fingerprint()).exists()


@pytest.mark.parametrize(
    "statement, named",
    [
        ("CREATE VIEW open_activities AS SELECT id FROM duty_activity", "relation open_activities"),
        ("CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'", "function one"),
        ("CREATE TYPE mood AS ENUM ('calm')", "type mood"),
    ],
)
def test_an_object_the_capture_cannot_rebuild_is_refused_by_name(statement, named):
    template = schemas.template_schema()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path TO {template}")
        cursor.execute(statement)
    with pytest.raises(ddl.UnsupportedTemplateError, match=named):
        ddl.capture(template)
