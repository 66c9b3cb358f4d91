"""The template schema every congress is cloned from, and the pool of ready clones.

django-tenants can clone a base schema and then *fake* the migrations the clone lacks, which records a
migration as applied without creating its columns. We never fake: the template is migrated by the normal
`migrate` step, and cloning refuses a template (or a spare clone) whose migrations differ from the code's.

Cloning replays the template's DDL as `tenants.ddl` captured it once for the code's migration set (stored in
`TemplateSnapshot`), in one round trip whose cost does not grow with the number of schemas in the database.
"""

import hashlib
import logging
import uuid
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from tenants import ddl
from tenants.connection import set_public
from tenants.models import SpareSchema, TemplateSnapshot

logger = logging.getLogger(__name__)

SPARE_PREFIX = "spare_"


class StaleTemplateError(RuntimeError):
    """The template schema is behind (or ahead of) the code's migrations."""


def template_schema() -> str:
    return settings.CONGRESS_TEMPLATE_SCHEMA


@cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code defines: what a current congress schema has recorded as applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return frozenset(loader.graph.nodes)


@cache
def tenant_app_labels() -> frozenset[str]:
    """The apps whose tables live in each congress's schema (settings.TENANT_APPS), by label."""
    from django.apps import apps

    return frozenset(config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS)


@cache
def code_fingerprint() -> str:
    """A short hash of the code's migrations that act in a congress schema (the tenant apps'), stamped on spare
    clones, on each congress once migrated, and on the template's captured DDL. A migration of the public schema
    alone leaves it unchanged, so it does not put 1,600 congresses behind: a schema that has not recorded such a
    migration records it, with nothing to do, the next time a tenant migration brings it forward."""
    tenant_labels = tenant_app_labels()
    names = "\n".join(f"{app}.{name}" for app, name in sorted(code_migrations()) if app in tenant_labels)
    return hashlib.sha256(names.encode()).hexdigest()[:32]


def applied_migrations(schema_name: str) -> frozenset[tuple[str, str]]:
    """The migrations recorded as applied in `schema_name` (empty if it has no django_migrations)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema_name}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return frozenset()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')  # noqa: S608 — checked name
        return frozenset((app, name) for app, name in cursor.fetchall())


def check_template() -> None:
    """Raise StaleTemplateError unless the template exists and matches the code's migrations exactly."""
    name = template_schema()
    if not schema_exists(name):
        raise StaleTemplateError(_("模板架构 %(name)s 不存在：请先运行 manage.py migrate。") % {"name": name})
    missing = code_migrations() - applied_migrations(name)
    if missing:
        listed = ", ".join(f"{app}.{mig}" for app, mig in sorted(missing)[:5])
        raise StaleTemplateError(
            _("模板架构 %(name)s 落后于代码（缺少迁移：%(missing)s）：请先运行 manage.py migrate，再创建人大。")
            % {"name": name, "missing": listed}
        )


def migrate_template(executor) -> None:
    """Create the template schema if needed and apply every tenant migration to it (called by `migrate`)."""
    name = template_schema()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    executor.run_migrations(tenants=[name])
    set_public()
    capture_template(replace=True)


def capture_template(*, replace: bool = False) -> ddl.Snapshot:
    """The template's DDL for the code's migration set: stored, or read from the (checked) template now.

    `migrate` captures it afresh (`replace`): a migration squashed or edited in place keeps the set's name.
    Concurrent first captures agree, since they read the same template; the first to commit wins.
    """
    fingerprint = code_fingerprint()
    stored = None if replace else TemplateSnapshot.objects.filter(fingerprint=fingerprint).first()
    if stored is not None:
        return ddl.Snapshot(
            ddl=stored.ddl,
            data_tables=tuple((table, tuple(columns)) for table, columns in stored.data_tables),
            sequences=tuple(stored.sequences),
        )
    check_template()
    snapshot = ddl.capture(template_schema())
    values = {
        "ddl": snapshot.ddl,
        "data_tables": [[table, list(columns)] for table, columns in snapshot.data_tables],
        "sequences": list(snapshot.sequences),
    }
    if replace:
        TemplateSnapshot.objects.update_or_create(fingerprint=fingerprint, defaults=values)
        TemplateSnapshot.objects.exclude(fingerprint=fingerprint).delete()
    else:
        TemplateSnapshot.objects.bulk_create(
            [TemplateSnapshot(fingerprint=fingerprint, **values)], ignore_conflicts=True
        )
    return snapshot


def clone_template(target: str) -> None:
    """Make `target` a copy of the (checked) template, inside the caller's transaction: one round trip."""
    check_template()
    snapshot = capture_template()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        restore = cursor.fetchone()[0]
        cursor.execute(ddl.replay_sql(snapshot, template_schema(), target, restore))


def claim_spare(target: str) -> bool:
    """Rename a current spare clone to `target`. Returns False when the pool has none.

    Must run inside the caller's transaction: if that transaction rolls back, the spare is back in the pool.
    """
    spare = (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(fingerprint=code_fingerprint())
        .order_by("id")
        .first()
    )
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{spare.schema_name}" RENAME TO "{target}"')
    spare.delete()
    return True


def create_congress_schema(target: str) -> bool:
    """Give `target` a current schema: a spare clone if one is ready, else a fresh clone. Returns used_spare."""
    if claim_spare(target):
        return True
    clone_template(target)
    return False


def drop_stale_spares() -> int:
    """Drop spare clones made from an older template. Returns how many were dropped."""
    dropped = 0
    for spare in SpareSchema.objects.exclude(fingerprint=code_fingerprint()):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
            spare.delete()
        dropped += 1
    return dropped


def refill_spares(size: int | None = None) -> int:
    """Top the pool up to `size` current clones (CONGRESS_SPARE_POOL_SIZE by default). Returns clones made."""
    target = settings.CONGRESS_SPARE_POOL_SIZE if size is None else size
    drop_stale_spares()
    made = 0
    while SpareSchema.objects.filter(fingerprint=code_fingerprint()).count() < target:
        name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:16]}"
        with transaction.atomic():
            clone_template(name)
            SpareSchema.objects.create(schema_name=name, fingerprint=code_fingerprint())
        made += 1
    if made:
        logger.info("spare pool: made %d clone(s)", made)
    return made


def drop_schema(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def congress_schemas(*, behind: bool = False) -> list[str]:
    """Every congress's schema in order, or (`behind`) those not stamped with the code's migration set: one query,
    whatever the province's size. A congress without a schema (a placeholder restored above one congress,
    console.congress_backup) has nothing to migrate."""
    from tenants.models import Congress

    congresses = Congress.objects.filter(schema_name__in=RawSQL("SELECT nspname::text FROM pg_namespace", []))
    if behind:
        congresses = congresses.exclude(migrated_fingerprint=code_fingerprint())
    return list(congresses.order_by("pk").values_list("schema_name", flat=True))


def schemas_behind() -> list[str]:
    """The congress schemas not stamped with the code's migration set."""
    return congress_schemas(behind=True)


def stamp_migrated(schema_name: str) -> None:
    """Record that `schema_name` holds every migration the code defines (after `migrate` brought it there)."""
    from tenants.models import Congress

    Congress.objects.filter(schema_name=schema_name).update(migrated_fingerprint=code_fingerprint())


def template_is_current() -> bool:
    return schema_exists(template_schema()) and code_migrations() <= applied_migrations(template_schema())
