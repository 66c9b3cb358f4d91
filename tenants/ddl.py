"""The template schema's DDL, read from `pg_catalog` once per migration set and replayed to make a congress.

django-tenants' `clone_schema` reads `information_schema`, whose views scan every schema's catalog: in a province
of 1,600 congresses each clone took many seconds and grew with every schema added. Here the template is read
from `pg_catalog` restricted to its own namespace (index lookups, whatever else the database holds), turned into
plain DDL with unqualified names, and stored (`TemplateSnapshot`). A new congress is then one round trip: the DDL
replayed with the new schema first on the search path, the template's few data rows copied, its sequences set.

Only what Django migrations make is supported: tables, columns (identity and generated ones included),
constraints, indexes, sequences (owned or not) and comments. `capture` refuses a template holding anything else
(a view, a function, a trigger, a type) with an error naming it, rather than cloning it incompletely.
`outline` describes a schema in the same terms, so tests can hold a clone to its template.
"""

from dataclasses import dataclass

from django.db import connection


class UnsupportedTemplateError(RuntimeError):
    """The template holds an object the DDL capture cannot rebuild."""


@dataclass(frozen=True)
class Snapshot:
    ddl: str  # CREATE statements with unqualified names, to run with the new schema first on the search path
    data_tables: tuple[tuple[str, tuple[str, ...]], ...]  # tables holding rows in the template, with columns
    sequences: tuple[str, ...]  # every sequence, whose position is copied from the template's


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def capture(schema: str) -> Snapshot:
    """Read `schema`'s objects from pg_catalog and return the DDL that rebuilds them in another schema.

    Runs a few catalog queries restricted to the schema's namespace, with the search path set to it alone for
    the duration (so the catalog's functions print its own objects unqualified and everything else qualified).
    Raises UnsupportedTemplateError for objects it cannot rebuild.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path'), %s::regnamespace::oid", [_quote(schema)])
        previous, namespace = cursor.fetchone()
        cursor.execute("SELECT set_config('search_path', %s, false)", [_quote(schema)])
    try:
        _refuse_unsupported(namespace)
        parts = [
            *_sequence_ddl(namespace),
            *_table_ddl(namespace),
            *_constraint_ddl(namespace),
            *_index_ddl(namespace, schema),
            *_owned_by_ddl(namespace),
            *_comment_ddl(namespace),
        ]
        data_tables = _data_tables(namespace, schema)
        sequences = tuple(name for (name,) in _rows(_SEQUENCES, [namespace]))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('search_path', %s, false)", [previous])
    return Snapshot(ddl=";\n".join(parts) + ";\n", data_tables=data_tables, sequences=sequences)


def replay_sql(snapshot: Snapshot, template: str, target: str, restore: str) -> str:
    """The one statement batch that makes `target` a copy of `template` (run inside the caller's transaction).

    The search path is set for the transaction and put back to `restore` at the end of the batch, so the
    caller's connection is left as it was. Without parameters, so PostgreSQL takes it as one simple query.
    """
    src, dst = _quote(template), _quote(target)
    copies = []
    for table, columns in snapshot.data_tables:
        listed = ", ".join(_quote(c) for c in columns)
        copies.append(
            f"INSERT INTO {dst}.{_quote(table)} ({listed}) OVERRIDING SYSTEM VALUE "  # noqa: S608 — quoted names
            f"SELECT {listed} FROM {src}.{_quote(table)}"
        )
    positions = [
        f"SELECT setval({_literal(dst + '.' + _quote(seq))}, last_value, is_called) FROM {src}.{_quote(seq)}"  # noqa: S608
        for seq in snapshot.sequences
    ]
    return "\n".join(
        [
            f"CREATE SCHEMA {dst};",
            f"SELECT set_config('search_path', {_literal(dst)}, true);",
            snapshot.ddl,
            *(f"{statement};" for statement in copies + positions),
            f"SELECT set_config('search_path', {_literal(restore)}, true);",
        ]
    )


# Object kinds in the namespace: relations, functions, types that are not a table's row type, triggers.
_UNSUPPORTED = """
SELECT 'relation ' || relname || ' (kind ' || relkind::text || ')' FROM pg_class
 WHERE relnamespace = %(ns)s AND relkind NOT IN ('r', 'i', 'S')
UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = %(ns)s
UNION ALL SELECT 'type ' || typname FROM pg_type
 WHERE typnamespace = %(ns)s AND typrelid = 0 AND typelem = 0
UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_type e ON e.oid = t.typelem
 WHERE t.typnamespace = %(ns)s AND e.typrelid = 0
UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = %(ns)s AND NOT t.tgisinternal
UNION ALL SELECT 'partitioned or inheriting table ' || c.relname
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'policy ' || polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
 WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'rule ' || rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
 WHERE c.relnamespace = %(ns)s
"""


def _refuse_unsupported(namespace: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UNSUPPORTED, {"ns": namespace})
        found = [name for (name,) in cursor.fetchall()]
    if found:
        raise UnsupportedTemplateError(
            "the template schema holds objects tenants/ddl.py cannot rebuild: " + ", ".join(sorted(found)[:10])
        )


_SEQUENCES = """
SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'S' ORDER BY c.relname
"""

# Sequences that are not an identity column's own (those are made with their column).
_FREE_SEQUENCES = """
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
       s.seqcycle
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
 WHERE c.relnamespace = %s AND c.relkind = 'S'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.deptype = 'i')
 ORDER BY c.relname
"""


def _sequence_options(kind, increment, minimum, maximum, start, cache, cycle, *, typed: bool = True) -> str:
    # An identity column's sequence takes the column's type: naming it again is refused.
    return (
        f"{f'AS {kind} ' if typed else ''}INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} "
        f"START WITH {start} CACHE {cache} {'CYCLE' if cycle else 'NO CYCLE'}"
    )


def _sequence_ddl(namespace: int) -> list[str]:
    return [
        f"CREATE SEQUENCE {_quote(name)} {_sequence_options(*options)}"
        for name, *options in _rows(_FREE_SEQUENCES, [namespace])
    ]


_COLUMNS = """
SELECT c.relname, c.relpersistence, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       seq.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache,
       s.seqcycle
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum
       AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'i'
  LEFT JOIN pg_class seq ON seq.oid = dep.objid AND seq.relkind = 'S'
  LEFT JOIN pg_sequence s ON s.seqrelid = seq.oid
 WHERE c.relnamespace = %s AND c.relkind = 'r'
 ORDER BY c.relname, a.attnum
"""


def _column_ddl(row) -> str:
    _table, _persistence, name, kind, notnull, default, identity, generated, collation, *seq = row
    parts = [_quote(name), kind]
    if collation:
        parts.append(f"COLLATE {_quote(collation)}")
    if generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
    elif identity:
        seq_name, *options = seq
        always = "ALWAYS" if identity == "a" else "BY DEFAULT"
        options_sql = _sequence_options(*options, typed=False)
        parts.append(f"GENERATED {always} AS IDENTITY (SEQUENCE NAME {_quote(seq_name)} {options_sql})")
    elif default is not None:
        parts.append(f"DEFAULT {default}")
    if notnull:
        parts.append("NOT NULL")
    return " ".join(parts)


def _table_ddl(namespace: int) -> list[str]:
    tables: dict[str, tuple[str, list[str]]] = {}
    for row in _rows(_COLUMNS, [namespace]):
        table, persistence = row[0], row[1]
        tables.setdefault(table, (persistence, []))[1].append(_column_ddl(row))
    return [
        f"CREATE {'UNLOGGED ' if persistence == 'u' else ''}TABLE {_quote(table)} ({', '.join(columns)})"
        for table, (persistence, columns) in tables.items()
    ]


# Keys first (foreign keys need the referenced key), then checks and exclusions, then foreign keys. NOT NULL
# constraints (PostgreSQL 18 catalogues them) come with their columns.
_CONSTRAINTS = """
SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
 WHERE k.connamespace = %s AND k.contype IN ('p', 'u', 'x', 'c', 'f')
 ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END,
          c.relname, k.conname
"""


def _constraint_ddl(namespace: int) -> list[str]:
    return [
        f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
        for table, name, definition in _rows(_CONSTRAINTS, [namespace])
    ]


# Indexes that no key or exclusion constraint of their own table made.
_INDEXES = """
SELECT pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
 WHERE c.relnamespace = %s
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                   AND k.contype IN ('p', 'u', 'x'))
 ORDER BY ic.relname
"""


def _index_ddl(namespace: int, schema: str) -> list[str]:
    # pg_get_indexdef always qualifies the table: drop the template's name so the index lands in the new schema.
    qualified = f" ON {_quote_ident(schema)}."
    only = f" ON ONLY {_quote_ident(schema)}."
    out = []
    for (definition,) in _rows(_INDEXES, [namespace]):
        if only in definition:
            out.append(definition.replace(only, " ON ONLY ", 1))
        elif qualified in definition:
            out.append(definition.replace(qualified, " ON ", 1))
        else:
            raise UnsupportedTemplateError(f"unexpected index definition: {definition}")
    return out


def _quote_ident(name: str) -> str:
    """As PostgreSQL's quote_ident prints a name: bare when it can be."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(%s)", [name])
        return cursor.fetchone()[0]


_OWNED = """
SELECT s.relname, t.relname, a.attname
  FROM pg_class s
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'a'
       AND d.refclassid = 'pg_class'::regclass
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
 WHERE s.relnamespace = %s AND s.relkind = 'S'
 ORDER BY s.relname
"""


def _owned_by_ddl(namespace: int) -> list[str]:
    return [
        f"ALTER SEQUENCE {_quote(seq)} OWNED BY {_quote(table)}.{_quote(column)}"
        for seq, table, column in _rows(_OWNED, [namespace])
    ]


_COMMENTS = """
SELECT c.relname, a.attname, ds.description
  FROM pg_description ds JOIN pg_class c ON c.oid = ds.objoid AND ds.classoid = 'pg_class'::regclass
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ds.objsubid AND ds.objsubid > 0
 WHERE c.relnamespace = %s AND c.relkind = 'r'
 ORDER BY c.relname, ds.objsubid
"""


def _comment_ddl(namespace: int) -> list[str]:
    out = []
    for table, column, text in _rows(_COMMENTS, [namespace]):
        target = f"COLUMN {_quote(table)}.{_quote(column)}" if column else f"TABLE {_quote(table)}"
        out.append(f"COMMENT ON {target} IS {_literal(text)}")
    return out


def _data_tables(namespace: int, schema: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The tables holding rows in the template, each with its insertable (not generated) columns."""
    columns: dict[str, list[str]] = {}
    for table, column in _rows(
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
        " AND a.attgenerated = '' ORDER BY c.relname, a.attnum",
        [namespace],
    ):
        columns.setdefault(table, []).append(column)
    if not columns:
        return ()
    probes = " UNION ALL ".join(
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {_quote(schema)}.{_quote(table)})"  # noqa: S608 — quoted names
        for i, table in enumerate(columns)
    )
    names = list(columns)
    with connection.cursor() as cursor:
        cursor.execute(probes)
        holding = sorted(names[i] for (i,) in cursor.fetchall())
    return tuple((table, tuple(columns[table])) for table in holding)


# -- describing a schema, to hold a clone to its template ------------------------------------------------------

_OUTLINE = {
    "columns": """
        SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attcollation::regcollation::text
          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relnamespace = %(ns)s AND c.relkind = 'r'""",
    "constraints": """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.connamespace = %(ns)s""",
    "indexes": """
        SELECT ic.relname, replace(pg_get_indexdef(i.indexrelid), %(qualified)s, ' ON ')
          FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relnamespace = %(ns)s""",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,
               s.seqcache, s.seqcycle, t.relname, a.attname, d.deptype
          FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
          LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
               AND d.refclassid = 'pg_class'::regclass
          LEFT JOIN pg_class t ON t.oid = d.refobjid
          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
         WHERE c.relnamespace = %(ns)s""",
    "comments": """
        SELECT c.relname, ds.objsubid, ds.description
          FROM pg_description ds JOIN pg_class c ON c.oid = ds.objoid AND ds.classoid = 'pg_class'::regclass
         WHERE c.relnamespace = %(ns)s""",
}


def outline(schema: str) -> dict[str, set]:
    """What `schema` holds, in terms that do not name it: its tables' columns, constraints, indexes, sequences
    (with their owners and positions), comments and recorded migrations. Two equal outlines mean two equal
    schemas as far as the code is concerned."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path'), %s::regnamespace::oid", [_quote(schema)])
        previous, namespace = cursor.fetchone()
        cursor.execute("SELECT set_config('search_path', %s, false)", [_quote(schema)])
        try:
            result = {}
            params = {"ns": namespace, "qualified": f" ON {_quote_ident(schema)}."}
            for key, sql in _OUTLINE.items():
                cursor.execute(sql, params)
                result[key] = {tuple(row) for row in cursor.fetchall()}
            result["positions"] = set()
            for name, *_rest in result["sequences"]:
                cursor.execute(f"SELECT last_value, is_called FROM {_quote(name)}")  # noqa: S608 — catalog name
                result["positions"].add((name, *cursor.fetchone()))
            cursor.execute("SELECT to_regclass('django_migrations')")
            if cursor.fetchone()[0] is not None:
                cursor.execute("SELECT id, app, name, applied FROM django_migrations")
                result["migrations"] = {tuple(row) for row in cursor.fetchall()}
        finally:
            cursor.execute("SELECT set_config('search_path', %s, false)", [previous])
    return result
