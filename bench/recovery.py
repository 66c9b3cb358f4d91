"""How fast the platform comes back after a PostgreSQL restart (issue 16): gunicorn (deploy/gunicorn.conf.py,
production settings) and `manage.py worker` serve a demo province from a throwaway cluster made for this run
(initdb in a temporary directory; never DATABASE_URL's server, which this script does not touch). Clients ask for
pages the whole time; the cluster is stopped, left down, and started again, several times.

For each restart it prints, counted from the moment PostgreSQL answers again (`pg_ctl start -w` returned):
- web: seconds to the first page answered 200 by a prober asking every 20 ms (goal ≤ 1 s);
- worker: seconds to the run of a job queued then, and of one that came due during the outage (goal ≤ 5 s);
- the clients' answers during the outage (503 as meant, other 5xx, no answer) and after it (none may fail).
The baseline, measured in the same run before any restart: a page's median time and a job's median time from
queued to done; the recovery times are printed as ratios of them too.

    .venv/bin/python bench/recovery.py [--restarts 3] [--outage 10]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import faults  # noqa: E402 (after the path is set)
from tests.support.throwaway_pg import Throwaway, wait_until  # noqa: E402

PAGES = [
    ("huaxi.congress.localhost", "/duty/"),
    ("huaxi.congress.localhost", "/notices/"),
    ("qingyan.congress.localhost", "/duty/"),
    (faults.ROOT_DOMAIN, "/"),
]
PROBE = ("huaxi.congress.localhost", "/notices/")
JOB = ("exchange.retry_stalled_jobs", {"timestamp": 0}, "maintenance")


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def get(port: int, host: str, path: str) -> int:
    try:
        return requests.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}, timeout=10).status_code
    except requests.RequestException:
        return 0


def job_seconds(url: str, job_id: int, since: float, timeout: float = 120) -> float | None:
    waited = wait_until(lambda: faults.job_status(url, job_id) == "succeeded", timeout, step=0.02)
    return None if waited is None else time.monotonic() - since


def baseline(port: int, url: str) -> tuple[float, float]:
    """Median ms of a page, median s from queueing a job to its end, with nothing wrong."""
    for _ in range(10):
        get(port, *PROBE)
    pages = []
    for _ in range(50):
        started = time.perf_counter()
        assert get(port, *PROBE) == 200
        pages.append((time.perf_counter() - started) * 1000)
    jobs = []
    for _ in range(5):
        queued = time.monotonic()
        seconds = job_seconds(url, faults.defer_job(url, *JOB), queued)
        assert seconds is not None, "a job did not run"
        jobs.append(seconds)
    return statistics.median(pages), statistics.median(jobs)


def restart(cluster: Throwaway, port: int, outage: float) -> dict:
    url = cluster.url()
    with faults.Load(port, PAGES) as load:
        time.sleep(1)
        due = faults.defer_job(url, *JOB, in_seconds=1)
        down = time.monotonic()
        cluster.stop()
        time.sleep(outage)
        cluster.start()
        up = time.monotonic()
        # The web and the worker are timed side by side, each from the same moment.
        probe: list[float | None] = []
        prober = threading.Thread(target=lambda: probe.append(wait_until(lambda: get(port, *PROBE) == 200, 60, 0.02)))
        prober.start()
        fresh = faults.defer_job(url, *JOB)
        due_s = job_seconds(url, due, up)
        fresh_s = job_seconds(url, fresh, up)
        prober.join()
        web = probe[0]
        time.sleep(2)
    during, after = load.between(down, up), load.since(up)
    return {
        "web": web,
        "job": fresh_s,
        "due": due_s,
        "503": sum(a.status == 503 for a in during),
        "5xx": sum(a.status >= 500 and a.status != 503 for a in during),
        "none": sum(a.status == 0 for a in during),
        "during": len(during),
        "after_failed": sum(a.status not in (200, 302) for a in after),
        "after": len(after),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="congress-bench-pg-", dir="/var/tmp"))  # its owner must reach it
    base = Path(tempfile.mkdtemp(prefix="congress-bench-recovery-"))
    cluster = Throwaway(home)
    web = worker = None
    try:
        env = faults.platform_env(cluster.url(), base, GUNICORN_WORKERS="2", GUNICORN_THREADS="4")
        say(f"throwaway PostgreSQL on port {cluster.port}: migrating and seeding the demo province …")
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True, capture_output=True)
        web, port = faults.start_web(env, base, workers=2, threads=4)
        worker = faults.start_worker(env, base)
        time.sleep(5)  # the worker's first periodic jobs
        page_ms, job_s = baseline(port, cluster.url())
        print(f"baseline: a page {page_ms:.1f} ms (median of 50); a job queued → done {job_s:.2f} s (median of 5)")
        print(f"{args.restarts} restarts, PostgreSQL down {args.outage:.0f} s each; times from 'database answers':")
        results = []
        for n in range(1, args.restarts + 1):
            result = restart(cluster, port, args.outage)
            results.append(result)
            print(
                f"  #{n}: first page {fmt(result['web'])} s ({ratio(result['web'], page_ms / 1000)} a page), "
                f"job queued then {fmt(result['job'])} s ({ratio(result['job'], job_s)} a job), "
                f"job due during the outage {fmt(result['due'])} s; "
                f"during: {result['during']} requests, {result['503']} × 503, {result['5xx']} other 5xx, "
                f"{result['none']} unanswered; after: {result['after_failed']} of {result['after']} failed"
            )
        worst_web = max((r["web"] or float("inf")) for r in results)
        worst_job = max(max(r["job"] or float("inf"), r["due"] or float("inf")) for r in results)
        print(
            f"worst: first page {worst_web:.2f} s (goal ≤ 1 s: {'met' if worst_web <= 1 else 'MISSED'}), "
            f"first job {worst_job:.2f} s (goal ≤ 5 s: {'met' if worst_job <= 5 else 'MISSED'}); "
            f"worker restarted by itself, never by hand: {'yes' if worker.alive() else 'NO, it exited'}; "
            f"failed after recovery: {sum(r['after_failed'] for r in results)}; "
            f"other 5xx during: {sum(r['5xx'] for r in results)}"
        )
        return 0
    finally:
        for process in (worker, web):
            if process is not None:
                process.stop()
        cluster.destroy()


def fmt(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f}"


def ratio(seconds: float | None, unit: float) -> str:
    return "—" if seconds is None or unit <= 0 else f"{seconds / unit:.1f}×"


if __name__ == "__main__":
    sys.exit(main())
