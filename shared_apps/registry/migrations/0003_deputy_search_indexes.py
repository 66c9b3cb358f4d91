"""Indexes for the province-wide deputy search (shared_apps.registry.directory.deputy_search).

Raw SQL, not model indexes: they involve an operator class and an expression that the search selector
matches exactly, and leaving them out of the model state keeps `makemigrations --check` clean.

- registry_deputy_name_trgm: GIN trigram index for `name__icontains` of three characters or more. Django
  compiles icontains on PostgreSQL to `UPPER(name::text) LIKE UPPER('%…%')`, not ILIKE, so the index is on
  that expression: a trigram index on plain `name` would never be used by icontains.
- registry_deputy_name_chars: GIN over the name's characters, `string_to_array(name, NULL)`. Trigrams
  cannot serve one- or two-character patterns, which is how Chinese names are searched; the selector
  filters `string_to_array(name, NULL) @> ARRAY[...]` before ILIKE. The expression must stay identical to
  directory.NameChars or PostgreSQL will not use the index.
- registry_seat_status_tier: serving seats of one tier (the search's tier filter).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_invitation"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(
            "CREATE INDEX registry_deputy_name_trgm ON registry_deputy USING gin (upper(name::text) gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS registry_deputy_name_trgm",
        ),
        migrations.RunSQL(
            "CREATE INDEX registry_deputy_name_chars ON registry_deputy USING gin (string_to_array(name, NULL))",
            reverse_sql="DROP INDEX IF EXISTS registry_deputy_name_chars",
        ),
        migrations.RunSQL(
            "CREATE INDEX registry_seat_status_tier ON registry_seat (status, tier)",
            reverse_sql="DROP INDEX IF EXISTS registry_seat_status_tier",
        ),
    ]
