"""The working-day calendar: deadline arithmetic over holidays and make-up working weekends, the services that
keep the calendar, and every page and endpoint for every persona.

The calendars here are fictional (a three-day 测试节 in May 2030 and a make-up Saturday after it): the product ships
no holiday data, administrators enter each year's official arrangement.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for, user_is_platform_admin
from shared_apps.workdays import csvfile, services
from shared_apps.workdays.calendar import (
    MAX_WORKING_DAYS,
    WorkCalendar,
    add_months,
    add_working_days,
    deadline_after_months,
    is_working_day,
    working_days_between,
)
from shared_apps.workdays.models import CalendarDay, CalendarEvent
from tests.support.personas import PERSONAS

D = datetime.date
EVERYONE = sorted({*PERSONAS, None}, key=str)

# Tuesday 30 April 2030 is the day of receipt. Wed 1 – Fri 3 May are a fictional holiday, Sat 11 May is worked
# in exchange. Huaxi (only) also has a local holiday on Monday 13 May.
RECEIVED = D(2030, 4, 30)
PROVINCE_2030 = [
    (D(2030, 5, 1), "holiday", "测试节"),
    (D(2030, 5, 2), "holiday", "测试节"),
    (D(2030, 5, 3), "holiday", "测试节"),
    (D(2030, 5, 11), "workday", "测试节调休"),
]
HUAXI_HOLIDAY = D(2030, 5, 13)


def access_of(users, congresses, persona: str | None, subdomain: str | None) -> Access:
    """The persona's standing on a host, resolved the way the middleware does it."""
    user = users[persona] if persona else None
    congress = congresses[subdomain] if subdomain else None
    return Access(
        user=user,
        congress=congress,
        roles=roles_for(user, congress),
        is_platform_admin=user_is_platform_admin(user),
    )


@pytest.fixture
def wang(users, congresses) -> Access:
    return access_of(users, congresses, "wang", None)


@pytest.fixture
def li(users, congresses) -> Access:
    return access_of(users, congresses, "li", "huaxi")


@pytest.fixture
def calendar_2030(wang, li, congresses):
    """The fictional province-wide 2030 calendar and Huaxi's local holiday, entered through the services."""
    for date, kind, name in PROVINCE_2030:
        services.calendar_day_set(access=wang, congress_or_none=None, date=date, kind=kind, name=name)
    services.calendar_day_set(
        access=li, congress_or_none=congresses["huaxi"], date=HUAXI_HOLIDAY, kind="holiday", name="花溪测试节"
    )
    return congresses


def state():
    """Everything the calendar's pages and endpoints could change."""
    return (
        sorted(CalendarDay.objects.values_list("congress_id", "date", "kind", "name"), key=str),
        CalendarEvent.objects.count(),
    )


# --- "A deadline falling on a holiday, or across a make-up working Saturday, is computed from the calendar" ----


def test_without_a_calendar_monday_to_friday_are_working_days(db):
    assert add_working_days(None, RECEIVED, 7) == D(2030, 5, 9)
    assert not is_working_day(None, D(2030, 5, 4)) and is_working_day(None, D(2030, 5, 6))


def test_seven_working_days_skip_the_holiday_and_count_the_make_up_saturday(calendar_2030):
    qingyan = calendar_2030["qingyan"]
    # 6 7 8 9 10 May, then Saturday 11 (worked), then Monday 13.
    assert add_working_days(qingyan, RECEIVED, 7) == D(2030, 5, 13)
    assert add_working_days(None, RECEIVED, 7) == D(2030, 5, 13)
    assert is_working_day(qingyan, D(2030, 5, 11)) and not is_working_day(qingyan, D(2030, 5, 2))
    assert not is_working_day(qingyan, D(2030, 5, 12))
    assert working_days_between(qingyan, RECEIVED, D(2030, 5, 13)) == 7
    assert working_days_between(qingyan, D(2030, 5, 13), RECEIVED) == -7
    assert working_days_between(qingyan, RECEIVED, RECEIVED) == 0


def test_a_congress_holiday_applies_only_to_that_congress(calendar_2030):
    huaxi, qingyan = calendar_2030["huaxi"], calendar_2030["qingyan"]
    assert not is_working_day(huaxi, HUAXI_HOLIDAY) and is_working_day(qingyan, HUAXI_HOLIDAY)
    assert is_working_day(None, HUAXI_HOLIDAY)
    assert add_working_days(huaxi, RECEIVED, 7) == D(2030, 5, 14)
    assert add_working_days(qingyan, RECEIVED, 7) == D(2030, 5, 13)


def test_a_congress_row_overrides_the_province_row_for_its_date(calendar_2030, users):
    qingyan = calendar_2030["qingyan"]
    zhou = access_of(users, calendar_2030, "zhou", "qingyan")
    services.calendar_day_set(access=zhou, congress_or_none=qingyan, date=D(2030, 5, 11), kind="holiday", name="")
    # Qingyan's office does not work the make-up Saturday; on a province holiday it may work instead.
    services.calendar_day_set(access=zhou, congress_or_none=qingyan, date=D(2030, 5, 3), kind="workday", name="")
    assert not is_working_day(qingyan, D(2030, 5, 11)) and is_working_day(None, D(2030, 5, 11))
    assert is_working_day(qingyan, D(2030, 5, 3)) and not is_working_day(calendar_2030["huaxi"], D(2030, 5, 3))


def test_n_zero_is_the_day_itself_or_the_next_working_day(calendar_2030):
    assert add_working_days(None, D(2030, 5, 6), 0) == D(2030, 5, 6)
    assert add_working_days(None, D(2030, 5, 1), 0) == D(2030, 5, 6)
    assert add_working_days(None, D(2030, 5, 11), 0) == D(2030, 5, 11)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2030, 1, 31), 1, D(2030, 2, 28)),
        (D(2032, 1, 31), 1, D(2032, 2, 29)),
        (D(2030, 3, 31), -1, D(2030, 2, 28)),
        (D(2030, 11, 30), 3, D(2031, 2, 28)),
        (D(2030, 12, 15), 1, D(2031, 1, 15)),
        (D(2030, 8, 31), 0, D(2030, 8, 31)),
        (D(2030, 5, 31), 12, D(2031, 5, 31)),
    ],
)
def test_add_months_counts_calendar_months_clamped_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_a_months_deadline_on_a_holiday_moves_to_the_next_working_day(calendar_2030):
    qingyan = calendar_2030["qingyan"]
    # Assigned 1 February: 3 months later is Wednesday 1 May (holiday) → Monday 6 May.
    assert deadline_after_months(qingyan, D(2030, 2, 1), 3) == D(2030, 5, 6)
    # Landing on the make-up Saturday: that is a working day.
    assert deadline_after_months(qingyan, D(2030, 2, 11), 3) == D(2030, 5, 11)
    # Landing on an ordinary Sunday → Monday; on Huaxi's local holiday → the day after.
    assert deadline_after_months(qingyan, D(2030, 2, 12), 3) == D(2030, 5, 13)
    assert deadline_after_months(calendar_2030["huaxi"], D(2030, 2, 12), 3) == D(2030, 5, 14)


def test_out_of_range_input_is_refused(db):
    with pytest.raises(ValueError):
        add_working_days(None, RECEIVED, MAX_WORKING_DAYS + 1)
    with pytest.raises(ValueError):
        add_working_days(None, RECEIVED, -1)
    with pytest.raises(ValueError):
        add_months(RECEIVED, 1201)
    with pytest.raises(ValueError):
        working_days_between(None, D(2000, 1, 1), D(2099, 1, 1))
    with pytest.raises(TypeError):
        add_working_days(None, datetime.datetime(2030, 4, 30, 9), 1)


def real_queries(captured) -> int:
    return sum(not q["sql"].startswith("SET search_path") for q in captured.captured_queries)


def test_working_day_arithmetic_reads_the_calendar_once_not_per_day(calendar_2030):
    huaxi = calendar_2030["huaxi"]
    counts = []
    for n in (1, 20, 200):
        with CaptureQueriesContext(connection) as captured:
            add_working_days(huaxi, RECEIVED, n)
        counts.append(real_queries(captured))
    assert counts == [1, 1, 1]
    with CaptureQueriesContext(connection) as captured:
        assert working_days_between(huaxi, D(2030, 1, 1), D(2030, 12, 31)) > 200
        assert deadline_after_months(huaxi, D(2030, 2, 1), 3) == D(2030, 5, 6)
    assert real_queries(captured) == 2
    # Many deadlines for one congress (a list of suggestions): one calendar, one query.
    calendar = WorkCalendar(huaxi)
    with CaptureQueriesContext(connection) as captured:
        calendar.load(D(2030, 1, 1), D(2030, 12, 31))
        deadlines = [calendar.add_working_days(D(2030, 4, day), 7) for day in range(1, 31)]
    assert real_queries(captured) == 1 and deadlines[-1] == D(2030, 5, 14)


# --- services ----------------------------------------------------------------------------------------------------


def test_setting_a_day_writes_one_history_row_per_change(wang):
    day = services.calendar_day_set(access=wang, congress_or_none=None, date="2030-05-01", kind="holiday", name="")
    assert day.created_by == wang.user and day.congress is None
    services.calendar_day_set(access=wang, congress_or_none=None, date=D(2030, 5, 1), kind="holiday", name="")
    services.calendar_day_set(access=wang, congress_or_none=None, date=D(2030, 5, 1), kind="holiday", name="测试节")
    events = list(CalendarEvent.objects.filter(kind="set").order_by("id"))
    assert len(events) == 2 and events[1].data["previous"] == {"kind": "holiday", "name": ""}
    assert CalendarDay.objects.get(congress__isnull=True, date=D(2030, 5, 1)).name == "测试节"
    assert services.calendar_day_remove(access=wang, congress_or_none=None, date=D(2030, 5, 1)) is True
    assert services.calendar_day_remove(access=wang, congress_or_none=None, date=D(2030, 5, 1)) is False
    assert CalendarEvent.objects.filter(kind="removed", actor=wang.user, date=D(2030, 5, 1)).count() == 1
    assert not CalendarDay.objects.exists()


def test_one_row_per_date_and_scope_also_for_province_wide_rows(calendar_2030):
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(congress=None, date=D(2030, 5, 1), kind="holiday")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(congress=calendar_2030["huaxi"], date=HUAXI_HOLIDAY, kind="holiday")


@pytest.mark.parametrize(
    ("persona", "subdomain", "scope"),
    [
        ("li", "huaxi", None),  # a congress administrator: not the province-wide calendar
        ("zhou", "qingyan", "huaxi"),  # another congress's administrator
        ("wang", None, "huaxi"),  # the platform administrator: not a congress's own days
        ("wang", "huaxi", "huaxi"),
        ("yang", "huaxi", "huaxi"),  # a deputy
        ("liu", "huaxi", "huaxi"),  # handling-unit staff
        ("wu", None, None),
    ],
)
def test_who_may_not_change_a_calendar(users, congresses, calendar_2030, persona, subdomain, scope):
    access = access_of(users, congresses, persona, subdomain)
    target = congresses[scope] if scope else None
    before = state()
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(access=access, congress_or_none=target, date=D(2030, 6, 3), kind="holiday", name="")
    with pytest.raises(PermissionDenied):
        services.calendar_day_remove(access=access, congress_or_none=target, date=HUAXI_HOLIDAY)
    with pytest.raises(PermissionDenied):
        services.calendar_year_import(
            access=access, congress_or_none=target, year=2030, rows=[{"date": "2030-06-03", "kind": "holiday"}]
        )
    assert state() == before


def test_office_staff_keep_their_congress_days(users, congresses):
    zhang = access_of(users, congresses, "zhang", "huaxi")
    services.calendar_day_set(access=zhang, congress_or_none=congresses["huaxi"], date=D(2030, 6, 3), kind="holiday")
    assert not is_working_day(congresses["huaxi"], D(2030, 6, 3))


def test_bad_input_is_refused_by_field_and_writes_nothing(wang, li, calendar_2030):
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.calendar_day_set(access=wang, congress_or_none=None, date="2030-02-30", kind="off", name="长" * 51)
    assert set(exc.value.message_dict) == {"date", "kind", "name"}
    # A make-up working day on a Monday–Friday means nothing, province-wide or for a congress on an ordinary day.
    for access, scope in ((wang, None), (li, calendar_2030["huaxi"])):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_set(access=access, congress_or_none=scope, date=D(2030, 6, 4), kind="workday")
        assert set(exc.value.message_dict) == {"date"}
    with pytest.raises(ValidationError) as exc:
        services.calendar_day_set(access=wang, congress_or_none=None, date=D(1999, 6, 4), kind="holiday")
    assert set(exc.value.message_dict) == {"date"}
    assert state() == before


def test_a_year_import_replaces_that_year_only(wang, calendar_2030):
    services.calendar_day_set(access=wang, congress_or_none=None, date=D(2031, 1, 1), kind="holiday", name="元旦")
    rows = [
        {"date": "2030-10-01", "kind": "holiday", "name": "测试日"},
        {"date": "2030/10/12", "kind": "workday", "name": "测试日调休"},
    ]
    days = services.calendar_year_import(access=wang, congress_or_none=None, year=2030, rows=rows)
    assert len(days) == 2
    province = CalendarDay.objects.filter(congress__isnull=True).order_by("date")
    assert list(province.values_list("date", flat=True)) == [D(2030, 10, 1), D(2030, 10, 12), D(2031, 1, 1)]
    assert CalendarDay.objects.filter(congress=calendar_2030["huaxi"]).count() == 1  # Huaxi's own row stays
    event = CalendarEvent.objects.get(kind="imported")
    assert event.data == {"year": 2030, "count": 2, "replaced": 4, "source": ""} and event.actor == wang.user


def test_a_year_import_is_all_or_nothing_and_names_the_lines(wang, calendar_2030):
    before = state()
    rows = [
        {"line": 2, "date": "2030-10-01", "kind": "holiday", "name": "测试日"},
        {"line": 3, "date": "2030-10-02", "kind": "off", "name": ""},
        {"line": 4, "date": "2031-01-01", "kind": "holiday", "name": ""},
        {"line": 5, "date": "2030-10-01", "kind": "holiday", "name": ""},
        {"line": 6, "date": "2030-10-08", "kind": "workday", "name": ""},
    ]
    with pytest.raises(ValidationError) as exc:
        services.calendar_year_import(access=wang, congress_or_none=None, year=2030, rows=rows)
    messages = exc.value.message_dict["rows"]
    assert [m[:3] for m in messages] == ["第3行", "第4行", "第5行", "第6行"]
    assert "第2行" in messages[2]
    assert state() == before
    with pytest.raises(ValidationError) as exc:
        services.calendar_year_import(access=wang, congress_or_none=None, year=2030, rows=[])
    assert set(exc.value.message_dict) == {"rows"}
    assert state() == before


def test_a_congress_import_may_work_on_a_province_holiday(li, calendar_2030):
    huaxi = calendar_2030["huaxi"]
    rows = [{"date": "2030-05-03", "kind": "workday", "name": "花溪不放"}, {"date": "2030-07-01", "kind": "holiday"}]
    services.calendar_year_import(access=li, congress_or_none=huaxi, year=2030, rows=rows)
    assert is_working_day(huaxi, D(2030, 5, 3)) and not is_working_day(huaxi, D(2030, 7, 1))
    assert is_working_day(huaxi, HUAXI_HOLIDAY)  # the earlier local holiday was replaced


# --- the CSV format and the command -------------------------------------------------------------------------------

CSV_LINES = ["\ufeffdate,kind,name", "2030-05-01,holiday,测试节", "2030-05-02,放假,测试节", ""]
CSV_LINES += ["2030-05-03,休,测试节", "2030-05-11,班,测试节调休"]
CSV_2030 = "\n".join(CSV_LINES) + "\n"


def test_the_csv_format_takes_a_header_a_bom_and_the_announcement_words():
    rows = csvfile.parse_rows(csvfile.decode(CSV_2030.encode()))
    assert [(r["line"], r["kind"]) for r in rows] == [(2, "holiday"), (3, "holiday"), (5, "holiday"), (6, "workday")]
    with pytest.raises(ValidationError) as exc:
        csvfile.parse_rows("2030-05-01\n2030-05-02,holiday,a,b\n")
    assert [m[:3] for m in exc.value.message_dict["rows"]] == ["第1行", "第2行"]
    with pytest.raises(ValidationError):
        csvfile.decode("日期".encode("gbk"))


def test_import_calendar_command(db, tmp_path):
    good = tmp_path / "2030.csv"
    good.write_text(CSV_2030, encoding="utf-8")
    call_command("import_calendar", "--year", "2030", str(good), verbosity=0)
    assert add_working_days(None, RECEIVED, 7) == D(2030, 5, 13)
    assert CalendarEvent.objects.get(kind="imported").data["source"].startswith("cli:")
    before = state()
    bad = tmp_path / "bad.csv"
    bad.write_text("2030-05-01,holiday,测试节\n2030-05-07,workday,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        call_command("import_calendar", "--year", "2030", str(bad), verbosity=0)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_calendar", "--year", "2030", str(tmp_path / "missing.csv"), verbosity=0)
    assert state() == before


# --- pages and endpoints, persona by persona ------------------------------------------------------------------------

CALENDAR_MANAGERS = {None: {"wang"}, "huaxi": {"li", "zhang"}, "qingyan": {"zhou"}}
PAGE_PATHS = {None: "/console/calendar/", "huaxi": "/calendar/", "qingyan": "/calendar/"}
NEW_DAY = {"date": "2030-06-03", "kind": "holiday", "name": "测试日"}


def refused_status(persona, *, api: bool) -> int:
    if persona is None:
        return 401 if api else 302
    return 403


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("host", [None, "huaxi", "qingyan"])
def test_calendar_api_matrix(api_for, calendar_2030, persona, host):
    client = api_for(persona, host)
    allowed = persona in CALENDAR_MANAGERS[host]
    before = state()
    responses = [
        client.get("/api/v1/calendar/?year=2030"),
        client.post("/api/v1/calendar/", NEW_DAY, format="json"),
        client.delete("/api/v1/calendar/?date=2030-06-03"),
    ]
    if allowed:
        assert [r.status_code for r in responses] == [200, 200, 204]
        assert state()[0] == before[0] and state()[1] == before[1] + 2
    else:
        assert {r.status_code for r in responses} == {refused_status(persona, api=True)}
        assert state() == before


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("host", [None, "huaxi", "qingyan"])
def test_calendar_pages_matrix(client_for, calendar_2030, persona, host):
    client = client_for(persona, host)
    path = PAGE_PATHS[host]
    allowed = persona in CALENDAR_MANAGERS[host]
    before = state()
    upload = SimpleUploadedFile("2030.csv", CSV_2030.encode(), content_type="text/csv")
    responses = [
        client.get(f"{path}?year=2030"),
        client.post(path, NEW_DAY),
        client.post(f"{path}remove/", {"date": "2030-06-03"}),
        client.post(f"{path}import/", {"year": "2030", "file": upload}),
    ]
    if allowed:
        assert [r.status_code for r in responses] == [200, 302, 302, 302]
        assert CalendarEvent.objects.filter(kind="imported").count() == 1
    else:
        assert {r.status_code for r in responses} == {refused_status(persona, api=False)}
        assert state() == before


def test_the_province_console_lists_the_year(client_for, calendar_2030):
    html = client_for("wang").get("/console/calendar/?year=2030").content.decode()
    assert "2030-05-11" in html and "测试节调休" in html and "花溪测试节" not in html


def test_a_congress_page_shows_its_days_and_the_province_days(client_for, calendar_2030):
    html = client_for("li", "huaxi").get("/calendar/?year=2030").content.decode()
    assert "花溪测试节" in html and "测试节调休" in html
    assert "花溪测试节" not in client_for("zhou", "qingyan").get("/calendar/?year=2030").content.decode()


def test_the_congress_api_returns_the_days_in_force(api_for, calendar_2030):
    body = api_for("zhang", "huaxi").get("/api/v1/calendar/?year=2030").json()
    assert [d["date"] for d in body["days"]] == ["2030-05-13"]
    assert len(body["province"]) == 4
    assert [(d["date"], d["scope"]) for d in body["effective"]][-2:] == [
        ("2030-05-11", "province"),
        ("2030-05-13", "congress"),
    ]
    assert api_for("wang").get("/api/v1/calendar/?year=2030").json()["days"][0] == {
        "date": "2030-05-01",
        "kind": "holiday",
        "name": "测试节",
        "scope": "province",
    }


def test_the_api_refuses_bad_input_by_field(api_for, calendar_2030):
    client = api_for("wang")
    before = state()
    response = client.post("/api/v1/calendar/", {"date": "2030-13-01", "kind": "off", "name": "长" * 51}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"date", "kind", "name"}
    response = client.post("/api/v1/calendar/", {"date": "2030-06-04", "kind": "workday"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"date"}
    assert client.delete("/api/v1/calendar/?date=junk").status_code == 400
    assert client.delete("/api/v1/calendar/?date=2030-06-04").status_code == 404
    assert client.delete("/api/v1/calendar/", {"date": "2030-05-01"}, format="json").status_code == 204
    assert state()[0] == [row for row in before[0] if row[:2] != (None, D(2030, 5, 1))]


def test_a_bad_upload_changes_nothing_and_says_which_line(client_for, calendar_2030):
    before = state()
    upload = SimpleUploadedFile("2030.csv", b"2030-05-01,holiday,\n2030-05-07,workday,\n", content_type="text/csv")
    response = client_for("wang").post("/console/calendar/import/", {"year": "2030", "file": upload})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    response = client_for("li", "huaxi").post("/calendar/", {"date": "2030-06-04", "kind": "workday"})
    assert response.status_code == 400
    assert state() == before
