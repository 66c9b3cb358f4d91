"""What scaling out past one PostgreSQL asks of the data model (docs/scale-out.md): the public tables that congress
schemas reference. Under Citus schema-based sharding these become reference tables (copied to every node); no
other public table may be referenced from a congress's schema. tests/test_architecture.py holds it."""

REFERENCE_TABLES = frozenset({"accounts_user", "registry_deputy", "tenants_congress"})
