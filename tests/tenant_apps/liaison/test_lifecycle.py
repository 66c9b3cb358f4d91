"""Issue 5, done when: a message sent from a township station's QR page is answered by the deputy, escalated to
the county, forwarded there to a unit, answered and closed — and the sender follows every step with one
tracking code. Everything goes through the pages and the API, as the sender, the deputy, the county's office
and the unit would use them; the worker's jobs run inline (tests/support/jobs.py)."""

import datetime

import pytest
from django.utils import timezone

from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.exchange.models import Transfer
from shared_apps.notifications.models import Notification
from tenant_apps.liaison.models import PublicMessage
from tests.support.jobs import run_queued_jobs
from tests.support.liaison import YANG_MOBILE, sweep

pytestmark = pytest.mark.usefixtures("clean_side_channels")

SENDER_MOBILE = "13985016688"
TEXT = "青岩古镇周末停车难，游客车辆占道，居民出行不便，希望增设停车场。"


def track(api_for, host, code) -> dict:
    response = api_for(None, host).get("/api/v1/liaison/track/", {"code": code, "last4": SENDER_MOBILE[-4:]})
    assert response.status_code == 200, response.content
    return response.json()


def transition(api, pk, **data) -> dict:
    response = api.post(f"/api/v1/liaison/messages/{pk}/transition/", data, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_township_message_travels_to_the_county_and_back_under_one_code(desk, client_for, api_for):
    # The sender scans the station's QR code and writes, with no account.
    sender = client_for(None, "qingyan")
    form = {"category": "problem", "text": TEXT, "sender_name": "王五", "mobile": SENDER_MOBILE}
    response = sender.post(f"/liaison/s/{desk.station.code}/message/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    with desk.qingyan:
        message = PublicMessage.objects.get(text=TEXT)
    code = message.tracking_code
    assert code in sender.get(response["Location"]).content.decode()
    assert track(api_for, "qingyan", code)["status"] == "new"

    # The deputy on duty finds it in the inbox; one digest that day, however often the sweep runs.
    yang = api_for("yang", "qingyan")
    assert [m["tracking_code"] for m in yang.get("/api/v1/liaison/inbox/").json()] == [code]
    sweep(timezone.localdate())
    sweep(timezone.localdate())
    assert [(m, "您有1条群众留言待处理" in t) for m, t in MemorySmsSender.outbox] == [(YANG_MOBILE, True)]
    MemorySmsSender.outbox.clear()

    # The deputy answers (the sender is told by SMS, without the answer), then escalates to the county.
    answer = "已向镇政府反映，镇里无权规划停车场，我将上报区人大。"
    assert transition(yang, message.pk, action="reply", reply_text=answer)["status"] == "replied"
    run_queued_jobs("liaison.send_reply_sms")
    assert [(m, code in t, answer in t) for m, t in MemorySmsSender.outbox] == [(SENDER_MOBILE, True, False)]
    escalated = transition(yang, message.pk, action="escalate", note="停车场规划属区级事权。")
    assert escalated["status"] == "escalated"
    assert run_queued_jobs("exchange.deliver_transfer") == 1
    assert yang.get(f"/api/v1/liaison/messages/{message.pk}/").json()["escalation"]["transfer_status"] == "delivered"

    # Huaxi's office receives it under the same code and forwards it to the transport bureau.
    zhang = api_for("zhang", "huaxi")
    [received] = zhang.get("/api/v1/liaison/inbox/").json()
    assert received["tracking_code"] == code and received["escalated_from"] == desk.qingyan.name
    detail = zhang.get(f"/api/v1/liaison/messages/{received['id']}/").json()
    assert detail["text"] == TEXT and detail["events"][0]["note"] == "停车场规划属区级事权。"
    forwarded = transition(zhang, received["id"], action="forward", unit=desk.huaxi_unit.pk)
    assert forwarded["status"] == "forwarded"
    assert forwarded["origin"] == {"source": desk.qingyan.name, "transfer_status": "accepted", "answer_note": ""}

    # The bureau's staff answers from the message's page (linked from their notice); the office closes.
    notice = Notification.objects.get(user=desk.users["liu"], kind="liaison_forwarded")
    assert notice.url.endswith(f"/liaison/messages/{received['id']}/") and "huaxi." in notice.url
    liu = client_for("liu", "huaxi")
    assert code in liu.get("/liaison/inbox/").content.decode()
    bureau_answer = "区交通运输局已将青岩古镇停车场纳入今年规划，预计年底建成。"
    response = liu.post(f"/liaison/messages/{received['id']}/act/", {"action": "reply", "reply_text": bureau_answer})
    assert response.status_code == 302
    closed = transition(zhang, received["id"], action="close", note="停车场已纳入规划，本件办结。")
    assert closed["status"] == "closed"

    # The sender follows every step with the one code, from the township's host as from the county's.
    matter = track(api_for, "qingyan", code)
    assert matter == track(api_for, "huaxi", code)
    assert (matter["status"], matter["congress"]) == ("closed", desk.huaxi.name)
    steps = [(s["congress"], s["status"]) for s in matter["steps"]]
    q, h = desk.qingyan.name, desk.huaxi.name
    assert steps == [
        (q, "new"),
        (q, "replied"),
        (q, "escalated"),
        (h, "new"),
        (h, "forwarded"),
        (h, "replied"),
        (h, "closed"),
    ]
    notes = [s["public_note"] for s in matter["steps"]]
    assert notes[1] == answer and notes[5] == bureau_answer and notes[6] == "停车场已纳入规划，本件办结。"
    assert desk.huaxi_unit.name in notes[4] and h in notes[2]
    page = client_for(None, "qingyan").post("/liaison/track/", {"code": code, "last4": SENDER_MOBILE[-4:]})
    assert bureau_answer in page.content.decode()

    # The township's copy stays escalated; its deputy sees where the matter stands now.
    with desk.qingyan:
        assert PublicMessage.objects.get(pk=message.pk).status == "escalated"
    own = yang.get(f"/api/v1/liaison/messages/{message.pk}/").json()
    assert own["escalation"]["matter_status"] == "closed" and own["escalation"]["transfer_status"] == "accepted"
    assert Transfer.objects.get().target == desk.huaxi

    # The sender rates the answer where the matter ended (the township points them on), once.
    rating = {"code": code, "mobile_last4": SENDER_MOBILE[-4:], "rating": "satisfied"}
    township = api_for(None, "qingyan").post("/api/v1/liaison/rate/", rating, format="json")
    assert township.status_code == 400 and "上一级" in str(township.json())
    county = api_for(None, "huaxi").post("/api/v1/liaison/rate/", rating, format="json")
    assert county.status_code == 200 and county.json()["rating"] == "satisfied"
    again = api_for(None, "huaxi").post("/api/v1/liaison/rate/", {**rating, "rating": "unsatisfied"}, format="json")
    assert again.status_code == 400
    assert track(api_for, "qingyan", code)["steps"][-1]["public_note"] == "留言人评价：满意"

    # The next day nothing waits for anyone: no digest.
    MemorySmsSender.outbox.clear()
    sweep(timezone.localdate() + datetime.timedelta(days=1))
    assert MemorySmsSender.outbox == []
