"""Notices sent down through the exchange: the office of Huaxi (county) sends, the worker delivers into
Qingyan's (township) schema, Qingyan's office acknowledges, and Huaxi sees every step — without any request
reading another congress's schema."""

import pytest
from django_tenants.utils import schema_context

from shared_apps.exchange.models import Transfer, TransferStatus
from tenant_apps.notices.models import Direction, Notice
from tests.support.jobs import queued_jobs, run_queued_jobs

NOTICE = {"title": "关于开展代表集中视察的通知", "body": "请于六月底前完成视察并报送情况。", "scope": "children"}


def notices(schema: str) -> list[tuple]:
    with schema_context(schema):
        return list(Notice.objects.order_by("id").values_list("direction", "title", "acknowledged_at"))


def send(api_for, persona="zhang", **data):
    return api_for(persona, "huaxi").post("/api/v1/notices/", {**NOTICE, **data}, format="json")


def test_a_notice_travels_down_and_its_acknowledgement_comes_back(api_for, congresses):
    response = send(api_for)
    assert response.status_code == 201, response.content
    sent = response.json()
    assert [d["subdomain"] for d in sent["deliveries"]] == ["qingyan"]
    assert sent["deliveries"][0]["status"] == "sent"
    assert notices(congresses["qingyan"].schema_name) == []  # not yet: the worker delivers

    assert run_queued_jobs("exchange.deliver_transfer") == 1
    inbox = api_for("zhou", "qingyan").get("/api/v1/notices/").json()
    assert [(n["title"], n["from_name"], n["acknowledged_at"]) for n in inbox] == [
        (NOTICE["title"], congresses["huaxi"].name, None)
    ]
    status = api_for("zhang", "huaxi").get(f"/api/v1/notices/{sent['id']}/").json()
    assert status["deliveries"][0]["status"] == "delivered"

    ack = api_for("zhou", "qingyan").post(f"/api/v1/notices/{inbox[0]['id']}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    again = api_for("zhou", "qingyan").post(f"/api/v1/notices/{inbox[0]['id']}/acknowledge/")
    assert again.status_code == 400
    status = api_for("zhang", "huaxi").get(f"/api/v1/notices/{sent['id']}/").json()
    assert status["deliveries"][0]["status"] == "accepted"
    assert status["deliveries"][0]["answered_at"]


def test_all_below_reaches_every_tier_under_the_sender(api_for, congresses):
    response = api_for("wang", "guizhou")
    # The province's office: give wang no special path; a platform admin is not the province's office.
    assert response.post("/api/v1/notices/", NOTICE, format="json").status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": "  "}, "body"),
        ({"scope": "everyone"}, "scope"),
        ({"title": "长" * 201}, "title"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_sent(api_for, congresses, data, field):
    response = send(api_for, **data)
    assert response.status_code == 400
    assert field in response.json()
    assert notices(congresses["huaxi"].schema_name) == []
    assert not Transfer.objects.exists() and queued_jobs() == []


def test_a_congress_with_nothing_below_cannot_send(api_for, congresses):
    response = api_for("zhou", "qingyan").post("/api/v1/notices/", NOTICE, format="json")
    assert response.status_code == 400
    assert "下级人大" in str(response.json())
    assert notices(congresses["qingyan"].schema_name) == []


@pytest.mark.parametrize("persona", ["yang", "liu", "chen", "sun", "ma", "wu", None])
def test_only_the_office_reads_or_sends_notices(api_for, client_for, congresses, persona):
    assert send(api_for, persona=persona).status_code in (401, 403)
    assert api_for(persona, "huaxi").get("/api/v1/notices/").status_code in (401, 403)
    page = client_for(persona, "huaxi").get("/notices/")
    assert page.status_code in (302, 403)
    assert client_for(persona, "huaxi").post("/notices/new/", NOTICE).status_code in (302, 403)
    assert notices(congresses["huaxi"].schema_name) == []
    assert not Transfer.objects.exists()


def test_another_congress_office_cannot_acknowledge_or_read(api_for, client_for, congresses):
    send(api_for)
    run_queued_jobs("exchange.deliver_transfer")
    with schema_context(congresses["qingyan"].schema_name):
        received = Notice.objects.get(direction=Direction.RECEIVED)
    # Ma (Honghuagang) and Zhang (Huaxi) are office people elsewhere: they are refused on Qingyan's host.
    for persona in ("ma", "zhang"):
        assert api_for(persona, "qingyan").post(f"/api/v1/notices/{received.pk}/acknowledge/").status_code == 403
        assert client_for(persona, "qingyan").get(f"/notices/{received.pk}/").status_code == 403
    assert notices(congresses["qingyan"].schema_name)[0][2] is None
    assert Transfer.objects.get().status == TransferStatus.DELIVERED


def test_the_pages_send_show_and_acknowledge(client_for, congresses):
    office = client_for("li", "huaxi")
    form = office.get("/notices/new/")
    assert form.status_code == 200
    response = office.post("/notices/new/", NOTICE, follow=True)
    assert response.status_code == 200
    assert "正在送达" in response.content.decode()
    assert "已发送" in response.content.decode()  # qingyan's row, waiting for the worker
    run_queued_jobs("exchange.deliver_transfer")

    qingyan = client_for("zhou", "qingyan")
    listing = qingyan.get("/notices/").content.decode()
    assert NOTICE["title"] in listing and "未签收" in listing
    with schema_context(congresses["qingyan"].schema_name):
        pk = Notice.objects.get().pk
    detail = qingyan.post(f"/notices/{pk}/acknowledge/", follow=True).content.decode()
    assert "已签收" in detail
    sent = office.get("/notices/?direction=sent").content.decode()
    assert NOTICE["title"] in sent
    with schema_context(congresses["huaxi"].schema_name):
        sent_pk = Notice.objects.get(direction=Direction.SENT).pk
    assert "已接收" in office.get(f"/notices/{sent_pk}/").content.decode()


def test_the_page_form_shows_errors_and_sends_nothing(client_for, congresses):
    response = client_for("zhang", "huaxi").post("/notices/new/", {**NOTICE, "title": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Transfer.objects.exists()
