"""PostgreSQL restarted under load, on a throwaway cluster of the test's own: gunicorn (production settings) and the
worker (`manage.py worker`) keep running. While the database is down, pages answer 503 with Retry-After, never 500;
once it answers again no request fails; a job that came due during the outage runs without anyone restarting the
worker."""

import time

import pytest
import requests

from tests.support import faults
from tests.support.throwaway_pg import wait_until

CONGRESS = "huaxi.congress.localhost"
PAGES = [
    (faults.ROOT_DOMAIN, "/"),
    (CONGRESS, "/duty/"),
    (CONGRESS, "/notices/"),
    (CONGRESS, "/api/v1/schema/"),
]
OUTAGE_SECONDS = 8  # longer than the worker's pool wait (tenants.worker.POOL_WAIT): its loop does end


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    with faults.platform_on_throwaway(tmp_path_factory.mktemp("faults_db"), django_db_blocker, worker=True) as made:
        yield made.cluster, made.web, made.port, made.worker


def test_a_database_restart_under_load_fails_no_request_once_it_answers_and_the_worker_carries_on(stack):
    cluster, web, port, worker = stack
    for host, path in PAGES:
        assert requests.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host}, timeout=30).status_code == 200
    # The worker is up once its heartbeat row is there.
    assert wait_until(lambda: "Traceback" not in worker.output() and _workers(cluster) > 0, 60) is not None
    worker_pid = worker.pid

    with faults.Load(port, PAGES) as load:
        time.sleep(1.5)
        job = faults.defer_job(
            cluster.url(), "exchange.retry_stalled_jobs", {"timestamp": 0}, "maintenance", in_seconds=1.5
        )
        down = time.monotonic()
        cluster.stop()
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        up = time.monotonic()
        ran_after = wait_until(lambda: faults.job_status(cluster.url(), job) == "succeeded", 30, step=0.1)
        time.sleep(2)

    before, during, after = load.until(down), load.between(down, up), load.since(up)
    assert before and during and after
    assert {a.status for a in before} <= {200, 302}
    # Down: the site says "come back shortly" (503), never that it broke (500); no answer at all is not acceptable.
    assert {a.status for a in load.answers} <= {200, 302, 503}, sorted({a.status for a in load.answers})
    assert any(a.status == 503 for a in during)
    # Up again: every request answered, none failed.
    assert [a for a in after if a.status not in (200, 302)] == []

    assert ran_after is not None, faults.job_status(cluster.url(), job) + worker.output()[-3000:]
    assert worker.alive() and worker.pid == worker_pid
    # It noticed (LISTEN is the first to go), and it never exited: a fetch, heartbeat or job that lost the
    # database either waited for the pool or ended procrastinate's loop, which this process started again.
    assert "LISTEN lost" in worker.output()
    assert web.alive()


def test_a_503_says_when_to_come_back(stack):
    cluster, _web, port, _worker = stack
    cluster.stop()
    try:
        page = requests.get(f"http://127.0.0.1:{port}/duty/", headers={"Host": CONGRESS}, timeout=30)
        # Signing in for a token reads the account: a request that needs the database whatever is cached.
        body = {"email": "yang@example.org", "password": "x", "device": "phone"}
        api = requests.post(
            f"http://127.0.0.1:{port}/api/v1/auth/token/", json=body, headers={"Host": CONGRESS}, timeout=30
        )
    finally:
        cluster.start()
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "稍后" in page.text
    assert api.status_code == 503 and api.json() == {"detail": "服务暂时不可用，请稍后再试。"}


def _workers(cluster) -> int:
    import psycopg

    with psycopg.connect(cluster.url()) as db:
        return db.execute("SELECT count(*) FROM procrastinate_workers").fetchone()[0]
