"""The background worker, riding out database restarts and outages by itself (`manage.py worker`).

procrastinate's own worker ends its process whenever PostgreSQL goes away: its LISTEN side task, its heartbeat
or its job fetch fails, and the queue then waits for whatever restarts the process. Here:

- LISTEN reconnects with backoff and never ends the worker; while it is down the worker still polls for jobs
  every PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL seconds.
- Any other loss of the database (a fetch, a heartbeat, a job's acknowledgement) ends procrastinate's worker
  loop; this process then waits until PostgreSQL answers (checked with backoff, at most every
  RECONNECT_MAX_DELAY seconds), opens a fresh pool and starts the loop again. Jobs queued meanwhile run as soon
  as it does; a job that was running when the database went away is put back by `retry_stalled_jobs`.
- Pooled connections are checked before use, so a connection PostgreSQL closed while idle is never handed out.
- A job that failed because the database went away is retried (OutageRetry), whatever its task's own strategy
  says: jobs are written to be run again, as they are after a worker dies.

A stop signal (SIGTERM, SIGINT) is honoured in every state: running jobs are given the graceful time, and a
wait for the database ends at once.
"""

import argparse
import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Sequence
from typing import Any

import psycopg
import psycopg_pool
from procrastinate import cli, exceptions
from procrastinate.contrib.django import app, utils
from procrastinate.psycopg_connector import PsycopgConnector
from procrastinate.retry import BaseRetryStrategy, RetryDecision

logger = logging.getLogger(__name__)

RECONNECT_FIRST_DELAY = 0.1
RECONNECT_MAX_DELAY = 1.0
LISTEN_MAX_DELAY = 5.0
# How long a query waits for a pooled connection before the loop gives up and waits for the database itself.
POOL_WAIT = 5.0


def lost_connection(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says the database cannot be reached or take work now, rather than that a
    query is wrong: no connection at all, a connection exception (SQLSTATE class 08), insufficient resources
    (class 53: disk full, out of memory, too many connections), or the server shutting down or starting."""
    while exc is not None:
        if isinstance(exc, psycopg_pool.PoolTimeout | psycopg_pool.PoolClosed | ConnectionError | OSError):
            return True
        if isinstance(exc, psycopg.OperationalError):
            sqlstate = exc.sqlstate or ""
            return not sqlstate or sqlstate[:2] in {"08", "53"} or sqlstate in {"57P01", "57P02", "57P03"}
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def describe(exc: BaseException) -> str:
    """The first line of what the database driver said, not procrastinate's wrapper ("Database error.")."""
    while isinstance(exc, exceptions.ConnectorException) and (exc.__cause__ or exc.__context__):
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class RidingConnector(PsycopgConnector):
    """procrastinate's psycopg connector (its pool checks connections on use) whose LISTEN never gives up."""

    async def listen_notify(self, on_notification, channels) -> None:
        delay = RECONNECT_FIRST_DELAY
        while True:
            started = time.monotonic()
            try:
                await super().listen_notify(on_notification=on_notification, channels=channels)
            except exceptions.ConnectorException as exc:
                if not lost_connection(exc):
                    raise
                if time.monotonic() - started > LISTEN_MAX_DELAY:
                    delay = RECONNECT_FIRST_DELAY  # it had been listening: a new outage, start the backoff over
                logger.warning("LISTEN lost (%s); polling for jobs, retrying in %.1f s", describe(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTEN_MAX_DELAY)


class OutageRetry(BaseRetryStrategy):
    """A task's retry strategy, with one rule first: a job that lost the database runs again, after 5 s, 10 s, 20 s
    … (at most 5 minutes), up to OUTAGE_ATTEMPTS attempts in all; any other failure is the task's own business."""

    OUTAGE_ATTEMPTS = 10

    def __init__(self, inner: BaseRetryStrategy | None):
        self.inner = inner

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if lost_connection(exception) and job.attempts < self.OUTAGE_ATTEMPTS - 1:
            return RetryDecision(retry_in={"seconds": min(5 * 2**job.attempts, 300)})
        if self.inner is None:
            return None
        return self.inner.get_retry_decision(exception=exception, job=job)


def retry_outages() -> None:
    for task in app.tasks.values():
        if not isinstance(task.retry_strategy, OutageRetry):
            task.retry_strategy = OutageRetry(task.retry_strategy)


def worker_options(argv: Sequence[str]) -> dict[str, Any]:
    """The options of `procrastinate worker`, from the command line and the PROCRASTINATE_WORKER_* variables."""
    parser = argparse.ArgumentParser(prog="manage.py worker")
    cli.configure_worker_parser(parser.add_subparsers(dest="command", required=True))
    options = vars(parser.parse_args(["worker", *argv]))
    options.pop("command")
    options.pop("func")
    return options


async def database_answers(conninfo: dict[str, Any]) -> bool:
    try:
        connection = await psycopg.AsyncConnection.connect(**conninfo, connect_timeout=2)
    except psycopg.Error:
        return False
    await connection.close()
    return True


class RidingWorker:
    """Runs procrastinate's worker loop again after each loss of the database, until asked to stop."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.conninfo = utils.connector_params("default")
        self.stopping = asyncio.Event()
        self.current: asyncio.Task | None = None
        self.restarts = 0

    def stop(self) -> None:
        if not self.stopping.is_set():
            logger.info("stop requested: finishing the running jobs")
        self.stopping.set()
        if self.current is not None:
            # procrastinate's worker treats cancellation as a graceful stop (running jobs get their time).
            self.current.cancel()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop)
        while await self._wait_for_database():
            if self.restarts:
                logger.warning("the database answers again: worker restarting (restart #%d)", self.restarts)
            failure = await self._run_once()
            if self.stopping.is_set():
                return
            logger.warning("the worker lost the database (%s); waiting for it to answer", failure)
            self.restarts += 1

    async def _run_once(self) -> str:
        connector = RidingConnector(kwargs=self.conninfo, timeout=POOL_WAIT)
        try:
            with app.replace_connector(connector):
                async with app.open_async():
                    self.current = asyncio.create_task(
                        app.run_worker_async(install_signal_handlers=False, **self.options)
                    )
                    try:
                        await self.current
                    finally:
                        self.current = None
        except asyncio.CancelledError:
            if not self.stopping.is_set():
                raise
            return "stopped"
        except Exception as exc:
            if not lost_connection(exc):
                raise
            return describe(exc)
        # The loop ended by itself: a side task (heartbeat, listener) failed and procrastinate stopped it.
        return "a side task of the worker failed"

    async def _wait_for_database(self) -> bool:
        """True once PostgreSQL accepts a connection; False if a stop came first."""
        delay = RECONNECT_FIRST_DELAY
        lost_at = time.monotonic()
        while not self.stopping.is_set():
            if await database_answers(self.conninfo):
                if time.monotonic() - lost_at > 1:
                    logger.warning("the database answered after %.1f s", time.monotonic() - lost_at)
                return True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
            delay = min(delay * 2, RECONNECT_MAX_DELAY)
        return False


def run_worker(argv: Sequence[str]) -> None:
    app.perform_import_paths()
    retry_outages()
    asyncio.run(RidingWorker(worker_options(argv)).run())
