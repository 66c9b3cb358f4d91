from django.db import migrations

# The table of Django's DatabaseCache (settings.CACHES), as `manage.py createcachetable` makes it, in the public
# schema: the cache every process shares.
FORWARD = """
CREATE TABLE IF NOT EXISTS platform_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS platform_cache_expires ON platform_cache (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("security", "0002_passwordrecord")]

    operations = [migrations.RunSQL(FORWARD, "DROP TABLE IF EXISTS platform_cache")]
