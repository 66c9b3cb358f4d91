# Congress schemas refer to accounts by id without a database constraint (a constraint per congress put two
# triggers each on this table: at 1,600 congresses every new one cost more). What the constraints guarded — no
# account in use disappears — is kept by one trigger whose cost does not grow: accounts are never deleted;
# they are deactivated (is_active) instead.
from django.db import migrations

FORWARD = """
CREATE FUNCTION accounts_user_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts are never deleted: deactivate the account instead (id %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER accounts_user_never_deleted BEFORE DELETE ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION accounts_user_never_deleted();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS accounts_user_never_deleted ON accounts_user;
DROP FUNCTION IF EXISTS accounts_user_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
