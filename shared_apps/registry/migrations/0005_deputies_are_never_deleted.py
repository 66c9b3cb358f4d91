# As accounts (accounts migration 0002): congress schemas refer to deputies by id without a database constraint,
# so the database refuses to delete a deputy at all; a deputy's seats end instead.
from django.db import migrations

FORWARD = """
CREATE FUNCTION registry_deputy_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deputies are never deleted: end their seats instead (id %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER registry_deputy_never_deleted BEFORE DELETE ON registry_deputy
    FOR EACH ROW EXECUTE FUNCTION registry_deputy_never_deleted();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS registry_deputy_never_deleted ON registry_deputy;
DROP FUNCTION IF EXISTS registry_deputy_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_term_one_open_national")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
