"""The exchange: a notice payload, what a congress received, and a transfer delivered until it failed."""

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from shared_apps.exchange.delivery import MAX_ATTEMPTS, DeliveryError, transfer_deliver
from shared_apps.exchange.models import Transfer
from shared_apps.exchange.outbox import transfer_send
from tenant_apps.notices.models import Notice

PAYLOAD = {"title": "关于做好代表建议办理工作的通知", "body": "请各镇人大认真组织。", "from_name": "花溪区人大"}


def received(subdomain_schema: str) -> list[tuple]:
    with schema_context(subdomain_schema):
        return list(Notice.objects.values_list("transfer_id", "title"))


def deliver_until_failed(congresses, flaky, failures: int = MAX_ATTEMPTS) -> Transfer:
    """A flaky transfer from Huaxi up to Guiyang whose handler fails `failures` times, delivered until the
    exchange gives up on it (MAX_ATTEMPTS): "failed"."""
    flaky["failures"] = failures
    with transaction.atomic():
        transfer = transfer_send(
            kind="flaky_up", source=congresses["huaxi"], target=congresses["guiyang"], payload=PAYLOAD
        )
    for _attempt in range(MAX_ATTEMPTS - 1):
        with pytest.raises(DeliveryError):
            transfer_deliver(str(transfer.pk))
    assert transfer_deliver(str(transfer.pk)) == "failed"
    transfer.refresh_from_db()
    return transfer
