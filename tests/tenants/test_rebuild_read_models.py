"""manage.py rebuild_read_models: the public read models the modules keep as they write (workspace counts,
liaison figures) are recomputed from each congress's own schema after a fault — wrong counts corrected, stale
rows removed, lost figures restored — and a congress not named is left as it is."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shared_apps.exchange.models import InboxCount, LiaisonFigure
from tenant_apps.suggestions.models import Status

pytestmark = pytest.mark.usefixtures("clean_side_channels")


def read_models() -> tuple:
    counts = sorted(InboxCount.objects.values_list("user__email", "congress__subdomain", "kind", "count"))
    figures = sorted(
        LiaisonFigure.objects.values_list("congress__subdomain", "year", "received", "answered", "escalated")
    )
    return counts, figures


def rebuild(*congresses: str) -> str:
    out = io.StringIO()
    call_command("rebuild_read_models", *congresses, stdout=out)
    return out.getvalue()


def test_a_damaged_read_model_is_rebuilt_from_the_congress_own_records(desk, world, users):
    # Real work through the services: messages in Qingyan (one escalated to Huaxi), a reply awaiting Yang's
    # evaluation in Huaxi.
    desk.send()
    desk.drive("escalated")
    with world.huaxi:
        world.drive(Status.REPLIED)
    good = read_models()
    assert good[0] and good[1]

    # A fault: counts wrong, a stale row for someone with nothing waiting, Qingyan's figures lost.
    InboxCount.objects.filter(congress=desk.qingyan).update(count=99)
    InboxCount.objects.create(user=users["wang"], congress=desk.qingyan, kind="messages", count=3)
    InboxCount.objects.filter(congress=desk.huaxi, kind="suggestions").update(count=7)
    LiaisonFigure.objects.filter(congress=desk.qingyan).delete()
    damaged = read_models()

    output = rebuild("qingyan")
    assert output.startswith("qingyan: ") and "liaison " in output
    counts, figures = read_models()
    assert [row for row in counts if row[1] == "qingyan"] == [row for row in good[0] if row[1] == "qingyan"]
    assert figures == good[1]
    # Huaxi was not named: its damage stays until it is.
    assert [row for row in counts if row[1] == "huaxi"] == [row for row in damaged[0] if row[1] == "huaxi"]

    output = rebuild()  # every active congress
    assert re.search(r"^huaxi: .*liaison \d+", output, re.M) and "suggestions" in output
    assert read_models() == good


def test_an_unknown_congress_is_refused_and_nothing_changes(desk):
    desk.send()
    before = read_models()
    with pytest.raises(CommandError, match="nowhere"):
        rebuild("qingyan", "nowhere")
    assert read_models() == before
