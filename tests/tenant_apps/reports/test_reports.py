"""Online duty reports: a round opened by Huaxi's office, Yang's report published, the public scoring it once per
mobile number with an SMS code (staff and the deputy cannot), counts hidden until the round closes, comments
moderated, results published into the ledger."""

import datetime
import re

import pytest
from django.utils import timezone

from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.ledger.models import DutyRecord
from shared_apps.notifications.models import Notification
from tenant_apps.reports import scoring
from tests.support.duty import deputy

pytestmark = pytest.mark.usefixtures("clean_side_channels")


def open_round(api_for, *, opens=-1, closes=24):
    now = timezone.now()
    office = api_for("zhang", "huaxi")
    made = office.post(
        "/api/v1/reports/rounds/",
        {
            "title": "2026年度代表向选民述职",
            "opens_at": (now + datetime.timedelta(hours=opens)).isoformat(),
            "closes_at": (now + datetime.timedelta(hours=closes)).isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    round_id = made.json()["id"]
    added = office.post(
        f"/api/v1/reports/rounds/{round_id}/reporters/", {"deputies": [deputy("杨秀英").pk]}, format="json"
    )
    assert added.status_code == 201, added.content
    report_id = added.json()["reports"][0]["id"]
    opened = office.post(f"/api/v1/reports/rounds/{round_id}/transition/", {"action": "open"}, format="json")
    assert opened.json()["status"] == "open"
    return round_id, report_id


def publish_report(api_for, report_id):
    client = api_for("yang", "huaxi")
    assert (
        client.patch(
            f"/api/v1/reports/{report_id}/",
            {"title": "我的履职报告", "text": "一年来参加视察四次，提出建议三件。"},
            format="json",
        ).status_code
        == 200
    )
    published = client.post(f"/api/v1/reports/{report_id}/transition/", {"action": "publish"}, format="json")
    assert published.json()["status"] == "published", published.content


def last_code() -> str:
    return re.search(r"\d{6}", MemorySmsSender.outbox[-1][1]).group()


def score(api_for, report_id, mobile, rating="satisfied", comment="", persona=None, address="203.0.113.7"):
    client = api_for(persona, "huaxi")
    sent = client.post(
        f"/api/v1/reports/{report_id}/score-code/", {"mobile": mobile}, format="json", REMOTE_ADDR=address
    )
    if sent.status_code != 200:
        return sent
    return client.post(
        f"/api/v1/reports/{report_id}/scores/",
        {"mobile": mobile, "code": last_code(), "rating": rating, "comment": comment},
        format="json",
        REMOTE_ADDR=address,
    )


def test_a_round_from_opening_to_results_in_the_ledger(api_for, users):
    round_id, report_id = open_round(api_for)
    assert Notification.objects.filter(kind="reports_round_open", user=users["yang"]).exists()
    publish_report(api_for, report_id)

    assert score(api_for, report_id, "13900000001").status_code == 201
    assert score(api_for, report_id, "13900000002", "unsatisfied", "希望多来村里").status_code == 201
    again = score(api_for, report_id, "13900000001", "unsatisfied")
    assert again.status_code == 400 and "mobile" in again.json()  # one score per number

    # Hidden while the public scores, from everyone.
    for persona in (None, "zhang", "yang"):
        assert api_for(persona, "huaxi").get(f"/api/v1/reports/{report_id}/").json()["results"] is None
    office = api_for("zhang", "huaxi")
    closed = office.post(f"/api/v1/reports/rounds/{round_id}/transition/", {"action": "close"}, format="json")
    assert closed.json()["status"] == "closed"
    assert office.get(f"/api/v1/reports/{report_id}/").json()["results"] == {
        "satisfied": 1,
        "basically_satisfied": 0,
        "unsatisfied": 1,
    }
    assert api_for(None, "huaxi").get(f"/api/v1/reports/{report_id}/").json()["results"] is None
    late = score(api_for, report_id, "13900000003")
    assert late.status_code == 400

    # The comment is public only once approved; rejecting asks for a reason.
    scores = office.get(f"/api/v1/reports/{report_id}/scores/").json()
    pending = next(s for s in scores if s["comment_status"] == "pending")
    url = f"/api/v1/reports/{report_id}/scores/{pending['id']}/transition/"
    assert office.post(url, {"action": "reject"}, format="json").status_code == 400
    assert office.post(url, {"action": "approve"}, format="json").json()["comment_status"] == "approved"

    office.post(f"/api/v1/reports/rounds/{round_id}/transition/", {"action": "publish_results"}, format="json")
    public = api_for(None, "huaxi").get(f"/api/v1/reports/{report_id}/").json()
    assert public["results"]["satisfied"] == 1
    row = DutyRecord.objects.get(source_ref=f"report:{report_id}")
    assert row.kind == "duty_report" and row.public and "满意1" in row.title
    page = api_for(None, "huaxi").get(f"/api/v1/showcase/deputies/{deputy('杨秀英').pk}/").json()
    assert page["reports"][0]["satisfied"] == 1


def test_staff_and_the_deputy_cannot_score(api_for, users):
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    for persona in ("zhang", "yang", "sun"):
        refused = score(api_for, report_id, "13900000009", persona=persona)
        assert refused.status_code == 403, persona
    own = score(api_for, report_id, "13885012345")  # Yang's own number in the registry
    assert own.status_code == 400 and "mobile" in own.json()
    assert api_for("zhang", "huaxi").get(f"/api/v1/reports/{report_id}/scores/").json() == []


def test_a_wrong_code_counts_and_too_many_void_it(api_for):
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    client = api_for(None, "huaxi")
    client.post(f"/api/v1/reports/{report_id}/score-code/", {"mobile": "13900000011"}, format="json")
    for _ in range(scoring.CODE_ATTEMPTS):
        wrong = client.post(
            f"/api/v1/reports/{report_id}/scores/",
            {"mobile": "13900000011", "code": "000000", "rating": "satisfied"},
            format="json",
        )
        assert wrong.status_code == 400 and "code" in wrong.json()
    right = client.post(
        f"/api/v1/reports/{report_id}/scores/",
        {"mobile": "13900000011", "code": last_code(), "rating": "satisfied"},
        format="json",
    )
    assert right.status_code == 400  # the code was voided


def test_past_a_soft_limit_an_address_answers_a_question(api_for):
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    client = api_for(None, "huaxi")
    for n in range(scoring.ADDRESS_SOFT):
        assert (
            client.post(
                f"/api/v1/reports/{report_id}/score-code/", {"mobile": f"1390000010{n}"}, format="json"
            ).status_code
            == 200
        )
    asked = client.post(f"/api/v1/reports/{report_id}/score-code/", {"mobile": "13900000199"}, format="json")
    assert asked.status_code == 400 and asked.json()["challenge_question"]


def test_a_flood_from_one_address_is_held_for_the_office(api_for, monkeypatch):
    monkeypatch.setattr(scoring, "FLOOD_PER_ADDRESS", 2)
    monkeypatch.setattr(scoring, "ADDRESS_SOFT", 100)
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    for n in range(4):
        assert score(api_for, report_id, f"1390000020{n}").status_code == 201
    office = api_for("zhang", "huaxi")
    statuses = [s["status"] for s in office.get(f"/api/v1/reports/{report_id}/scores/").json()]
    assert statuses == ["counted", "counted", "held", "held"]
    held = office.get(f"/api/v1/reports/{report_id}/scores/").json()[2]
    released = office.post(
        f"/api/v1/reports/{report_id}/scores/{held['id']}/transition/", {"action": "release"}, format="json"
    )
    assert released.json()["status"] == "counted"


def test_the_public_scores_on_the_page_keeping_what_was_typed(api_for, client_for):
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    client = client_for(None, "huaxi")
    page = client.get(f"/reports/{report_id}/")
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    bad = client.post(f"/reports/{report_id}/score/", {"mobile": "12345", "step": "code"})
    assert bad.status_code == 400 and 'value="12345"' in bad.content.decode()
    sent = client.post(f"/reports/{report_id}/score/", {"mobile": "13900000301", "step": "code"})
    assert sent.status_code == 200 and "提交评价" in sent.content.decode()
    wrong = client.post(
        f"/reports/{report_id}/score/",
        {"mobile": "13900000301", "code": "000000", "rating": "satisfied", "comment": "很好", "step": "score"},
    )
    assert wrong.status_code == 400 and "很好" in wrong.content.decode()
    done = client.post(
        f"/reports/{report_id}/score/",
        {"mobile": "13900000301", "code": last_code(), "rating": "satisfied", "step": "score"},
    )
    assert done.status_code == 302


@pytest.mark.parametrize("persona", [None, "wu", "sun", "yang", "ma", "liu"])
def test_only_the_office_runs_rounds(api_for, persona):
    round_id, report_id = open_round(api_for)
    client = api_for(persona, "huaxi")
    for method, url, body in (
        (
            "post",
            "/api/v1/reports/rounds/",
            {"title": "x", "opens_at": "2026-01-01T00:00", "closes_at": "2026-02-01T00:00"},
        ),
        ("post", f"/api/v1/reports/rounds/{round_id}/transition/", {"action": "close"}),
        ("get", f"/api/v1/reports/{report_id}/scores/", None),
    ):
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        assert response.status_code in (401, 403), (method, url, response.status_code)
    assert api_for("zhang", "huaxi").get(f"/api/v1/reports/rounds/{round_id}/").json()["status"] == "open"


def test_pages_render_for_the_office_and_the_public(api_for, client_for):
    round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    for persona in ("zhang", None, "yang"):
        assert client_for(persona, "huaxi").get("/reports/").status_code == 200
        assert client_for(persona, "huaxi").get(f"/reports/rounds/{round_id}/").status_code == 200
        assert client_for(persona, "huaxi").get(f"/reports/{report_id}/").status_code == 200
    assert client_for("zhang", "huaxi").get(f"/reports/{report_id}/moderation/").status_code == 200
    assert client_for("yang", "huaxi").get(f"/reports/{report_id}/moderation/").status_code == 403
    assert client_for("zhang", "huaxi").get("/reports/rounds/new/").status_code == 200


def test_the_congress_officers_do_not_score_either_and_a_discarded_score_hides_its_comment(api_for):
    _round_id, report_id = open_round(api_for)
    publish_report(api_for, report_id)
    for persona in ("tang", "han"):
        assert score(api_for, report_id, "13900000401", persona=persona).status_code == 403
    assert score(api_for, report_id, "13900000402", "unsatisfied", "刷票的留言").status_code == 201
    office = api_for("zhang", "huaxi")
    item = office.get(f"/api/v1/reports/{report_id}/scores/").json()[0]
    url = f"/api/v1/reports/{report_id}/scores/{item['id']}/transition/"
    office.post(url, {"action": "approve"}, format="json")
    office.post(url, {"action": "discard", "note": "同一人多号"}, format="json")
    page = api_for(None, "huaxi").get(f"/reports/{report_id}/")
    assert "刷票的留言" not in page.content.decode()
