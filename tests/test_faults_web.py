"""gunicorn workers SIGKILLed while deputies post drafts through the API with an `Idempotency-Key`, on a throwaway
cluster of the test's own: a client whose connection dropped sends the same request again under the same key,
and every write ends up in the database exactly once — the one whose kill landed mid-write, and every write
acknowledged under load."""

import os
import random
import signal
import subprocess
import threading
import time
import uuid

import psycopg
import pytest
import requests

from tests.support import faults
from tests.support.personas import PASSWORD
from tests.support.throwaway_pg import wait_until

HOST = "huaxi.congress.localhost"
DRAFTS = "/api/v1/suggestions/"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    with faults.platform_on_throwaway(tmp_path_factory.mktemp("faults_web"), django_db_blocker, worker=False) as made:
        yield made.cluster, made.web, made.port


def _token(port: int) -> str:
    body = {"email": "yang@example.org", "password": PASSWORD, "device": "fault test"}
    answer = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/token/", json=body, headers={"Host": HOST}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def _post(port: int, token: str, key: str, title: str, timeout: float = 30) -> int:
    """The status of one attempt; 0 when no answer came back (the connection dropped)."""
    headers = {"Host": HOST, "Authorization": f"Token {token}", "Idempotency-Key": key}
    body = {"kind": "suggestion", "title": title, "body": "……", "category": "文化"}
    try:
        return requests.post(
            f"http://127.0.0.1:{port}{DRAFTS}", json=body, headers=headers, timeout=timeout
        ).status_code
    except requests.RequestException:
        return 0


def _post_until_answered(port: int, token: str, key: str, title: str) -> int:
    """As a careful client does: the same request, under the same key, until it gets an answer."""
    for _ in range(60):
        status = _post(port, token, key, title)
        if status not in (0, 409, 502, 503):
            return status
        time.sleep(0.5)
    return 0


def _workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def _copies(cluster, title: str) -> int:
    with psycopg.connect(cluster.url()) as db:
        return db.execute(f"SELECT count(*) FROM {_suggestions_table(cluster)} WHERE title = %s", (title,)).fetchone()[
            0
        ]


def _suggestions_table(cluster) -> str:
    with psycopg.connect(cluster.url()) as db:
        schema = db.execute("SELECT schema_name FROM tenants_congress WHERE subdomain = 'huaxi'").fetchone()[0]
    return f'"{schema}".suggestions_suggestion'


def test_a_worker_killed_in_the_middle_of_a_write_then_the_same_request_again_makes_one_row(stack):
    cluster, web, port = stack
    token = _token(port)
    key, title = str(uuid.uuid4()), f"关于断线重试的建议 {uuid.uuid4().hex[:6]}"
    with psycopg.connect(cluster.url()) as gate:
        # The write waits here, inside its transaction, until the test lets it go: the kill lands mid-write.
        gate.execute(f"LOCK TABLE {_suggestions_table(cluster)} IN EXCLUSIVE MODE")
        answers: list[int] = []
        first = threading.Thread(target=lambda: answers.append(_post(port, token, key, title)))
        first.start()
        waiting = (
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND backend_type = 'client backend'"
        )
        with psycopg.connect(cluster.url(), autocommit=True) as watch:
            assert wait_until(lambda: watch.execute(waiting).fetchone()[0] > 0, 30) is not None
        for pid in _workers(web.pid):
            os.kill(pid, signal.SIGKILL)
        first.join(30)
        gate.rollback()
    assert answers == [0]  # the client saw its connection drop: did the write happen?
    assert _copies(cluster, title) == 0  # it did not: killed before commit

    assert _post_until_answered(port, token, key, title) == 201
    assert _copies(cluster, title) == 1
    # And again: the first answer, not a second row.
    headers = {"Host": HOST, "Authorization": f"Token {token}", "Idempotency-Key": key}
    body = {"kind": "suggestion", "title": title, "body": "……", "category": "文化"}
    replay = requests.post(f"http://127.0.0.1:{port}{DRAFTS}", json=body, headers=headers, timeout=30)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert _copies(cluster, title) == 1
    assert web.alive()


def test_every_write_acknowledged_while_workers_are_killed_is_there_exactly_once(stack):
    cluster, web, port = stack
    token = _token(port)
    acknowledged: list[str] = []
    attempted: list[str] = []
    dropped = 0
    stop = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        nonlocal dropped
        while not stop.is_set():
            key, title = str(uuid.uuid4()), f"负载下的建议 {n}-{uuid.uuid4().hex[:8]}"
            with lock:
                attempted.append(title)
            status = _post(port, token, key, title)
            if status in (0, 409, 502, 503):
                with lock:
                    dropped += 1
                status = _post_until_answered(port, token, key, title)
            assert status == 201, status
            with lock:
                acknowledged.append(title)

    writers = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(3)]
    for thread in writers:
        thread.start()
    rng = random.Random(16)
    for _ in range(4):
        time.sleep(1.5)
        alive = _workers(web.pid)
        if alive:
            os.kill(rng.choice(alive), signal.SIGKILL)
    time.sleep(1)
    stop.set()
    for thread in writers:
        thread.join(120)

    assert acknowledged and len(acknowledged) == len(attempted)
    with psycopg.connect(cluster.url()) as db:
        table = _suggestions_table(cluster)
        rows = db.execute(
            f"SELECT title, count(*) FROM {table} WHERE title LIKE '负载下的建议 %%' GROUP BY title"
        ).fetchall()
    assert dict(rows) == {title: 1 for title in acknowledged}
    print(f"{len(acknowledged)} writes, {dropped} dropped and sent again")
