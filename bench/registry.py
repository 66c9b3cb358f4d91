"""How fast the province-wide deputy search and the workspace query are with 100,000 deputies. A measurement
script, not a test.

    DATABASE_URL=postgres://... .venv/bin/python bench/registry.py [--deputies 100000] [--queries 200]
        [--full-names 50] [--workspace 1000] [--seed 1] [--json] [--keep]

search      `directory.deputy_search(filters)` paginated by `directory.paginate(..., 1)` and evaluated: the
            exact calls the root domain's /deputies/ page makes (count, one page of 30, their seats), minus
            template rendering. Queries are random one- or two-character substrings of the bench's names
            (how Chinese names are searched), half of them combined with a tier, congress or constituency
            filter. `--full-names` adds three-character queries, the only ones trigrams can serve.
baseline    the same calls on the same connection with `enable_bitmapscan`, `enable_indexscan` and
            `enable_indexonlyscan` off, i.e. what PostgreSQL does without any index (sequential scans). Each
            query runs indexed then baseline, back to back, so both see the same cache.
workspace   `Seat.objects.filter(deputy=..., status="serving").select_related("congress", "term")`, the
            deputy workspace's read, for deputies holding one, two and three seats.

Data: 100,000 deputies with names drawn from 30 surnames and 40 given-name characters, valid resident ID
numbers (region 980101, which no real place uses) and mobile numbers, inserted with bulk_create. Encrypting
100,000 values takes minutes and the search never reads the ciphertext, so every row stores ONE encrypted
token for its ID number and one for its mobile; the keyed lookup hashes and masks are computed per row (the
hash must be unique). Seats (~110,000): every deputy a county seat in one of three counties, every 11th also
a city seat, every 110th also a province seat; 2% of the county seats are ended (resigned). The bench
congresses (division codes 980000000000, 980100000000, 9801010/20/30 00000) are Congress rows WITHOUT
schemas: search and workspace touch public tables only. The tables are VACUUMed and ANALYZEd after loading, as
autovacuum would soon do. Leftovers of an earlier --keep run are removed first; everything is removed at the end, even
on error, unless --keep.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field

from common import setup_django

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "秀英国华芳明丽军伟强敏静磊洋艳勇杰娟涛超平刚桂兰霞志红玉文斌建海燕春梅云飞鹏丹"
OCCUPATIONS = ("农民", "教师", "医生", "工人", "企业负责人", "公务员", "村干部", "律师", "科技人员", "个体工商户")
REGION = "980101"
# (tier, division code, subdomain, name, constituencies): created top-down, removed bottom-up.
PROVINCE = ("province", "980000000000", "bench-reg-province", "Bench registry province", 5)
CITY = ("city", "980100000000", "bench-reg-city", "Bench registry city", 10)
COUNTIES = tuple(
    ("county", f"98010{n}000000", f"bench-reg-county-{n}", f"Bench registry county {n}", 40) for n in (1, 2, 3)
)
CHAIN = (PROVINCE, CITY, *COUNTIES)
BATCH = 5000
PAGE = 1


@dataclass
class Bench:
    """What this run made: congresses by tier, open terms and constituencies by congress pk, deputies."""

    congresses: dict[str, object] = field(default_factory=dict)  # division code → Congress
    terms: dict[int, object] = field(default_factory=dict)
    constituencies: dict[int, list] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    deputy_ids: list[int] = field(default_factory=list)
    seat_counts: dict[int, int] = field(default_factory=dict)  # deputy pk → serving seats


# --- set-up -------------------------------------------------------------------------------------------------


def migrate() -> None:
    from django.core.management import call_command

    print("[bench] migrate (public schema, template)...", file=sys.stderr)
    call_command("migrate", interactive=False, verbosity=0)


def make_congresses(bench: Bench) -> None:
    """The bench province, city and counties: rows only (no schema), each with an open term and
    constituencies."""
    from shared_apps.registry.models import Constituency, Term
    from tenants.models import Congress

    parent = None
    for tier, code, subdomain, name, constituencies in CHAIN:
        congress = Congress(
            schema_name=f"bench_registry_{code}",
            tier=tier,
            parent=None if tier == "province" else parent,
            division_code=code,
            name=name,
            subdomain=subdomain,
        )
        congress.save()
        term = Term.objects.create(congress=congress, tier=tier, number=1, starts_on=datetime.date(2021, 1, 1))
        bench.congresses[code] = congress
        bench.terms[congress.pk] = term
        bench.constituencies[congress.pk] = Constituency.objects.bulk_create(
            Constituency(term=term, name=f"{name} 第{n + 1}选区") for n in range(constituencies)
        )
        if tier in ("province", "city"):
            parent = congress


# --- deputies and seats -------------------------------------------------------------------------------------


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def id_number(index: int) -> str:
    """A valid resident ID number, unique per index: region 980101, a birth date, a sequence number."""
    from shared_apps.registry.identifiers import id_check_digit

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index % 18000)
    first17 = f"{REGION}{born:%Y%m%d}{index // 18000:03d}"
    return first17 + id_check_digit(first17)


def deputy_rows(count: int, rng: random.Random, bench: Bench):
    """Yield unsaved Deputy rows. One shared ciphertext per identifier kind (see the module docstring)."""
    from shared_apps.registry import crypto, identifiers
    from shared_apps.registry.models import Deputy

    id_token = crypto.encrypt(id_number(0))
    mobile_token = crypto.encrypt("19900000000")
    for index in range(count):
        number, mobile = id_number(index), f"199{index:08d}"
        name = random_name(rng)
        bench.names.append(name)
        yield Deputy(
            name=name,
            gender=identifiers.gender_from_id(number),
            ethnicity="汉族",
            date_of_birth=identifiers.birth_date_from_id(number),
            occupation=rng.choice(OCCUPATIONS),
            work_unit=f"Bench 单位 {index % 500}",
            id_number_token=id_token,
            id_number_hash=crypto.lookup_hash(number),
            id_number_masked=identifiers.mask_id_number(number),
            mobile_token=mobile_token,
            mobile_hash=crypto.lookup_hash(mobile),
            mobile_masked=identifiers.mask_mobile(mobile),
        )


def bulk(model, rows, total: int, label: str) -> list:
    """bulk_create in batches, reporting progress; returns the saved objects (with primary keys)."""
    saved, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            saved += model.objects.bulk_create(batch)
            batch = []
            if len(saved) % (BATCH * 4) == 0:
                print(f"[bench] {len(saved)}/{total} {label}", file=sys.stderr)
    saved += model.objects.bulk_create(batch)
    return saved


def seat_rows(bench: Bench, rng: random.Random):
    """Yield unsaved Seat rows: a county seat each, every 11th a city seat, every 110th a province seat;
    one county seat in 50 ended."""
    from shared_apps.registry.models import Seat

    counties = [bench.congresses[code] for _t, code, *_ in COUNTIES]
    city, province = bench.congresses[CITY[1]], bench.congresses[PROVINCE[1]]
    for index, deputy_id in enumerate(bench.deputy_ids):
        held = [counties[index % 3]]
        held += [city] if index % 11 == 0 else []
        held += [province] if index % 110 == 0 else []
        for congress in held:
            ended = congress.tier == "county" and index % 50 == 7
            bench.seat_counts[deputy_id] = bench.seat_counts.get(deputy_id, 0) + (not ended)
            yield Seat(
                deputy_id=deputy_id,
                term=bench.terms[congress.pk],
                congress=congress,
                tier=congress.tier,
                constituency=rng.choice(bench.constituencies[congress.pk]),
                starts_on=datetime.date(2021, 1, 1),
                ends_on=datetime.date(2023, 6, 1) if ended else None,
                status="resigned" if ended else "serving",
            )


def load(bench: Bench, *, deputies: int, rng: random.Random) -> int:
    """Create the bench congresses, deputies and seats; returns the number of seats."""
    from django.db import connection

    from shared_apps.registry.models import Deputy, Seat

    started = time.perf_counter()
    make_congresses(bench)
    bench.deputy_ids = [d.pk for d in bulk(Deputy, deputy_rows(deputies, rng, bench), deputies, "deputies")]
    seats = len(bulk(Seat, seat_rows(bench, rng), int(deputies * 1.1), "seats"))
    with connection.cursor() as cursor:
        # VACUUM too: dead rows of earlier runs' clean-ups would otherwise sit in the heap and the indexes.
        cursor.execute("VACUUM ANALYZE registry_deputy, registry_seat, registry_constituency, tenants_congress")
    print(f"[bench] loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return seats


# --- measuring ----------------------------------------------------------------------------------------------


def search_cases(bench: Bench, rng: random.Random, count: int, *, length: int | None = None) -> list:
    """`count` search criteria: substrings of real bench names (1–2 characters, or exactly `length`),
    half of them with one seat filter."""
    from shared_apps.registry.directory import SearchFilters

    cases = []
    while len(cases) < count:
        name = rng.choice(bench.names)
        size = length or rng.choice((1, 2))
        if len(name) < size:
            continue
        start = rng.randrange(len(name) - size + 1)
        cases.append(SearchFilters(q=name[start : start + size], **seat_filter(bench, rng)))
    return cases


def seat_filter(bench: Bench, rng: random.Random) -> dict:
    kind = rng.choice(("none", "none", "none", "tier", "congress", "constituency"))
    if kind == "tier":
        return {"tier": rng.choice(("county", "city", "province"))}
    if kind == "congress":
        return {"congress": rng.choice(list(bench.congresses))}
    if kind == "constituency":
        congress = rng.choice(list(bench.congresses.values()))
        return {"constituency": rng.choice(bench.constituencies[congress.pk]).name.split()[-1]}
    return {}


def run_search(filters) -> tuple[float, int]:
    """The search page's selector calls, evaluated; returns (milliseconds, total matches)."""
    from shared_apps.registry import directory

    started = time.perf_counter()
    page = directory.paginate(directory.deputy_search(filters), PAGE)
    for deputy in page.object_list:
        deputy.public_seats  # noqa: B018 — prefetched with the page; touched as the template would
    return (time.perf_counter() - started) * 1000, page.paginator.count


def set_indexes(enabled: bool) -> None:
    """Allow or forbid every kind of index access on this connection (the baseline)."""
    from django.db import connection

    value = "on" if enabled else "off"
    with connection.cursor() as cursor:
        for setting in ("enable_bitmapscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET {setting} = {value}")


def measure_search(cases: list) -> dict[str, list[float]]:
    """Each case indexed, then sequential (same connection, back to back). Returns both series."""
    samples: dict[str, list[float]] = {"indexed": [], "baseline": [], "matches": []}
    for case in cases[:10]:  # warm-up, untimed
        run_search(case)
    for done, case in enumerate(cases, start=1):
        elapsed, matches = run_search(case)
        samples["indexed"].append(elapsed)
        samples["matches"].append(matches)
        set_indexes(False)
        try:
            samples["baseline"].append(run_search(case)[0])
        finally:
            set_indexes(True)
        if done % 50 == 0:
            print(f"[bench] {done}/{len(cases)} searches", file=sys.stderr)
    return samples


def measure_workspace(bench: Bench, rng: random.Random, count: int) -> dict[int, list[float]]:
    """The workspace read for `count` deputies, a third each holding 1, 2 and 3 serving seats."""
    from shared_apps.registry.models import Seat

    by_seats: dict[int, list[int]] = {1: [], 2: [], 3: []}
    for deputy_id, seats in bench.seat_counts.items():
        if seats in by_seats:
            by_seats[seats].append(deputy_id)
    samples: dict[int, list[float]] = {1: [], 2: [], 3: []}
    for seats, ids in by_seats.items():
        for deputy_id in rng.sample(ids, min(len(ids), count // 3 + (seats == 1) * (count % 3))):
            started = time.perf_counter()
            rows = list(Seat.objects.filter(deputy=deputy_id, status="serving").select_related("congress", "term"))
            samples[seats].append((time.perf_counter() - started) * 1000)
            assert len(rows) == seats
    return samples


def plan_indexes(filters) -> list[str]:
    """The indexes PostgreSQL's plan for the search's count query uses."""
    import re

    from django.db import connection

    from shared_apps.registry.directory import deputy_search

    sql, params = deputy_search(filters).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS q", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return sorted(set(re.findall(r"[Ii]ndex (?:Only )?Scan (?:using |on )(\w+)", plan)))


# --- clean-up -----------------------------------------------------------------------------------------------


# Plain SQL, children first. The ORM's delete() would look for related rows in every model pointing at a
# deputy, tenant apps included, whose tables do not exist in the public schema. A real reference to a bench
# row (there should be none) makes a statement fail instead of deleting someone's data.
CLEANUP_SQL = (
    "DELETE FROM registry_seat WHERE term_id IN (SELECT id FROM registry_term WHERE congress_id IN ({congresses}))"
    " OR deputy_id IN (SELECT id FROM registry_deputy WHERE id_number_masked LIKE %s)",
    "DELETE FROM registry_constituency WHERE term_id IN (SELECT id FROM registry_term WHERE congress_id IN "
    "({congresses}))",
    "DELETE FROM registry_delegation WHERE term_id IN (SELECT id FROM registry_term WHERE congress_id IN "
    "({congresses}))",
    "DELETE FROM registry_term WHERE congress_id IN ({congresses})",
    "DELETE FROM registry_deputy WHERE id_number_masked LIKE %s",
)


def cleanup() -> None:
    """Remove every bench row: seats, constituencies and terms of the bench congresses, the bench deputies
    (ID numbers of region 980101), then the congresses, lowest tier first."""
    from django.db import connection, transaction

    connection.set_schema_to_public()
    codes = [code for _tier, code, *_ in CHAIN]
    congresses = "SELECT id FROM tenants_congress WHERE division_code IN ({})".format(", ".join(["%s"] * len(codes)))
    pattern = f"{REGION[:4]}%"
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in CLEANUP_SQL:
            params = [*codes] * statement.count("{congresses}") + [pattern] * statement.count("%s")
            cursor.execute(statement.format(congresses=congresses), params)
        for code in reversed(codes):
            cursor.execute("DELETE FROM tenants_congress WHERE division_code = %s", [code])
    print("[bench] cleaned up", file=sys.stderr)


def has_registry_tables() -> bool:
    from django.db import connection

    return "registry_deputy" in connection.introspection.table_names()


# --- report -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "max_ms": max(values),
    }


def search_summary(samples: dict[str, list[float]]) -> dict:
    indexed, baseline = stats(samples["indexed"]), stats(samples["baseline"])
    return {
        "indexed": indexed,
        "baseline": baseline,
        "ratio": {q: baseline[f"{q}_ms"] / indexed[f"{q}_ms"] for q in ("p50", "p95")},
        "matches_p50": percentile(samples["matches"], 50),
    }


def environment() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registry_deputy")
        deputies = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'serving') FROM registry_seat")
        seats, serving = cursor.fetchone()
    return {
        "postgresql": version,
        "deputies": deputies,
        "seats": seats,
        "serving_seats": serving,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def render(summary: dict) -> str:
    env = summary["environment"]
    lines = [
        f"PostgreSQL {env['postgresql']}; registry: {env['deputies']} deputies, {env['seats']} seats "
        f"({env['serving_seats']} serving)",
        f"{env['cpus']} CPU(s), load average {env['load_average_1min']} at the end (other work skews timings)",
        "",
        f"{'query':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}",
    ]
    for label, block in summary["search"].items():
        for mode in ("indexed", "baseline"):
            s = block[mode]
            lines.append(
                f"{f'search {label}, {mode}':<34}{s['n']:>5}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['max_ms']:>9.1f}"
            )
    for seats, s in summary["workspace"].items():
        lines.append(f"{f'workspace, {seats}':<34}{s['n']:>5}{s['p50_ms']:>9.2f}{s['p95_ms']:>9.2f}{s['max_ms']:>9.2f}")
    lines += ["", f"{'baseline / indexed':<34}{'p50':>9}{'p95':>9}"]
    for label, block in summary["search"].items():
        ratio = block["ratio"]
        lines.append(f"{f'search {label}':<34}{ratio['p50']:>8.1f}x{ratio['p95']:>8.1f}x")
    lines += ["", "indexes in the plans (count query):"]
    for label, used in summary["plans"].items():
        lines.append(f"  {label}: {', '.join(used) or 'none (sequential scans)'}")
    lines += [
        "",
        "search: directory.deputy_search + paginate (count, page of 30, seats); median matches per query: "
        + ", ".join(f"{label} {block['matches_p50']:.0f}" for label, block in summary["search"].items()),
        "baseline: same calls with enable_bitmapscan/indexscan/indexonlyscan off on the same connection.",
    ]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=100_000, help="deputies to create (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="1–2 character searches (default 200)")
    parser.add_argument("--full-names", type=int, default=50, help="3-character searches (default 50; 0: none)")
    parser.add_argument("--workspace", type=int, default=1000, help="deputies for the workspace query (1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the bench rows in place (e.g. to EXPLAIN); `manage.py migrate` fails on their schema-less "
        "congresses until the next run of this script removes them",
    )
    args = parser.parse_args(argv)
    if args.deputies < 1000 or args.deputies > 10_000_000 or args.queries < 1 or args.workspace < 3:
        parser.error("need 1000 <= deputies <= 10000000, queries >= 1 and workspace >= 3")
    return args


def measure(bench: Bench, args: argparse.Namespace, rng: random.Random) -> dict:
    short = search_cases(bench, rng, args.queries)
    sets = {"1-2 chars": short}
    if args.full_names:
        sets["3 chars"] = search_cases(bench, rng, args.full_names, length=3)
    search = {label: search_summary(measure_search(cases)) for label, cases in sets.items()}
    workspace = measure_workspace(bench, rng, args.workspace)
    every = [value for values in workspace.values() for value in values]
    plans = {f"q={case.q!r}": plan_indexes(case) for case in (short[0], sets.get("3 chars", short)[0])}
    return {
        "environment": environment(),
        "search": search,
        "workspace": {**{f"{n} seat(s)": stats(v) for n, v in workspace.items()}, "all": stats(every)},
        "plans": plans,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django("registry.py")
    if has_registry_tables():
        cleanup()  # leftovers of an earlier --keep run: schema-less congresses would break migrate
    migrate()
    rng = random.Random(args.seed)
    bench = Bench()
    try:
        load(bench, deputies=args.deputies, rng=rng)
        summary = measure(bench, args, rng)
    finally:
        if args.keep:
            print("[bench] --keep: bench rows left in place", file=sys.stderr)
        else:
            cleanup()
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
