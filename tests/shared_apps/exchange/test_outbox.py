"""The exchange's transactional outbox: a transfer commits with the sender's change or not at all, is delivered
into the receiving schema exactly once, is retried on failure, and is re-queued when its job is lost."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.exchange.delivery import MAX_ATTEMPTS, DeliveryError, transfer_deliver
from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.exchange.outbox import transfer_answer, transfer_send, transfers_send
from shared_apps.exchange.tasks import requeue_stuck
from tests.support.exchange import PAYLOAD, deliver_until_failed, received
from tests.support.jobs import queued_jobs, run_queued_jobs


def test_a_transfer_is_written_with_its_delivery_job(congresses):
    huaxi, qingyan = congresses["huaxi"], congresses["qingyan"]
    with transaction.atomic():
        transfer = transfer_send(kind="notice", source=huaxi, target=qingyan, payload=PAYLOAD, source_ref="n:1")
    assert transfer.status == TransferStatus.SENT
    assert [args for _pk, name, args in queued_jobs("exchange.deliver_transfer")] == [{"transfer_id": str(transfer.pk)}]


def test_a_rolled_back_sender_leaves_no_transfer_and_no_job(congresses):
    huaxi, qingyan = congresses["huaxi"], congresses["qingyan"]
    with pytest.raises(RuntimeError, match="sender failed"), transaction.atomic():
        transfer_send(kind="notice", source=huaxi, target=qingyan, payload=PAYLOAD)
        raise RuntimeError("sender failed")
    assert not Transfer.objects.exists()
    assert queued_jobs("exchange.deliver_transfer") == []


def test_sending_outside_a_transaction_is_a_programming_error(congresses):
    # pytest-django runs each test inside a transaction: pretend there is none.
    from shared_apps.exchange import outbox

    with pytest.raises(RuntimeError, match="inside the sender's transaction"), _outside_atomic():
        outbox.transfer_send(kind="notice", source=congresses["huaxi"], target=congresses["qingyan"], payload={})


class _outside_atomic:
    def __enter__(self):
        self.saved, connection.in_atomic_block = connection.in_atomic_block, False

    def __exit__(self, *exc):
        connection.in_atomic_block = self.saved


def test_delivery_happens_exactly_once(congresses):
    qingyan = congresses["qingyan"]
    with transaction.atomic():
        transfer = transfer_send(kind="notice", source=congresses["huaxi"], target=qingyan, payload=PAYLOAD)
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    assert transfer_deliver(str(transfer.pk)) == "already"  # a replayed job
    assert received(qingyan.schema_name) == [(transfer.pk, PAYLOAD["title"])]
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DELIVERED
    assert transfer.target_ref.startswith("notice:")
    assert transfer.attempts == 1 and transfer.delivered_at is not None


def test_the_handler_is_idempotent_even_if_the_status_was_lost(congresses):
    qingyan = congresses["qingyan"]
    with transaction.atomic():
        transfer = transfer_send(kind="notice", source=congresses["huaxi"], target=qingyan, payload=PAYLOAD)
    transfer_deliver(str(transfer.pk))
    Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.SENT)  # as if the mark were lost
    assert transfer_deliver(str(transfer.pk)) == "delivered"
    assert len(received(qingyan.schema_name)) == 1


def test_a_failing_handler_is_retried_and_its_error_kept(congresses, flaky):
    flaky["failures"] = 2
    huaxi, guiyang = congresses["huaxi"], congresses["guiyang"]
    with transaction.atomic():
        transfer = transfer_send(kind="flaky_up", source=huaxi, target=guiyang, payload=PAYLOAD)
    for _attempt in range(2):
        with pytest.raises(DeliveryError, match="receiving schema busy"):
            transfer_deliver(str(transfer.pk))
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.SENT
        assert "receiving schema busy" in transfer.last_error
    assert received(guiyang.schema_name) == []  # the failed attempts left nothing behind
    assert transfer_deliver(str(transfer.pk)) == "delivered"
    transfer.refresh_from_db()
    assert (transfer.attempts, transfer.last_error) == (3, "")
    assert len(received(guiyang.schema_name)) == 1


def test_a_transfer_that_keeps_failing_is_marked_failed(congresses, flaky):
    transfer = deliver_until_failed(congresses, flaky, failures=MAX_ATTEMPTS + 5)
    assert transfer.status == TransferStatus.FAILED and transfer.attempts == MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("kind", "source", "target", "message"),
    [
        ("flaky_up", "huaxi", "guizhou", "上一级"),  # two tiers up
        ("flaky_up", "huaxi", "qingyan", "上一级"),  # down
        ("notice", "huaxi", "guiyang", "下级"),  # up
        ("notice", "huaxi", "honghuagang", "下级"),  # another branch
        ("nonsense", "huaxi", "qingyan", "未知"),
    ],
)
def test_routes_a_kind_may_not_take_are_refused(congresses, flaky, kind, source, target, message):
    with pytest.raises(ValidationError, match=message), transaction.atomic():
        transfer_send(kind=kind, source=congresses[source], target=congresses[target], payload=PAYLOAD)
    assert not Transfer.objects.exists()


def test_a_notice_from_the_province_may_reach_a_township(congresses):
    with transaction.atomic():
        transfer = transfer_send(
            kind="notice", source=congresses["guizhou"], target=congresses["qingyan"], payload=PAYLOAD
        )
    assert transfer.target_id == congresses["qingyan"].pk


def test_one_thing_goes_once_to_each_target(congresses):
    huaxi, qingyan = congresses["huaxi"], congresses["qingyan"]
    with transaction.atomic():
        transfer_send(kind="notice", source=huaxi, target=qingyan, payload=PAYLOAD, source_ref="notice:9")
    with pytest.raises(ValidationError, match="已经转送过"), transaction.atomic():
        transfer_send(kind="notice", source=huaxi, target=qingyan, payload=PAYLOAD, source_ref="notice:9")
    assert Transfer.objects.count() == 1


def test_a_suspended_target_is_refused(congresses):
    qingyan = congresses["qingyan"]
    qingyan.status = "suspended"
    qingyan.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="不能接收"), transaction.atomic():
        transfers_send(kind="notice", source=congresses["huaxi"], targets=[qingyan], payload=PAYLOAD)
    assert not Transfer.objects.exists()


def test_the_sweep_requeues_a_transfer_whose_job_was_lost(congresses):
    qingyan = congresses["qingyan"]
    with transaction.atomic():
        transfer = transfer_send(kind="notice", source=congresses["huaxi"], target=qingyan, payload=PAYLOAD)
    with connection.cursor() as cursor:  # the job vanished (a worker lost it, an operator deleted it)
        cursor.execute("DELETE FROM public.procrastinate_jobs")
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert requeue_stuck(later) == 1
    assert requeue_stuck(later) == 0  # already queued: not twice
    run_queued_jobs("exchange.deliver_transfer")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DELIVERED
    assert len(received(qingyan.schema_name)) == 1
    assert requeue_stuck(later) == 0  # delivered transfers are left alone


def test_only_the_receiving_congress_answers(congresses):
    qingyan = congresses["qingyan"]
    with transaction.atomic():
        transfer = transfer_send(kind="notice", source=congresses["huaxi"], target=qingyan, payload=PAYLOAD)
    transfer_deliver(str(transfer.pk))
    with schema_context(congresses["honghuagang"].schema_name), pytest.raises(ValidationError, match="接收方"):
        transfer_answer(transfer=transfer, status=TransferStatus.ACCEPTED)
    with schema_context(qingyan.schema_name):
        with pytest.raises(ValidationError):
            transfer_answer(transfer=transfer, status=TransferStatus.FAILED)
        answered = transfer_answer(transfer=transfer, status=TransferStatus.RETURNED, note="不属于本镇职权")
    assert (answered.status, answered.answer_note) == (TransferStatus.RETURNED, "不属于本镇职权")
