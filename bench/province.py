"""A whole province provisioned from one tree CSV, as `provision_townships --tree` does it: the clone against its
floor, whether a clone costs the same at 1,600 schemas as at 100, the province's time with one process and with
two, and what a backend's memory grows to when one connection visits every congress.

Run from the repository root against a database you may fill (it makes ~1,600 schemas under the unused
province code 99 and removes them at the end unless --keep):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congress_bench .venv/bin/python bench/province.py

Ratios are measured in one run; nothing is asserted. Progress goes to stderr, results to stdout.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CONGRESS_SPARE_POOL_SIZE", "0")  # every congress is a clone: the spare pool would hide it

from common import setup_django

PROVINCE = "990000000000"
SWEPT_TABLES = ("suggestions_suggestion", "suggestions_assignment", "liaison_publicmessage", "duty_invitation")
CITIES = 9
COUNTIES = 88


def tree_csv(total: int) -> str:
    """A Guizhou-shaped tree of `total` congresses: 1 province, 9 cities, 88 counties, the rest townships."""
    cities = min(CITIES, max(1, total // 100))
    counties = min(COUNTIES, max(1, total // 20))
    townships = total - 1 - cities - counties
    out = io.StringIO()
    out.write("tier,parent,code,name,subdomain\n")
    out.write(f"province,,{PROVINCE},测试省人民代表大会,bp99\n")
    city_codes = [f"99{c + 1:02d}00000000" for c in range(cities)]
    for code in city_codes:
        out.write(f"city,{PROVINCE},{code},测试市{code[2:4]}人民代表大会,bp{code[:4]}\n")
    county_codes = []
    for n in range(counties):
        city = city_codes[n % cities]
        code = f"{city[:4]}{n // cities + 1:02d}000000"
        county_codes.append(code)
        out.write(f"county,{city},{code},测试县{code[:6]}人民代表大会,bp{code[:6]}\n")
    for n in range(townships):
        county = county_codes[n % counties]
        code = f"{county[:6]}{n // counties + 1:03d}000"
        out.write(f"township,{county},{code},测试乡{code[:9]}人民代表大会,bp{code[:9]}\n")
    return out.getvalue()


def schema_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'")
        return cursor.fetchone()[0]


def sample(func, runs: int) -> list[float]:
    """Milliseconds of `runs` calls, each in a transaction rolled back (nothing is kept)."""
    from django.db import transaction

    class Rollback(Exception):
        pass

    samples = []
    for n in range(runs + 1):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                func(f"bench_probe_{n}")
                raise Rollback
        except Rollback:
            pass
        if n:  # the first is a warm-up
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def clone(name: str) -> None:
    from tenants import schemas

    schemas.clone_template(name)


def floor(name: str) -> None:
    """The template's DDL replayed by hand: CREATE SCHEMA, the search path, the stored DDL; no checks, no rows."""
    from django.db import connection

    from tenants import schemas

    snapshot = schemas.capture_template()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {name}; SET LOCAL search_path TO {name};\n{snapshot.ddl}")


def clone_figures(runs: int) -> dict:
    """Clone and floor taken in turns (after a warm-up of each), so both see the same conditions."""
    clones, floors = [], []
    sample(clone, 2), sample(floor, 2)
    for _ in range(runs):
        clones += sample(clone, 1)
        floors += sample(floor, 1)
    return {
        "schemas": schema_count(),
        "clone_p50_ms": statistics.median(clones),
        "floor_p50_ms": statistics.median(floors),
    }


def provision(text: str, workers: int) -> tuple[float, list[int]]:
    """Seconds to carry the whole tree out, and each request's own milliseconds in the order they finished."""
    from console import bulk, bulk_runner

    batch = bulk.batch_create(access=None, text=text, file_name="bench.csv", source="bulk", by_worker=False)
    total = batch.rows - batch.already_there
    done = 0
    started = time.perf_counter()

    def tick(_id, _status):
        nonlocal done
        done += 1
        if done % 100 == 0:
            print(
                f"[bench] {workers} worker(s): {done}/{total} in {time.perf_counter() - started:.0f} s", file=sys.stderr
            )

    progress = bulk_runner.run_batch_here(batch, workers=workers, on_result=tick)
    seconds = time.perf_counter() - started
    if progress.failed or progress.succeeded != total:
        failed = batch.requests.exclude(status="succeeded").values_list("division_code", "error")[:5]
        sys.exit(f"[bench] FAILED: {progress.failed} failed of {total}: {list(failed)}")
    durations = list(batch.requests.order_by("finished_at").values_list("duration_ms", flat=True))
    return seconds, durations


def remove_province() -> None:
    """Every congress under code 99, its rows and its schema."""
    from django.db import connection, transaction

    from tenants import schemas
    from tenants.models import Congress, CongressEvent, Domain, ProvisioningBatch, ProvisioningRequest

    started = time.perf_counter()
    names = list(Congress.objects.filter(division_code__startswith="99").values_list("schema_name", flat=True))
    with transaction.atomic():
        ProvisioningRequest.objects.filter(division_code__startswith="99").delete()
        ProvisioningBatch.objects.filter(requests__isnull=True).delete()
        CongressEvent.objects.filter(congress__division_code__startswith="99").delete()
        Domain.objects.filter(tenant__division_code__startswith="99").delete()
        for tier in ("township", "county", "city", "province"):
            Congress.objects.filter(division_code__startswith="99", tier=tier).delete()
    for name in names:
        with transaction.atomic():
            schemas.drop_schema(name)
    connection.close()
    if names:
        print(f"[bench] removed {len(names)} congresses in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def backend_memory_mib(cursor) -> float:
    cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
    return cursor.fetchone()[0] / 1024 / 1024


def sweep_memory(recycle: bool) -> float:
    """The largest memory of a backend, in MiB, while one process reads a few tables in every congress's schema,
    as a sweep's jobs do; with `recycle`, as tenants.jobs.in_congress does it (note_schema_visit: the connection
    is replaced after CONGRESS_SCHEMAS_PER_CONNECTION schemas); without, on one connection throughout."""
    from django.db import connection

    from tenants.connection import discard_connection, note_schema_visit
    from tenants.models import Congress

    names = list(Congress.objects.filter(division_code__startswith="99").values_list("schema_name", flat=True))
    discard_connection()  # a fresh backend, not the one that made the province
    largest = 0.0
    for n, name in enumerate(names, start=1):
        with connection.cursor() as cursor:
            # What a reminder or digest sweep reads in each congress: a few tables and their indexes.
            for table in SWEPT_TABLES:
                cursor.execute(f"SELECT count(*) FROM {name}.{table} WHERE id > 0")
            if n % 50 == 0 or n == len(names):
                largest = max(largest, backend_memory_mib(cursor))
        if recycle:
            note_schema_visit(name)
    discard_connection()  # not back to the pool: the next sweep starts on a fresh backend too
    return largest


def migrate_figures(behind: int) -> dict:
    """Seconds of a no-op `migrate` at this size against a public-only one, and of migrating `behind` schemas
    marked behind, with two processes (visiting every schema, as django-tenants does, costs that per schema:
    Django's own introspection per schema reads the whole catalog, so it is not timed here at full size)."""
    from django.core.management import call_command
    from django.db import connection

    from tenants import schemas
    from tenants.models import Congress

    def seconds(*args) -> float:
        started = time.perf_counter()
        call_command("migrate", *args, verbosity=0)
        connection.close()
        return time.perf_counter() - started

    figures = {"public only": min(seconds("--shared") for _ in range(3))}
    figures["no-op"] = min(seconds() for _ in range(3))
    started = time.perf_counter()
    for _ in range(100):
        schemas.schemas_behind()
    figures["the one query"] = (time.perf_counter() - started) / 100
    marked = list(Congress.objects.filter(division_code__startswith="99").values_list("pk", flat=True)[:behind])
    Congress.objects.filter(pk__in=marked).update(migrated_fingerprint="older")
    figures[f"{behind} behind"] = seconds("--workers", "2")
    return figures


def http_figures(seconds: float = 10.0, clients: int = 4) -> dict:
    """Requests a second for the same view (the sign-in page) on the root and on congress hosts taken round-robin
    over the whole province, under gunicorn with production settings and 2 workers; A/B/A/B, 4 rounds, after every
    host has been visited (the first of those visits is reported too)."""
    import http.client
    import socket
    import subprocess
    import threading

    from django.conf import settings

    from tenants.models import Congress

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "USE_HTTPS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(root / "deploy" / "gunicorn.conf.py")], env=env, cwd=root
    )
    hosts = [
        f"{sub}.{settings.ROOT_DOMAIN}"
        for sub in Congress.objects.filter(division_code__startswith="99").values_list("subdomain", flat=True)
    ]
    try:
        _wait_for(port)

        def get(host: str) -> int:
            # A connection a request, as nginx opens upstream (deploy/nginx): the kernel hands each to either
            # worker. (Kept alive, a client's hosts would all stay with the worker that took its connection.)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/accounts/login/", headers={"Host": host})
                response = conn.getresponse()
                response.read()
                return response.status
            finally:
                conn.close()

        def rate(pick) -> float:
            count, errors = 0, 0
            stop = time.perf_counter() + seconds
            lock = threading.Lock()

            def client(offset):
                nonlocal count, errors
                n = offset
                while time.perf_counter() < stop:
                    status = get(pick(n))
                    with lock:
                        count += 1
                        errors += status != 200
                    n += clients

            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                sys.exit(f"[bench] FAILED: {errors} answers were not 200")
            return count / seconds

        def every_host(passes: int) -> float:
            """Requests a second while the clients visit every host `passes` times."""
            count = 0
            lock = threading.Lock()
            order = hosts * passes

            def client(offset):
                nonlocal count
                for host in order[offset::clients]:
                    if (status := get(host)) != 200:
                        sys.exit(f"[bench] FAILED: {host} answered {status}")
                    with lock:
                        count += 1

            started = time.perf_counter()
            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return count / (time.perf_counter() - started)

        rate(lambda n: settings.ROOT_DOMAIN)  # warm the root up
        # A province's hosts are all visited all day: each process has met every host. Here each process must
        # first meet each (the kernel hands a request to either): four passes leave ~6% unmet by one of the two.
        cold = every_host(1)
        every_host(3)
        root_rates, congress_rates = [], []
        for _ in range(4):
            root_rates.append(rate(lambda n: settings.ROOT_DOMAIN))
            congress_rates.append(rate(lambda n: hosts[n % len(hosts)]))
    finally:
        server.terminate()
        server.wait(30)
    return {"root": statistics.median(root_rates), "congresses": statistics.median(congress_rates), "cold": cold}


def sweep_figures(sample_size: int = 50) -> dict:
    """Seconds for one sweep of the province: the reminders sweep's job (suggestions.send_reminders) queued once
    for every congress that runs the module, as the daily tick does (tenants.jobs.defer_per_congress), and carried
    out by `manage.py procrastinate worker --one-shot`, with one worker process and with two. The baseline, in the
    same run: the same job for `sample_size` congresses, less a worker's start-up with nothing queued."""
    import datetime
    import subprocess

    from django.db import connection

    from tenant_apps.suggestions.tasks import MODULE_KEY, send_reminders
    from tenants.jobs import defer_once, defer_per_congress
    from tenants.models import Congress

    root = Path(__file__).resolve().parent.parent
    today = datetime.date.today().isoformat()

    def clear() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name = 'notifications'")

    def work(processes: int) -> float:
        connection.close()
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "-q", "notifications"],
                cwd=root,
                env={**os.environ, "DJANGO_DEBUG": "0"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(processes)
        ]
        for worker in workers:
            if worker.wait(3600):
                sys.exit("[bench] FAILED: a worker exited with an error")
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, count(*) FROM procrastinate_jobs WHERE queue_name = 'notifications' GROUP BY status"
            )
            statuses = dict(cursor.fetchall())
        if set(statuses) - {"succeeded"}:
            sys.exit(f"[bench] FAILED: jobs left {statuses}")
        return seconds

    clear()
    startup = statistics.median(work(1) for _ in range(3))
    names = Congress.objects.filter(division_code__startswith="99", enabled_modules__contains=[MODULE_KEY])
    for name in names.values_list("schema_name", flat=True)[:sample_size]:
        defer_once(send_reminders, f"bench_sample:{name}", schema_name=name, today=today)
    per_job = (work(1) - startup) / sample_size
    clear()
    figures = {"startup": startup, "per job": per_job}
    for processes in (1, 2):
        queued = defer_per_congress(send_reminders, MODULE_KEY, "bench_sweep", today=today)
        figures[f"{processes} process(es)"] = work(processes)
        figures["queued"] = queued
        clear()
    return figures


def _wait_for(port: int) -> None:
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("[bench] FAILED: gunicorn did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--congresses", type=int, default=1600)
    parser.add_argument("--runs", type=int, default=20, help="Clone samples at each size (rolled back).")
    parser.add_argument("--workers", default="1,2", help="Process counts to provision the province with.")
    parser.add_argument("--keep", action="store_true", help="Leave the last province in place.")
    parser.add_argument(
        "--only",
        help="Comma-separated: http, sweep. Measure only these, on the province left by --keep (made with two"
        " processes and kept if missing).",
    )
    args = parser.parse_args(argv)
    setup_django("province.py")
    from django.core.management import call_command

    from tenants import schemas
    from tenants.models import SpareSchema

    call_command("migrate", verbosity=0)
    schemas.drop_stale_spares()
    for spare in SpareSchema.objects.all():
        schemas.drop_schema(spare.schema_name)
        spare.delete()
    text = tree_csv(args.congresses)
    if args.only:
        return only(args.only.split(","), args.congresses, text)
    remove_province()
    before = clone_figures(args.runs)
    print(f"[bench] {before}", file=sys.stderr)
    results = {}
    counts = [int(w) for w in args.workers.split(",")]
    after = None
    memory, migrate, http, sweep = {}, {}, {}, {}
    for i, workers in enumerate(counts):
        seconds, durations = provision(text, workers)
        results[workers] = (seconds, durations)
        print(f"[bench] {workers} worker(s): {seconds:.0f} s", file=sys.stderr)
        if i == 0:
            after = clone_figures(args.runs)
            print(f"[bench] {after}", file=sys.stderr)
            memory = {"one connection": sweep_memory(False), "as the jobs do": sweep_memory(True)}
            migrate = migrate_figures(100)
            print(f"[bench] migrate {migrate}", file=sys.stderr)
            http = http_figures()
            print(f"[bench] http {http}", file=sys.stderr)
            sweep = sweep_figures()
            print(f"[bench] sweep {sweep}", file=sys.stderr)
        if i < len(counts) - 1 or not args.keep:
            remove_province()
    report(args.congresses, before, after, results, memory)
    print()
    print("| migrate at this size                      | seconds    | ratio to public only |")
    print("|-------------------------------------------|------------|----------------------|")
    for label, value in migrate.items():
        print(f"| {label:<41} | {value:10.4f} | {value / migrate['public only']:19.2f}× |")
    print(f"(the congress part of a no-op migrate is the one query: {migrate['the one query'] * 1000:.2f} ms;")
    per_schema = migrate["100 behind"] / 100
    every = per_schema * args.congresses / 60
    print(f" a schema behind costs {per_schema:.2f} s: visiting all {args.congresses} would take ~{every:.0f} min)")
    print()
    print()
    report_http(http)
    print()
    report_sweep(sweep)
    return 0


def only(measures: list[str], total: int, text: str) -> int:
    from tenants.models import Congress

    if Congress.objects.filter(division_code__startswith="99").count() != total:
        remove_province()
        seconds, _durations = provision(text, 2)
        print(f"[bench] province made in {seconds:.0f} s (kept)", file=sys.stderr)
    for measure in measures:
        if measure == "http":
            report_http(http_figures())
        elif measure == "sweep":
            report_sweep(sweep_figures())
        else:
            sys.exit(f"[bench] unknown measure {measure!r}")
    return 0


def report_http(http: dict) -> None:
    print(f"Sign-in page under gunicorn (2 workers × 4 threads, 4 clients): root {http['root']:.0f}/s,")
    print(
        f"congress hosts round-robin over the province {http['congresses']:.0f}/s:"
        f" {http['congresses'] / http['root']:.2f}× (goal ≥ 0.9×); the first visit of each host by the clients"
        f" {http['cold']:.0f}/s: {http['cold'] / http['root']:.2f}×"
    )


def report_sweep(sweep: dict) -> None:
    linear = sweep["queued"] * sweep["per job"] + sweep["startup"]
    print(
        f"Reminders sweep: {sweep['queued']} jobs, one a congress; one job {sweep['per job'] * 1000:.0f} ms"
        f" (worker start-up {sweep['startup']:.1f} s)"
    )
    for processes in (1, 2):
        seconds = sweep[f"{processes} process(es)"]
        print(
            f"  {processes} worker process(es): {seconds:.0f} s"
            f" ({seconds / linear:.2f}× of {sweep['queued']} × one job + start-up)"
        )


def report(total, before, after, results, memory) -> None:
    one_seconds, durations = results[min(results)]
    first, last = durations[:100], durations[-100:]
    print(f"Province of {total} congresses (1 province, {CITIES} cities, {COUNTIES} counties, the rest townships)")
    print()
    print("| measure                                   | value      | ratio  | goal   |")
    print("|-------------------------------------------|------------|--------|--------|")
    print(
        f"| clone p50 / floor p50 at {before['schemas']:>5} schemas    | {before['clone_p50_ms']:6.1f} ms  "
        f"| {before['clone_p50_ms'] / before['floor_p50_ms']:5.2f}× | ≤ 1.5× |"
    )
    print(
        f"| clone p50 / floor p50 at {after['schemas']:>5} schemas    | {after['clone_p50_ms']:6.1f} ms  "
        f"| {after['clone_p50_ms'] / after['floor_p50_ms']:5.2f}× | ≤ 1.5× |"
    )
    print(
        f"| clone p50 at {after['schemas']} / at {before['schemas']} schemas"
        f"{' ' * max(0, 14 - len(str(before['schemas'])) - len(str(after['schemas'])))}|            "
        f"| {after['clone_p50_ms'] / before['clone_p50_ms']:5.2f}× | ≤ 1.2× |"
    )
    print(
        f"| provisioning p50, last 100 / first 100    | {statistics.median(last):6.0f} ms  "
        f"| {statistics.median(last) / statistics.median(first):5.2f}× | ≤ 1.2× |"
    )
    per_clone = total * before["clone_p50_ms"] / 1000
    print(
        f"| province, 1 worker / ({total} × one clone)  | {one_seconds:6.0f} s   "
        f"| {one_seconds / per_clone:5.2f}× | ≤ 1.2× |"
    )
    first_p50 = statistics.median(first) / 1000
    print(
        f"| province, 1 worker / ({total} × one provisioning) | {one_seconds:6.0f} s | "
        f"{one_seconds / (total * first_p50):5.2f}× |        |"
    )
    for workers, (seconds, _durations) in sorted(results.items()):
        if workers != min(results):
            speed_up = one_seconds / seconds
            label = f"province, {workers} workers (speed-up)"
            print(f"| {label:<41} | {seconds:6.0f} s   | {speed_up:5.2f}× |        |")
    for label, mib in memory.items():
        print(f"| backend memory, sweep, {label:<18} | {mib:6.1f} MiB |        | < 256  |")


if __name__ == "__main__":
    sys.exit(main())
