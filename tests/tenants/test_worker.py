"""tenants.worker's parts: what counts as a lost database, the retry of a job that lost it, the options."""

import psycopg
import psycopg_pool
import pytest
from procrastinate import exceptions
from procrastinate.jobs import Job
from procrastinate.retry import RetryStrategy

from tenants import worker


def _wrapped(exc: BaseException) -> exceptions.ConnectorException:
    try:
        raise exceptions.ConnectorException from exc
    except exceptions.ConnectorException as wrapper:
        return wrapper


def _failing(sqlstate: str) -> psycopg.Error:
    return psycopg.errors.lookup(sqlstate)("failing")


@pytest.mark.parametrize(
    ("exc", "lost"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: the client could not connect
        (_failing("08006"), True),
        (_failing("57P01"), True),  # terminating connection due to administrator command
        (_failing("57P03"), True),  # the database system is starting up
        (_failing("53100"), True),  # disk full
        (_failing("53300"), True),  # too many connections
        (_failing("57014"), False),  # statement timeout: the query, not the database
        (_failing("40P01"), False),  # deadlock
        (psycopg.errors.UniqueViolation(), False),
        (psycopg_pool.PoolTimeout("no connection"), True),
        (ValueError("bad"), False),
    ],
)
def test_lost_connection_tells_an_unreachable_database_from_a_failing_query(exc, lost):
    assert worker.lost_connection(exc) is lost
    assert worker.lost_connection(_wrapped(exc)) is lost


def _job(attempts: int) -> Job:
    return Job(id=1, queue="maintenance", lock=None, queueing_lock=None, task_name="t", attempts=attempts)


def test_a_job_that_lost_the_database_runs_again_with_backoff_up_to_a_limit():
    strategy = worker.OutageRetry(None)
    lost = psycopg.OperationalError("server closed the connection unexpectedly")
    assert strategy.get_retry_exception(lost, _job(0)) is not None
    assert strategy.get_retry_exception(ValueError("bad"), _job(0)) is None
    assert strategy.get_retry_exception(lost, _job(worker.OutageRetry.OUTAGE_ATTEMPTS - 1)) is None


def test_any_other_failure_is_left_to_the_tasks_own_strategy():
    strategy = worker.OutageRetry(RetryStrategy(max_attempts=2, retry_exceptions={KeyError}))
    assert strategy.get_retry_exception(KeyError("x"), _job(0)) is not None
    assert strategy.get_retry_exception(KeyError("x"), _job(2)) is None
    assert strategy.get_retry_exception(ValueError("x"), _job(0)) is None


def test_every_task_gets_the_outage_rule_once(monkeypatch):
    worker.app.perform_import_paths()
    for task in worker.app.tasks.values():  # put back after the test: this process is not a worker
        monkeypatch.setattr(task, "retry_strategy", task.retry_strategy)
    worker.retry_outages()
    worker.retry_outages()
    strategies = [task.retry_strategy for task in worker.app.tasks.values()]
    assert strategies and all(isinstance(s, worker.OutageRetry) for s in strategies)
    assert not any(isinstance(s.inner, worker.OutageRetry) for s in strategies)


def test_the_worker_takes_procrastinates_options_and_variables(monkeypatch):
    monkeypatch.setenv("PROCRASTINATE_WORKER_CONCURRENCY", "3")
    options = worker.worker_options(["--queues", "provisioning,maintenance", "--name", "w1"])
    assert options["concurrency"] == 3
    assert options["queues"] == ["provisioning", "maintenance"]
    assert options["name"] == "w1"


def test_describe_gives_the_drivers_words():
    refused = psycopg.OperationalError("connection refused\n\tIs the server running?")
    assert worker.describe(_wrapped(refused)) == "connection refused"
