"""The duty record and the yearly ledger: duties a deputy reports (confirmed or returned with a reason, sent
again), those the office records, and what other modules register (suggestions led and co-signed, messages
answered); one ledger per deputy per year across every seat and tier, full for the deputy and the offices where
they sit, published rows for everyone else; PDF, xlsx and the office's yearly print."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shared_apps.ledger import selectors as ledgers
from shared_apps.ledger.models import DutyRecord
from shared_apps.notifications.models import Notification
from tests.support.duty import deputy, make_activity, records_of
from tests.support.jobs import run_queued_jobs

pytestmark = pytest.mark.usefixtures("clean_side_channels")

TODAY = timezone.localdate()
ENTRY = {
    "kind": "deliberation_speech",
    "title": "在区人代会上审议政府工作报告发言",
    "occurred_on": TODAY.isoformat(),
    "place": "区人大会议中心",
    "text": "建议加大农村供水投入。",
}


def report(api_for, persona="yang", host="huaxi", **changes):
    return api_for(persona, host).post("/api/v1/duty/entries/", {**ENTRY, **changes}, format="json")


def entry_act(api_for, persona, pk, action, host="huaxi", **data):
    return api_for(persona, host).post(
        f"/api/v1/duty/entries/{pk}/transition/", {"action": action, **data}, format="json"
    )


def test_a_reported_duty_is_returned_with_a_reason_sent_again_and_confirmed(api_for, users):
    yang = deputy("杨秀英")
    reported = report(api_for)
    assert reported.status_code == 201, reported.content
    entry = reported.json()
    assert entry["status"] == "submitted" and entry["allowed_actions"] == ["withdraw"]
    assert Notification.objects.filter(kind="duty_entry", user=users["zhang"]).exists()
    assert records_of(yang) == []

    assert entry_act(api_for, "zhang", entry["id"], "return").status_code == 400  # a no asks for a reason
    returned = entry_act(api_for, "zhang", entry["id"], "return", note="请补充发言要点")
    assert returned.json()["status"] == "returned"
    assert Notification.objects.filter(kind="duty_entry_returned", user=users["yang"]).exists()

    bad = entry_act(
        api_for, "yang", entry["id"], "resubmit", occurred_on=(TODAY + datetime.timedelta(days=3)).isoformat()
    )
    assert bad.status_code == 400 and "occurred_on" in bad.json()
    again = entry_act(api_for, "yang", entry["id"], "resubmit", text="建议加大农村供水投入，补齐管网短板。")
    assert again.json()["status"] == "submitted" and again.json()["text"].endswith("短板。")

    assert entry_act(api_for, "yang", entry["id"], "confirm").status_code == 403  # not hers to confirm
    confirmed = entry_act(api_for, "zhang", entry["id"], "confirm", public=True)
    assert confirmed.json()["status"] == "confirmed"
    assert records_of(yang) == [("deliberation_speech", "huaxi", True)]


def test_reporting_is_for_deputies_who_sit_here(api_for):
    assert report(api_for, "zhang").status_code == 403
    assert report(api_for, "ma", "honghuagang").status_code == 403
    assert report(api_for, None).status_code == 401
    bad = report(api_for, kind="banquet", title="")
    assert bad.status_code == 400 and {"kind", "title"} <= set(bad.json())


def test_the_office_records_a_session_speech_at_once(api_for):
    luo = deputy("罗国华")
    recorded = api_for("zhang", "huaxi").post(
        "/api/v1/duty/entries/", {**ENTRY, "deputy": luo.pk, "kind": "session_attendance"}, format="json"
    )
    assert recorded.status_code == 201 and recorded.json()["status"] == "confirmed"
    assert records_of(luo) == [("session_attendance", "huaxi", True)]
    outsider = api_for("zhang", "huaxi").post(
        "/api/v1/duty/entries/", {**ENTRY, "deputy": deputy("田芳").pk}, format="json"
    )
    assert outsider.status_code == 400 and "deputy" in outsider.json()


def _two_tier_year(api_for):
    """Yang: a speech confirmed in Huaxi (public), one recorded in Qingyan (not public), leave at a Huaxi activity."""
    entry = report(api_for).json()
    entry_act(api_for, "zhang", entry["id"], "confirm", public=True)
    api_for("zhou", "qingyan").post(
        "/api/v1/duty/entries/",
        {**ENTRY, "deputy": deputy("杨秀英").pk, "kind": "constituent_visit", "public": False},
        format="json",
    )
    activity = make_activity(api_for, invite=[deputy("杨秀英").pk], publish=True)
    mine = api_for("yang", "huaxi").get(f"/api/v1/duty/activities/{activity['id']}/").json()["mine"]
    api_for("yang", "huaxi").post(
        f"/api/v1/duty/activities/{activity['id']}/invitations/{mine['id']}/transition/",
        {"action": "ask_leave", "note": "住院"},
        format="json",
    )
    api_for("zhang", "huaxi").post(
        f"/api/v1/duty/activities/{activity['id']}/invitations/{mine['id']}/transition/",
        {"action": "grant_leave"},
        format="json",
    )


def test_one_ledger_across_tiers_full_for_her_and_the_offices_published_for_the_rest(api_for):
    _two_tier_year(api_for)
    yang = deputy("杨秀英")
    url = f"/api/v1/duty/ledger/{yang.pk}/?year={TODAY.year}"
    full = api_for("yang", "qingyan").get(url).json()
    assert full["complete"] and full["total"] == 3
    assert {r["congress"] for r in full["records"]} == {"贵阳市花溪区人民代表大会", "花溪区青岩镇人民代表大会"}
    assert {c["kind"]: c["count"] for c in full["counts"]} == {
        "activity_leave": 1,
        "deliberation_speech": 1,
        "constituent_visit": 1,
    }
    assert sum(full["by_month"]) == 3
    assert api_for("zhou", "qingyan").get(url).json()["total"] == 3  # the office of a congress where she sits
    for persona in (None, "wu", "sun", "liu"):
        public = api_for(persona, "huaxi").get(url).json()
        assert not public["complete"] and [r["kind"] for r in public["records"]] == ["deliberation_speech"]
    # A congress where she does not sit shows nothing of her, even to its office.
    assert api_for("ma", "honghuagang").get(url).status_code == 404


def test_the_ledger_costs_one_query_whatever_the_seats_and_records(api_for, django_assert_num_queries):
    _two_tier_year(api_for)
    yang = deputy("杨秀英")
    with django_assert_num_queries(1):
        data = ledgers.ledger(yang, TODAY.year, public_only=False)
        assert data.total == 3 and len(data.seats) == 3 and data.congress_names


def test_the_ledger_page_pdf_and_xlsx(api_for, client_for):
    _two_tier_year(api_for)
    yang = deputy("杨秀英")
    page = client_for("yang", "huaxi").get(f"/duty/deputies/{yang.pk}/ledger/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "审议发言" in body and "青岩镇" in body
    pdf = client_for("zhang", "huaxi").get(f"/duty/deputies/{yang.pk}/ledger.pdf?year={TODAY.year}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sheet = client_for(None, "huaxi").get(f"/duty/deputies/{yang.pk}/ledger.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == ENTRY["title"]  # the public sees the published row only


def test_the_office_prints_every_ledger_of_the_year_in_one_job(api_for, client_for, users, congresses):
    _two_tier_year(api_for)
    queued = api_for("zhang", "huaxi").post("/api/v1/duty/prints/", {"year": TODAY.year}, format="json")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    assert run_queued_jobs("duty.print_ledgers") == 1
    done = api_for("zhang", "huaxi").get(f"/api/v1/duty/prints/{queued.json()['id']}/").json()
    assert done["status"] == "done" and done["percent"] == 100 and done["total"] == done["done"] == 2
    page = client_for("zhang", "huaxi").get(f"/duty/prints/{done['id']}/")
    assert page.status_code == 200 and "<progress" in page.content.decode()
    pdf = client_for("zhang", "huaxi").get(f"/duty/prints/{done['id']}/file/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert Notification.objects.filter(kind="duty_print_done", user=users["zhang"]).exists()
    assert api_for("yang", "huaxi").post("/api/v1/duty/prints/", {"year": TODAY.year}, format="json").status_code == 403
    assert api_for("zhang", "huaxi").post("/api/v1/duty/prints/", {"year": 1900}, format="json").status_code == 400


def test_a_suggestion_led_reaches_the_ledger_and_leaves_it_when_withdrawn(world):
    from shared_apps.ledger.models import DutyRecord as Row

    with world.huaxi:
        item = world.drive("submitted")
    ref = f"suggestion:{item.pk}:lead"
    row = Row.objects.get(source_ref=ref)
    assert (row.kind, row.deputy.name, row.public, row.category) == ("suggestion_led", "杨秀英", False, "建议")
    with world.huaxi:
        world.act(item, "yang", "withdraw")
    assert not Row.objects.filter(source_ref=ref).exists()


def test_rebuild_restores_what_was_lost(api_for, congresses):
    from django.core.management import call_command

    _two_tier_year(api_for)
    before = sorted(DutyRecord.objects.values_list("deputy_id", "congress_id", "source_ref", "kind", "public"))
    DutyRecord.objects.all().delete()
    call_command("rebuild_read_models", "huaxi", "qingyan")
    after = sorted(DutyRecord.objects.values_list("deputy_id", "congress_id", "source_ref", "kind", "public"))
    assert after == before


def test_the_dashboard_counts_each_deputy_and_filters(api_for, client_for, django_assert_max_num_queries):
    from tenant_apps.duty import dashboard

    _two_tier_year(api_for)
    luo = deputy("罗国华")
    activity = make_activity(api_for, invite=[luo.pk], publish=True)
    mine = api_for("zhang", "huaxi").get(f"/api/v1/duty/activities/{activity['id']}/").json()["invitations"][0]
    api_for("zhang", "huaxi").post(
        f"/api/v1/duty/activities/{activity['id']}/invitations/{mine['id']}/transition/",
        {"action": "confirm_attendance"},
        format="json",
    )
    page = client_for("zhang", "huaxi").get(f"/duty/dashboard/?year={TODAY.year}")
    assert page.status_code == 200
    from tenants.models import Congress

    huaxi = Congress.objects.get(subdomain="huaxi")
    # One query per source, and one per tier below to find the congresses (a county: three).
    with huaxi, django_assert_max_num_queries(10):
        rows = {r.name: r for r in dashboard.dashboard(huaxi, dashboard.Filters(year=TODAY.year))}
    assert rows["罗国华"].attendance_rate == 1.0 and rows["罗国华"].counts["activity_attended"] == 1
    assert rows["杨秀英"].total == 3 and rows["杨秀英"].attendance_rate is None  # excused: not expected
    with huaxi:
        townships = dashboard.dashboard(huaxi, dashboard.Filters(year=TODAY.year, tier="township"))
    assert [r.name for r in townships] == ["杨秀英"]
    sheet = client_for("zhang", "huaxi").get(f"/duty/dashboard/?year={TODAY.year}&format=xlsx")
    rows_xlsx = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows_xlsx[0][0] == "代表" and {r[0] for r in rows_xlsx[1:]} >= {"杨秀英", "罗国华"}
    for persona in (None, "yang", "ma", "wu", "sun"):
        assert client_for(persona, "huaxi").get("/duty/dashboard/").status_code in (302, 403)


def test_an_office_where_the_deputy_no_longer_sits_sees_only_what_was_published(api_for):
    from shared_apps.registry.models import Seat

    _two_tier_year(api_for)
    yang = deputy("杨秀英")
    url = f"/api/v1/duty/ledger/{yang.pk}/?year={TODAY.year}"
    assert api_for("zhou", "qingyan").get(url).json()["complete"]
    Seat.objects.filter(deputy=yang, congress__subdomain="qingyan").update(status="resigned")
    once = api_for("zhou", "qingyan").get(url).json()
    assert not once["complete"] and {r["kind"] for r in once["records"]} == {"deliberation_speech"}
