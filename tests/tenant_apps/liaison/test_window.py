"""The interaction window (互动之窗) and the figures: the public reads approved messages with their replies
(never a mobile, anonymity honoured), the office reads figures with known numbers, and the congresses above
read the roll-up from the public read model."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.exchange.models import LiaisonFigure
from shared_apps.memberships.services import membership_grant
from shared_apps.registry import crypto
from shared_apps.registry.models import Deputy
from tenant_apps.groups.models import Studio, StudioDuty
from tenant_apps.liaison import figures
from tenant_apps.liaison.models import MessageStatus, PublicMessage, Station

MOBILE = "13912345678"
_codes = itertools.count(1)
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def message(congress, *, created=None, replied_days=None, approved=False, **fields) -> PublicMessage:
    """A message written straight into the congress's schema, as the message services would leave it."""
    created = created or timezone.now()
    defaults = {
        "tracking_code": f"T{next(_codes):09d}",
        "category": "problem",
        "text": "村口的路灯坏了两个月。",
        "sender_name": "张三丰",
        "sender_mobile_encrypted": crypto.encrypt(MOBILE),
        "mobile_hash": crypto.lookup_hash(MOBILE),
        "mobile_last4": MOBILE[-4:],
        "is_anonymous": False,
        "client_hash": crypto.lookup_hash("203.0.113.9"),
        "text_hash": crypto.lookup_hash(fields.get("text", "路灯")),
    }
    if replied_days is not None:
        defaults.update(
            status=MessageStatus.REPLIED,
            reply_text="已联系供电所，本周修复。（私下答复）",
            replied_at=created + datetime.timedelta(days=replied_days),
        )
    if approved:
        defaults.update(public_reply_text="路灯已于本周修复。", public_approved_at=created + datetime.timedelta(days=3))
    with schema_context(congress.schema_name):
        row = PublicMessage.objects.create(**{**defaults, **fields})
        PublicMessage.objects.filter(pk=row.pk).update(created_at=created)
        row.refresh_from_db()
        return row


def online(congress) -> Station:
    with schema_context(congress.schema_name):
        return Station.objects.get(code="online")


@pytest.fixture
def deputies(db) -> dict[str, Deputy]:
    return {d.name: d for d in Deputy.objects.all()}


# -- the window ---------------------------------------------------------------------------------------------


def test_the_window_shows_approved_messages_only_with_the_public_reply(client_for, api_for, congresses, deputies):
    huaxi, luo = congresses["huaxi"], deputies["罗国华"]
    station = online(huaxi)
    shown = message(huaxi, station=station, replied_days=2, approved=True, text="路灯坏了")
    message(huaxi, station=station, replied_days=2, approved=True, text="垃圾没人清运", is_anonymous=True)
    message(huaxi, station=station, replied_days=1, text="尚未批准公开的留言")
    message(huaxi, station=station, approved=True, status=MessageStatus.HELD, text="刷屏留言")
    message(huaxi, station=station, approved=True, status=MessageStatus.DISCARDED, text="广告留言")
    message(huaxi, deputy=luo, replied_days=5, approved=True, text="给罗代表的留言", sender_name="李四")

    html = client_for(None, "huaxi").get("/liaison/window/").content.decode()
    assert "路灯坏了" in html and "垃圾没人清运" in html and "给罗代表的留言" in html
    assert "路灯已于本周修复" in html  # the approved public reply
    assert "张**" in html and "李**" in html and "匿名" in html  # masked name; anonymity honoured
    for hidden in ("尚未批准公开的留言", "刷屏留言", "广告留言", "私下答复", "张三丰", "李四", shown.tracking_code):
        assert hidden not in html
    # SECURITY: never the mobile, not even the four digits that unlock the tracker.
    assert MOBILE not in html and MOBILE[-4:] not in html

    station_page = client_for(None, "huaxi").get("/liaison/s/online/").content.decode()
    assert "路灯坏了" in station_page and "给罗代表的留言" not in station_page

    api = api_for(None, "huaxi").get("/api/v1/liaison/window/").json()
    assert api["count"] == 3
    assert {r["sender"] for r in api["results"]} == {"张**", "李**", "匿名"}
    assert MOBILE[-4:] not in str(api) and "mobile" not in str(api) and "tracking" not in str(api)
    by_station = api_for(None, "huaxi").get("/api/v1/liaison/window/?station=online").json()
    assert by_station["count"] == 2
    assert api_for(None, "huaxi").get("/api/v1/liaison/window/?station=nowhere").status_code == 404
    by_deputy = api_for(None, "huaxi").get(f"/api/v1/liaison/window/?deputy={luo.pk}").json()
    assert [r["text"] for r in by_deputy["results"]] == ["给罗代表的留言"]
    # Another congress's window shows none of Huaxi's messages.
    assert api_for(None, "qingyan").get("/api/v1/liaison/window/").json()["count"] == 0


def test_the_window_is_paginated(client_for, api_for, congresses):
    huaxi = congresses["huaxi"]
    for n in range(23):
        message(huaxi, station=online(huaxi), approved=True, replied_days=1, text=f"第{n}号留言")
    first = client_for(None, "huaxi").get("/liaison/window/").content.decode()
    assert "第 1 / 2 页" in first and "下一页" in first
    second = api_for(None, "huaxi").get("/api/v1/liaison/window/?page=2").json()
    assert second["count"] == 23 and second["pages"] == 2 and len(second["results"]) == 3


def test_a_deputy_page_shows_public_facts_figures_and_messages(client_for, api_for, congresses, deputies):
    huaxi, luo = congresses["huaxi"], deputies["罗国华"]
    message(huaxi, deputy=luo, created=at(2025, 3, 1), replied_days=2, approved=True, text="第一条")
    message(huaxi, deputy=luo, created=at(2025, 3, 2), replied_days=4, text="第二条")
    message(huaxi, deputy=luo, created=at(2025, 3, 3), replied_days=9, text="第三条")
    message(huaxi, deputy=luo, created=at(2025, 3, 4), text="第四条")

    page = client_for(None, "huaxi").get(f"/liaison/d/{luo.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "罗国华" in html and "第一条" in html and "第二条" not in html
    assert "4.0 天" in html  # the median of 2, 4 and 9 days
    assert f'href="/liaison/d/{luo.pk}/message/"' in html
    for secret in (luo.mobile_masked, luo.id_number_masked, "13985067890"):
        assert secret not in html
    data = api_for(None, "huaxi").get(f"/api/v1/liaison/d/{luo.pk}/").json()
    assert data["figures"]["received"] == 4 and data["figures"]["answered"] == 3
    assert data["figures"]["median_days_to_answer"] == 4.0 and data["figures"]["average_days_to_answer"] == 5.0
    assert data["window"]["count"] == 1 and data["tier"] == "县级"
    # Tian serves in Honghuagang only: no page on Huaxi's host.
    assert client_for(None, "huaxi").get(f"/liaison/d/{deputies['田芳'].pk}/").status_code == 404
    assert api_for(None, "huaxi").get(f"/api/v1/liaison/d/{deputies['田芳'].pk}/").status_code == 404


def test_a_deputy_page_counts_the_station_messages_she_answered(client_for, api_for, congresses, deputies, users):
    """A message to a station, answered by the deputy on duty, is hers too: not "0" right after she replied."""
    huaxi, yang = congresses["huaxi"], deputies["杨秀英"]
    message(huaxi, station=online(huaxi), replied_days=1, approved=True, replied_by=users["yang"], text="她答复的留言")
    message(huaxi, station=online(huaxi), replied_days=1, approved=True, text="别人答复的留言")
    data = api_for(None, "huaxi").get(f"/api/v1/liaison/d/{yang.pk}/").json()
    assert data["figures"]["received"] == 1 and data["figures"]["answered"] == 1
    assert [r["text"] for r in data["window"]["results"]] == ["她答复的留言"]
    html = client_for(None, "huaxi").get(f"/liaison/d/{yang.pk}/").content.decode()
    assert "她答复的留言" in html and "别人答复的留言" not in html


def test_a_studio_page_lists_messages_to_its_deputies(client_for, api_for, congresses, deputies):
    huaxi, luo, yang = congresses["huaxi"], deputies["罗国华"], deputies["杨秀英"]
    with schema_context(huaxi.schema_name):
        studio = Studio.objects.create(name="石板镇代表工作室", address="石板镇政府一楼")
        StudioDuty.objects.create(studio=studio, deputy=luo, weekday_or_date="每周三")
    message(huaxi, deputy=luo, approved=True, replied_days=1, text="写给工作室代表的留言")
    message(huaxi, deputy=yang, approved=True, replied_days=1, text="写给别的代表的留言")
    html = client_for(None, "huaxi").get(f"/liaison/studios/{studio.pk}/").content.decode()
    assert "石板镇代表工作室" in html and "写给工作室代表的留言" in html and "写给别的代表的留言" not in html
    data = api_for(None, "huaxi").get(f"/api/v1/liaison/window/?studio={studio.pk}").json()
    assert [r["text"] for r in data["results"]] == ["写给工作室代表的留言"]
    assert client_for(None, "huaxi").get("/liaison/studios/999999/").status_code == 404
    assert api_for(None, "huaxi").get("/api/v1/liaison/window/?studio=999999").status_code == 404


# -- the figures ----------------------------------------------------------------------------------------


@pytest.fixture
def year_2025(congresses, deputies):
    """Huaxi's 2025: at the station, answers after 1, 2 and 6 days, one unanswered, one forwarded, one
    escalated; one held and one discarded (not counted); to Luo directly, an answer after 10 days; and one
    message of 2024."""
    huaxi, luo = congresses["huaxi"], deputies["罗国华"]
    with schema_context(huaxi.schema_name):
        station = Station.objects.create(name="石板镇代表联络站", code="shiban")
        from tenant_apps.units.models import HandlingUnit

        unit = HandlingUnit.objects.create(name="花溪区交通运输局")
    message(huaxi, station=station, created=at(2025, 1, 10), replied_days=1)
    message(huaxi, station=station, created=at(2025, 2, 10), replied_days=2, forwarded_unit=unit)
    message(huaxi, station=station, created=at(2025, 3, 10), replied_days=6)
    message(
        huaxi,
        station=station,
        created=at(2025, 4, 10),
        status=MessageStatus.ESCALATED,
        escalated_transfer_id="6b1f7d4e-0000-4000-8000-000000000001",
    )
    message(huaxi, station=station, created=at(2025, 5, 10), status=MessageStatus.HELD)
    message(huaxi, station=station, created=at(2025, 5, 11), status=MessageStatus.DISCARDED)
    message(huaxi, deputy=luo, created=at(2025, 6, 1), replied_days=10)
    message(huaxi, deputy=luo, created=at(2024, 12, 31), replied_days=3)
    return station


def test_figures_with_known_numbers(api_for, client_for, congresses, year_2025, deputies):
    response = api_for("zhang", "huaxi").get("/api/v1/liaison/figures/?year=2025")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == {
        "received": 5,
        "answered": 4,
        "forwarded": 1,
        "escalated": 1,
        "answer_rate": 0.8,
        "median_days_to_answer": 4.0,  # of 1, 2, 6 and 10
        "average_days_to_answer": 4.8,
    }
    by_station = {s["code"]: s for s in data["stations"]}
    assert by_station["shiban"]["received"] == 4 and by_station["shiban"]["answered"] == 3
    assert (
        by_station["shiban"]["median_days_to_answer"] == 2.0 and by_station["shiban"]["average_days_to_answer"] == 3.0
    )
    assert by_station["online"]["received"] == 0
    assert [(d["name"], d["received"], d["median_days_to_answer"]) for d in data["deputies"]] == [("罗国华", 1, 10.0)]

    ranged = api_for("zhang", "huaxi").get("/api/v1/liaison/figures/?date_from=2024-12-01&date_to=2025-01-31").json()
    assert ranged["total"]["received"] == 2 and ranged["total"]["median_days_to_answer"] == 2.0

    html = client_for("li", "huaxi").get("/liaison/figures/?year=2025").content.decode()
    assert "石板镇代表联络站" in html and "罗国华" in html and "4.8" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("year=1999", "year"),
        ("date_from=2025-13-01&date_to=2025-12-31", "date_from"),
        ("date_from=2025-06-01&date_to=2025-01-01", "date_to"),
        ("date_from=2020-01-01&date_to=2025-01-01", "date_to"),
    ],
)
def test_a_bad_period_is_refused_with_the_reason(api_for, client_for, congresses, query, field):
    response = api_for("zhang", "huaxi").get(f"/api/v1/liaison/figures/?{query}")
    assert response.status_code == 400 and field in response.json()
    page = client_for("zhang", "huaxi").get(f"/liaison/figures/?{query}")
    assert page.status_code == 200 and "errorlist" in page.content.decode()


@pytest.mark.parametrize("persona", ["yang", "liu", "chen", "ma", "zhou", "wu", None])
def test_only_the_office_and_journalists_read_the_figures(api_for, client_for, congresses, persona):
    for path in ("figures/", "figures/rollup/"):
        assert api_for(persona, "huaxi").get(f"/api/v1/liaison/{path}").status_code in (401, 403)
        assert client_for(persona, "huaxi").get(f"/liaison/{path}").status_code in (302, 403)


def test_a_journalist_accredited_here_reads_the_figures_read_only(api_for, client_for, congresses):
    """Sun is accredited with Huaxi: the aggregate figures (no sender, no text) are his to report."""
    for path in ("figures/", "figures/rollup/"):
        assert api_for("sun", "huaxi").get(f"/api/v1/liaison/{path}").status_code == 200
        assert client_for("sun", "huaxi").get(f"/liaison/{path}").status_code == 200
        assert client_for("sun", "qingyan").get(f"/liaison/{path}").status_code == 403  # not elsewhere
    assert api_for("sun", "huaxi").get("/api/v1/liaison/inbox/").status_code == 403  # no message itself


def test_refreshing_the_public_figures_is_one_aggregate_and_one_upsert(congresses, year_2025):
    huaxi = congresses["huaxi"]
    with schema_context(huaxi.schema_name), CaptureQueriesContext(connection) as captured:
        figures.refresh_public_figures(huaxi)
    # django-tenants sets the search path on each cursor; the work itself is two statements.
    work = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(work) == 2 and work[0].startswith("SELECT") and work[1].startswith("INSERT")
    stored = {f.year: f for f in LiaisonFigure.objects.filter(congress=huaxi)}
    assert set(stored) == {2024, 2025}
    f = stored[2025]
    assert (f.received, f.answered, f.forwarded, f.escalated) == (5, 4, 1, 1)
    assert f.answer_days_total == pytest.approx(19.0) and f.answer_days_median == pytest.approx(4.0)
    # A later change is picked up by the next refresh (the upsert, no duplicate rows).
    message(huaxi, station=year_2025, created=at(2025, 7, 1), replied_days=2)
    with schema_context(huaxi.schema_name):
        figures.refresh_public_figures(huaxi)
    assert LiaisonFigure.objects.filter(congress=huaxi, year=2025).get().received == 6


def test_a_change_to_one_message_refreshes_only_the_year_it_arrived_in(congresses, year_2025):
    huaxi = congresses["huaxi"]
    with schema_context(huaxi.schema_name):
        figures.refresh_public_figures(huaxi)
    before_2024 = LiaisonFigure.objects.get(congress=huaxi, year=2024)
    LiaisonFigure.objects.filter(congress=huaxi).update(received=0)  # stale, to see which year is rewritten
    # Just after midnight on New Year's Day, local time (still 2024 in UTC): a 2025 message.
    newer = message(huaxi, station=year_2025, created=at(2025, 1, 1, 0), replied_days=1)
    with schema_context(huaxi.schema_name):
        figures.refresh_public_figures(huaxi, newer)
    stored = {f.year: f.received for f in LiaisonFigure.objects.filter(congress=huaxi)}
    assert stored == {2024: 0, 2025: 6}  # 2024 untouched by a 2025 message
    with schema_context(huaxi.schema_name):
        figures.refresh_public_figures(huaxi)
    assert LiaisonFigure.objects.get(congress=huaxi, year=2024).received == before_2024.received


def test_refreshing_another_congress_figures_is_refused(congresses):
    with schema_context(congresses["qingyan"].schema_name), pytest.raises(AssertionError):
        figures.refresh_public_figures(congresses["huaxi"])


def test_upper_tiers_read_the_rollup_of_the_congresses_below(api_for, client_for, congresses, users):
    huaxi, qingyan = congresses["huaxi"], congresses["qingyan"]
    message(qingyan, station=online(qingyan), created=at(2025, 5, 1), replied_days=3)
    message(qingyan, station=online(qingyan), created=at(2025, 5, 2))
    message(huaxi, station=online(huaxi), created=at(2025, 5, 3), replied_days=1)
    for congress in (qingyan, huaxi):
        with schema_context(congress.schema_name):
            figures.refresh_public_figures(congress)

    rows = api_for("zhang", "huaxi").get("/api/v1/liaison/figures/rollup/?year=2025").json()
    assert [(c["name"], c["received"], c["answered"], c["median_days_to_answer"]) for c in rows["congresses"]] == [
        (qingyan.name, 2, 1, 3.0)
    ]
    html = client_for("li", "huaxi").get("/liaison/figures/rollup/?year=2025").content.decode()
    assert qingyan.name in html and "3.0" in html

    # Guiyang (the city) sees Huaxi and Qingyan below it; give it an office person for the test.
    membership_grant(actor=None, user=users["wu"], congress=congresses["guiyang"], role="office_staff")
    city = api_for("wu", "guiyang").get("/api/v1/liaison/figures/rollup/?year=2025").json()
    assert [(c["name"], c["received"]) for c in city["congresses"]] == [(huaxi.name, 1), (qingyan.name, 2)]
    assert city["total"]["received"] == 3 and city["total"]["answered"] == 2
    assert city["total"]["median_days_to_answer"] is None  # medians do not add up
    assert city["total"]["average_days_to_answer"] == 2.0
    # Qingyan has nobody below it; Honghuagang's office is refused on Huaxi's host.
    assert api_for("zhou", "qingyan").get("/api/v1/liaison/figures/rollup/").json()["congresses"] == []
    assert api_for("ma", "huaxi").get("/api/v1/liaison/figures/rollup/").status_code == 403
    assert (
        api_for("ma", "honghuagang").get("/api/v1/liaison/figures/rollup/?year=2025").json()["total"]["received"] == 0
    )
