"""The exchange for operators: the central console's page and API show what is in flight and what failed (with
the last error), and a platform administrator sends a failed transfer again once its cause is fixed. Nobody
else sees or retries anything; a refused retry changes nothing."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from shared_apps.exchange import selectors
from shared_apps.exchange.delivery import MAX_ATTEMPTS
from shared_apps.exchange.models import Transfer
from shared_apps.exchange.outbox import transfer_send
from tests.support.exchange import PAYLOAD, deliver_until_failed, received
from tests.support.jobs import queued_jobs, run_queued_jobs


def failed_transfer(congresses, flaky) -> Transfer:
    """A transfer from Huaxi up to Guiyang whose handler failed MAX_ATTEMPTS times: "failed" for good."""
    transfer = deliver_until_failed(congresses, flaky)
    # The worker's job ended with the transfer (here the test called the delivery itself).
    ProcrastinateJob.objects.filter(
        pk__in=[pk for pk, _name, _args in queued_jobs("exchange.deliver_transfer")]
    ).delete()
    return transfer


def snapshot() -> tuple:
    return (
        sorted(Transfer.objects.values_list("pk", "status", "attempts", "retries", "last_error")),
        len(queued_jobs()),
    )


def test_the_operator_sees_the_failure_and_retries_it_once_the_cause_is_fixed(congresses, flaky, client_for):
    transfer = failed_transfer(congresses, flaky)
    console = client_for("wang")
    page = console.get("/console/exchange/").content.decode()
    assert "receiving schema busy" in page and congresses["guiyang"].name in page and "重新投递" in page

    # The cause is fixed (the handler works again); the operator sends it again from the page.
    flaky["failures"] = 0
    response = console.post(f"/console/exchange/{transfer.pk}/retry/")
    assert response.status_code == 302 and response["Location"].endswith("?status=failed")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.attempts, transfer.retries) == ("sent", 0, 1)
    assert transfer.retried_by.email == "wang@example.org" and transfer.retried_at is not None
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    transfer.refresh_from_db()
    assert (transfer.status, transfer.last_error) == ("delivered", "")
    assert len(received(congresses["guiyang"].schema_name)) == 1

    # Delivered: a second retry is refused and changes nothing.
    before = snapshot()
    response = console.post(f"/console/exchange/{transfer.pk}/retry/", follow=True)
    assert "只有投递失败的转送事项可以重新投递" in response.content.decode()
    assert snapshot() == before


def test_the_api_lists_by_status_and_kind_and_retries(congresses, flaky, api_for):
    transfer = failed_transfer(congresses, flaky)
    api = api_for("wang")
    listed = api.get("/api/v1/exchange/transfers/").json()
    assert [(t["id"], t["status"], t["attempts"]) for t in listed] == [(str(transfer.pk), "failed", MAX_ATTEMPTS)]
    assert listed[0]["source"] == congresses["huaxi"].name and "receiving schema busy" in listed[0]["last_error"]
    assert api.get("/api/v1/exchange/transfers/", {"kind": "notice"}).json() == []
    assert api.get("/api/v1/exchange/transfers/", {"status": "delivered"}).json() == []

    flaky["failures"] = 0
    retried = api.post(f"/api/v1/exchange/transfers/{transfer.pk}/retry/")
    assert retried.status_code == 200 and retried.json()["status"] == "sent" and retried.json()["retries"] == 1
    again = api.post(f"/api/v1/exchange/transfers/{transfer.pk}/retry/")
    assert again.status_code == 400 and "status" in again.json()
    missing = api.post("/api/v1/exchange/transfers/00000000-0000-0000-0000-000000000000/retry/")
    assert missing.status_code == 404


def test_the_summary_counts_what_waits_what_failed_and_the_last_day(congresses, flaky):
    failed_transfer(congresses, flaky)
    with transaction.atomic():
        waiting = transfer_send(
            kind="notice", source=congresses["huaxi"], target=congresses["qingyan"], payload=PAYLOAD
        )
    Transfer.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    summary = {row["kind"]: row for row in selectors.transfer_summary()}
    assert summary["flaky_up"]["failed"] == 1 and summary["flaky_up"].get("sent") is None
    assert summary["notice"]["sent"] == 1 and summary["notice"]["waiting_minutes"] == 30
    run_queued_jobs("exchange.deliver_transfer")
    summary = {row["kind"]: row for row in selectors.transfer_summary()}
    assert summary["notice"]["delivered"] == 1 and summary["notice"]["waiting_minutes"] is None


@pytest.mark.parametrize(
    ("persona", "host"), [("zhang", "huaxi"), ("li", None), ("ma", None), ("yang", None), (None, None)]
)
def test_nobody_but_a_platform_administrator_sees_or_retries(congresses, flaky, client_for, api_for, persona, host):
    transfer = failed_transfer(congresses, flaky)
    before = snapshot()
    page, api = client_for(persona, host), api_for(persona, host)
    pages = [page.get("/console/exchange/"), page.post(f"/console/exchange/{transfer.pk}/retry/")]
    calls = [api.get("/api/v1/exchange/transfers/"), api.post(f"/api/v1/exchange/transfers/{transfer.pk}/retry/")]
    if host is not None:  # the console exists on the root domain only
        assert [r.status_code for r in pages + calls] == [404, 404, 404, 404]
    elif persona is None:
        assert [r.status_code for r in pages] == [302, 302] and [r.status_code for r in calls] == [401, 401]
    else:
        assert [r.status_code for r in pages + calls] == [403, 403, 403, 403]
    assert snapshot() == before
