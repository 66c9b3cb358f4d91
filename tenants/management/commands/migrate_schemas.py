"""`migrate` for Congress Cloud: django-tenants' migrate_schemas, except that a whole run migrates only the
congress schemas behind the code (one query on `Congress.migrated_fingerprint`), several at once, and reports a
schema that fails while the others finish; then the template schema and the spare pool.

Migrating the template here is what keeps new congresses current: every clone starts from it.
"""

import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name

from tenants import schemas
from tenants.connection import before_fork, set_public


def _migrate_one(job: tuple) -> tuple[str, str]:
    """Migrate one congress schema and stamp it; returns (schema, "" or the error). Runs in a pool's process."""
    schema_name, args, options = job
    try:
        run_migrations(args, options, "standard", schema_name)
        set_public()
        schemas.stamp_migrated(schema_name)
    except Exception as exc:
        set_public()
        return schema_name, f"{type(exc).__name__}: {exc}"
    return schema_name, ""


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers", type=int, default=2, help="Congress schemas migrated at once (processes; default 2)."
        )
        parser.add_argument(
            "--every-schema",
            action="store_true",
            help="Visit every congress schema, not only those whose stamp is behind the code.",
        )

    def handle(self, *args, **options):
        whole_run = (
            not options.get("schema_name")
            and not options.get("shared")
            and not options.get("fake")
            and not options.get("migration_name")
            and not options.get("app_label")
            and not options.get("plan")
            and not options.get("check_unapplied")
        )
        if not whole_run:
            super().handle(*args, **options)
            name = options.get("schema_name")
            if (
                name
                and name != self.PUBLIC_SCHEMA_NAME
                and not options.get("fake")
                and not options.get("migration_name")
            ):
                schemas.stamp_migrated(name)  # a congress migrated on its own is current too
            return
        # SyncCommon's own parsing of the options (what to sync, the executor), without its tenant loop.
        super(MigrateSchemasCommand, self).handle(*args, **options)
        self.PUBLIC_SCHEMA_NAME = get_public_schema_name()
        executor = self.executor_for(options)
        if not options.get("tenant"):
            executor.run_migrations(tenants=[self.PUBLIC_SCHEMA_NAME])
        behind = schemas.schemas_behind()
        if options["every_schema"]:
            behind = schemas.congress_schemas()
        failed = self.migrate_congresses(behind, args, options)
        if not schemas.template_is_current():
            schemas.migrate_template(executor)
        dropped = schemas.drop_stale_spares()
        if dropped and options.get("verbosity", 1):
            self.stdout.write(f"Dropped {dropped} spare schema(s) cloned from an older template.")
        if failed:
            listed = "\n".join(f"  {name}: {error}" for name, error in failed)
            raise CommandError(f"{len(failed)} congress schema(s) failed to migrate (the others did):\n{listed}")

    def migrate_congresses(self, names: list[str], args, options) -> list[tuple[str, str]]:
        """Migrate `names` with `--workers` processes; returns the (schema, error) of those that failed."""
        verbosity = options.get("verbosity", 1)
        if not names:
            if verbosity:
                self.stdout.write("Every congress schema is current.")
            return []
        started = time.monotonic()
        workers = max(1, min(options["workers"], len(names)))
        child_options = {**options, "verbosity": 0 if verbosity < 2 else verbosity}
        jobs = [(name, args, child_options) for name in names]
        failed = []
        results: Iterator[tuple[str, str]]
        if workers == 1:
            results = map(_migrate_one, jobs)
            pool = None
        else:
            before_fork()
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
            results = pool.map(_migrate_one, jobs, chunksize=1)
        try:
            for done, (name, error) in enumerate(results, start=1):
                if error:
                    failed.append((name, error))
                if verbosity:
                    outcome = self.style.ERROR(f"failed: {error}") if error else "ok"
                    self.stdout.write(f"[{done}/{len(names)} ({100 * done // len(names)}%)] {name} {outcome}")
        finally:
            if pool is not None:
                pool.shutdown()
        if verbosity:
            self.stdout.write(
                f"Migrated {len(names) - len(failed)} congress schema(s) in {time.monotonic() - started:.1f} s,"
                f" {len(failed)} failed."
            )
        return failed

    def executor_for(self, options):
        from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION

        return GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
