"""`migrate` for Congress Cloud: django-tenants' migrate_schemas, then the template schema and spare pool.

Migrating the template here is what keeps new congresses current: every clone starts from it.
"""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import schemas


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        whole_run = self.sync_tenant and (not self.schema_name or self.schema_name == self.PUBLIC_SCHEMA_NAME)
        if whole_run and not options.get("fake") and not options.get("migration_name"):
            executor = self.executor_for(options)
            schemas.migrate_template(executor)
            dropped = schemas.drop_stale_spares()
            if dropped and options.get("verbosity", 1):
                self.stdout.write(f"Dropped {dropped} spare schema(s) cloned from an older template.")

    def executor_for(self, options):
        from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION

        return GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
