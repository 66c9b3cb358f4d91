"""How long it takes to create a congress, three ways. A measurement script, not a test.

    DATABASE_URL=postgres://... .venv/bin/python bench/provisioning.py [--count 50] [--json] [--keep]
        [--warmup 1] [--order interleaved|sequential] [--fresh-connection]

Every congress is a PostgreSQL schema. The script creates township congresses under a bench county and times
each creation with `time.perf_counter()`:

migrate   django-tenants' default: insert the Congress and Domain rows, then `Congress.create_schema()`, which
          runs CREATE SCHEMA and every tenant migration against the new schema. Its cost grows with the
          number of migrations, and migrations can fail half-way on a live system.
clone     `provision_now()` with the spare pool empty: the schema is a copy of the migrated template schema
          (`congress_template`, django-tenants' CloneSchema), made inside the provisioning transaction.
          Cost grows with the number of tables, indexes and rows in the template; roughly 0.15-1 s.
spare     `provision_now()` with a spare ready: a clone made earlier (in production by the background
          worker) is claimed with ALTER SCHEMA ... RENAME, a catalog update; what remains is provision_now's
          own validation queries, rows and commits. This is why the spare pool exists: the administrator
          who clicks "create" waits for a rename, not a copy. The spare is made untimed before each run,
          as the worker would have done.

Creation slows down as a run goes on: cloning the most (in trial runs its p50 doubled between 5 and 160
schemas), and more on a connection that has itself created many schemas than on a fresh one. So by default
the paths take turns (one migrate, one clone, one spare, repeat) and each sees the same conditions;
`--order sequential` runs all migrate, then all clone, then all spare instead, and `--fresh-connection`
opens a new connection (untimed) before each creation, as a freshly started worker would have. The "drift"
column, the later half's p50 over the earlier half's, shows how much a path slowed down during the run.

The bench uses division codes under province 99 (990000000000 / 990100000000 / 990101000000 and townships
990101XXX000), which no real province has; they are treated as the bench's own. Leftovers under those codes
(e.g. from an earlier --keep run) are removed before measuring, and everything is removed again at the end,
even on error, unless --keep. Spares that existed before the run are drained before each clone-path
creation, and the pool is refilled to its former size afterwards.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATHS = ("migrate", "clone", "spare")
# Each path owns a block of township numbers (the XXX in 990101XXX000), so codes never collide.
BLOCK = 300
MAX_PER_PATH = BLOCK - 1
COUNTY_CODE = "990101000000"
# (tier, division code, subdomain, name): created top-down, removed bottom-up.
CHAIN = (
    ("province", "990000000000", "bench-province", "Bench province"),
    ("city", "990100000000", "bench-city", "Bench city"),
    ("county", COUNTY_CODE, "bench-county", "Bench county"),
)
SPARE_TARGET_MS = 100.0


class BenchError(RuntimeError):
    """A provisioning did not end the way the path requires; the numbers would be meaningless."""


@dataclass
class Bench:
    """What this run touched, so that clean-up removes exactly that."""

    spares_before: int = 0
    spares_made: set[str] = field(default_factory=set)
    township_codes: list[str] = field(default_factory=list)


# --- set-up -------------------------------------------------------------------------------------------------


def setup_django(*, fresh_connection: bool) -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "bench/provisioning.py: DATABASE_URL is not set. Point it at a PostgreSQL database "
            "you may write to, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/congress_bench"
        )
    for path in (ROOT, ROOT / "platform"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    if fresh_connection:
        # With Django's pool, close() would hand the same backend back; without it, close() really closes.
        os.environ["DATABASE_POOL"] = "0"
    # No in-process refill may top the pool up behind the clone phase's back.
    os.environ["CONGRESS_SPARE_POOL_SIZE"] = "0"
    import django

    django.setup()
    import logging

    # refill_spares logs every clone it makes; the bench makes one per spare-path run.
    logging.getLogger("tenants.schemas").setLevel(logging.WARNING)


def migrate() -> None:
    from django.core.management import call_command

    print("[bench] migrate (public schema, template)...", file=sys.stderr)
    call_command("migrate", interactive=False, verbosity=0)


def ensure_chain():
    """The bench province, city and county (made by provision_now if missing). Returns the county."""
    from console.services import provision_now
    from console.specs import CongressSpec
    from tenants.models import Congress

    parent = None
    for tier, code, subdomain, name in CHAIN:
        congress = Congress.objects.filter(division_code=code).first()
        if congress is None:
            spec = CongressSpec(tier=tier, parent=parent, division_code=code, name=name, subdomain=subdomain)
            request = provision_now(access=None, spec=spec, source="cli", actor_label="bench")
            if request.status != "succeeded":
                raise BenchError(f"could not provision bench {tier} {code}: {request.error}")
            congress = request.congress
        elif congress.tier != tier:
            raise BenchError(f"{code} exists but is a {congress.tier}, not a {tier}")
        parent = congress
    return parent


def township_code(path: str, index: int) -> str:
    return f"990101{PATHS.index(path) * BLOCK + index + 1:03d}000"


def township_spec(path: str, index: int, county):
    from console.specs import CongressSpec

    number = PATHS.index(path) * BLOCK + index + 1
    return CongressSpec(
        tier="township",
        parent=county,
        division_code=township_code(path, index),
        name=f"Bench {path} township {number:03d}",
        subdomain=f"bench-{path}-{number:03d}",
    )


# --- the spare pool -----------------------------------------------------------------------------------------


def spare_names() -> set[str]:
    from tenants.models import SpareSchema

    return set(SpareSchema.objects.values_list("schema_name", flat=True))


def drain_spares() -> None:
    """Drop every spare clone, so that provisioning has to clone."""
    from django.db import transaction

    from tenants import schemas
    from tenants.models import SpareSchema

    for spare in SpareSchema.objects.all():
        with transaction.atomic():
            schemas.drop_schema(spare.schema_name)
            spare.delete()


def ensure_spare(bench: Bench) -> None:
    """At least one current spare, as the background worker would keep (untimed)."""
    from tenants import schemas

    before = spare_names()
    schemas.refill_spares(1)
    bench.spares_made |= spare_names() - before


# --- the three paths ----------------------------------------------------------------------------------------


def create_by_migration(spec) -> float:
    """django-tenants' default: rows, then CREATE SCHEMA + every tenant migration. Returns milliseconds."""
    from console.specs import schema_name_for
    from tenants.models import Congress, Domain
    from tenants.selectors import platform_defaults

    modules = list(platform_defaults().default_modules)
    started = time.perf_counter()
    congress = Congress.objects.create(
        schema_name=schema_name_for(spec.division_code),
        tier=spec.tier,
        parent=spec.parent,
        division_code=spec.division_code,
        name=spec.name,
        subdomain=spec.subdomain,
        enabled_modules=modules,
    )
    Domain.objects.create(domain=congress.host(), tenant=congress, is_primary=True)
    congress.create_schema(check_if_exists=True, verbosity=0)
    elapsed = (time.perf_counter() - started) * 1000
    check_schema_current(congress.schema_name)
    return elapsed


def create_by_provisioning(spec, *, expect_spare: bool) -> float:
    """`provision_now`, checked to have succeeded the expected way. Returns milliseconds."""
    from console.services import provision_now

    started = time.perf_counter()
    request = provision_now(access=None, spec=spec, source="cli", actor_label="bench")
    elapsed = (time.perf_counter() - started) * 1000
    if request.status != "succeeded":
        raise BenchError(f"provisioning {spec.division_code} ended {request.status}: {request.error}")
    if request.used_spare != expect_spare:
        hint = "" if expect_spare else " (is a worker refilling the pool against this database?)"
        raise BenchError(f"provisioning {spec.division_code}: used_spare={request.used_spare}{hint}")
    check_schema_current(request.congress.schema_name)
    return elapsed


def check_schema_current(schema_name: str) -> None:
    from tenants import schemas

    missing = schemas.code_migrations() - schemas.applied_migrations(schema_name)
    if missing:
        raise BenchError(f"schema {schema_name} lacks {len(missing)} migration(s), e.g. {sorted(missing)[0]}")


def reconnect() -> None:
    """Close the database connection and open a new one (a new PostgreSQL backend), untimed."""
    from django.db import connection

    connection.close()
    connection.ensure_connection()


def create_one(path: str, index: int, county, bench: Bench, *, fresh_connection: bool) -> float:
    """Prepare (untimed), then create the `index`-th township of `path`; returns milliseconds."""
    spec = township_spec(path, index, county)
    bench.township_codes.append(spec.division_code)
    if path == "clone":
        drain_spares()
    elif path == "spare":
        ensure_spare(bench)
    if fresh_connection:
        reconnect()
    if path == "migrate":
        return create_by_migration(spec)
    return create_by_provisioning(spec, expect_spare=path == "spare")


def run_paths(
    *, order: str, count: int, warmup: int, county, bench: Bench, fresh_connection: bool
) -> dict[str, list[float]]:
    """`warmup` + `count` townships per path; returns the timed ones per path, in milliseconds.

    Creation slows down as the run goes on (more schemas, and a connection that has made them), so by
    default the paths take turns and each sees the same conditions.
    """
    rounds = range(warmup + count)
    if order == "interleaved":
        steps = [(path, index) for index in rounds for path in PATHS]
    else:
        steps = [(path, index) for path in PATHS for index in rounds]
    samples: dict[str, list[float]] = {path: [] for path in PATHS}
    for done, (path, index) in enumerate(steps, start=1):
        elapsed = create_one(path, index, county, bench, fresh_connection=fresh_connection)
        if index >= warmup:
            samples[path].append(elapsed)
        if done % 30 == 0 or done == len(steps):
            print(f"[bench] {done}/{len(steps)} congresses created ({order})", file=sys.stderr)
    return samples


# --- clean-up -----------------------------------------------------------------------------------------------


def remove_congress(code: str) -> None:
    """Drop a bench congress's schema and its rows (requests, events, domains), if any exist."""
    from django.db import transaction

    from console.specs import schema_name_for
    from tenants import schemas
    from tenants.models import Congress, CongressEvent, Domain, ProvisioningRequest

    with transaction.atomic():
        ProvisioningRequest.objects.filter(division_code=code).delete()
        congress = Congress.objects.filter(division_code=code).first()
        if congress is not None:
            ProvisioningRequest.objects.filter(parent=congress).delete()
            CongressEvent.objects.filter(congress=congress).delete()
            Domain.objects.filter(tenant=congress).delete()
            Congress.objects.filter(pk=congress.pk).delete()
        schemas.drop_schema(schema_name_for(code))


def all_bench_codes() -> list[str]:
    """Every code the bench may use, townships first, then county, city, province: the removal order."""
    townships = [township_code(path, index) for path in PATHS for index in range(MAX_PER_PATH)]
    return townships + [code for _tier, code, _sub, _name in reversed(CHAIN)]


def remove_leftovers() -> None:
    from tenants.models import Congress, ProvisioningRequest

    codes = set(all_bench_codes())
    found = set(Congress.objects.filter(division_code__in=codes).values_list("division_code", flat=True))
    found |= set(ProvisioningRequest.objects.filter(division_code__in=codes).values_list("division_code", flat=True))
    townships = sorted(found - {code for _tier, code, _sub, _name in CHAIN}, reverse=True)
    if townships:
        print(f"[bench] removing {len(townships)} leftover bench township(s) first", file=sys.stderr)
    for code in townships:
        remove_congress(code)


def cleanup(bench: Bench) -> None:
    from django.db import connection, transaction

    from tenants import schemas
    from tenants.models import SpareSchema

    connection.set_schema_to_public()
    for code in [*reversed(bench.township_codes), *(code for _tier, code, _sub, _name in reversed(CHAIN))]:
        remove_congress(code)
    for spare in SpareSchema.objects.filter(schema_name__in=bench.spares_made):
        with transaction.atomic():
            schemas.drop_schema(spare.schema_name)
            spare.delete()
    if bench.spares_before:
        schemas.refill_spares(bench.spares_before)
    print("[bench] cleaned up", file=sys.stderr)


# --- report -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def drift(values: list[float]) -> float | None:
    """p50 of the later half of the runs over p50 of the earlier half: above 1 means it got slower."""
    half = len(values) // 2
    if half == 0:
        return None
    return percentile(values[half:], 50) / percentile(values[:half], 50)


def summarise(samples: dict[str, list[float]], *, args: argparse.Namespace, schemas_before: int) -> dict:
    stats = {
        path: {
            "n": len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "max_ms": max(values),
            "drift": drift(values),
            "samples_ms": [round(value, 3) for value in values],
        }
        for path, values in samples.items()
    }
    ratios = {
        f"{slow}/{fast}": {q: stats[slow][f"{q}_ms"] / stats[fast][f"{q}_ms"] for q in ("p50", "p95")}
        for slow, fast in (("migrate", "clone"), ("migrate", "spare"), ("clone", "spare"))
    }
    return {
        "environment": {
            **environment(),
            "order": args.order,
            "connection": "fresh per congress" if args.fresh_connection else "one for the whole run",
            "schemas_before": schemas_before,
            "schemas_after": schema_count(),
        },
        "paths": stats,
        "ratios": ratios,
        "spare_p95_under_100ms": stats["spare"]["p95_ms"] < SPARE_TARGET_MS,
    }


def schema_count() -> int:
    """Schemas in the database, system ones excepted: what cloning's catalog queries have to wade through."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        )
        return cursor.fetchone()[0]


def environment() -> dict:
    from django.conf import settings
    from django.db import connection

    template = settings.CONGRESS_TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [template],
        )
        tables = cursor.fetchone()[0]
    return {"postgresql": version, "template": template, "template_tables": tables}


def render(summary: dict) -> str:
    env = summary["environment"]
    lines = [
        f"PostgreSQL {env['postgresql']}; template {env['template']} has {env['template_tables']} table(s)",
        f"order: {env['order']}; database connection: {env['connection']}",
        f"schemas in the database: {env['schemas_before']} before, {env['schemas_after']} after",
        "",
        f"{'path':<10}{'n':>5}{'p50 ms':>11}{'p95 ms':>11}{'max ms':>11}{'drift':>9}",
    ]
    for path, stats in summary["paths"].items():
        trend = "-" if stats["drift"] is None else f"{stats['drift']:.2f}x"
        lines.append(
            f"{path:<10}{stats['n']:>5}{stats['p50_ms']:>11.1f}{stats['p95_ms']:>11.1f}{stats['max_ms']:>11.1f}"
            f"{trend:>9}"
        )
    lines += ["", f"{'ratio':<16}{'p50':>9}{'p95':>9}"]
    for name, ratio in summary["ratios"].items():
        lines.append(f"{name:<16}{ratio['p50']:>8.1f}x{ratio['p95']:>8.1f}x")
    spare_p95 = summary["paths"]["spare"]["p95_ms"]
    verdict = "yes" if summary["spare_p95_under_100ms"] else "NO"
    lines += [
        "",
        f"spare p95 < {SPARE_TARGET_MS:.0f} ms: {verdict} ({spare_p95:.1f} ms)",
        "drift: p50 of the later half of a path's runs over p50 of the earlier half (>1: slowed down).",
    ]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="timed congresses per path (default 50)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed congresses per path first (default 1)")
    parser.add_argument(
        "--order",
        choices=("interleaved", "sequential"),
        default="interleaved",
        help="interleaved: the paths take turns (default); sequential: all migrate, then clone, then spare",
    )
    parser.add_argument(
        "--fresh-connection",
        action="store_true",
        help="open a new database connection (untimed) before each creation, as a fresh worker would",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--keep", action="store_true", help="leave the bench congresses in place")
    args = parser.parse_args(argv)
    if args.count < 1 or args.warmup < 0 or args.count + args.warmup > MAX_PER_PATH:
        parser.error(f"need count >= 1, warmup >= 0 and count + warmup <= {MAX_PER_PATH}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(fresh_connection=args.fresh_connection)
    migrate()
    bench = Bench(spares_before=len(spare_names()))
    try:
        remove_leftovers()
        county = ensure_chain()
        schemas_before = schema_count()
        samples = run_paths(
            order=args.order,
            count=args.count,
            warmup=args.warmup,
            county=county,
            bench=bench,
            fresh_connection=args.fresh_connection,
        )
        summary = summarise(samples, args=args, schemas_before=schemas_before)
    except BenchError as exc:
        print(f"[bench] FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print("[bench] --keep: bench congresses left in place", file=sys.stderr)
        else:
            cleanup(bench)
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
