"""Roster headings as offices write them (issue finding 11): the accepted variants of each column, columns the
registry does not hold shown as ignored (never refused), two columns for one field, a missing required column
refused with its accepted headings, and 出生年月. Through the service, the API and the pages."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from shared_apps.registry import exports, identifiers, roster, selectors
from shared_apps.registry.models import Deputy, Seat
from shared_apps.registry.roster_columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    match_heading,
    normalise_heading,
    read_headings,
)
from tests.support.factories import access_for
from tests.support.registry import HEADERS, PLACES, person, person_id, upload, xlsx

pytestmark = pytest.mark.usefixtures("private_storage")

# A county office's own roster: its headings, two columns the registry does not hold, 序号 (skipped silently).
OFFICE_HEADERS = [
    "序号",
    "姓　名",  # a full-width space, as offices align two-character headings
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "公民身份号码",
    "文化程度",
    "籍贯",
    "联系电话",
    "工作单位",
    "选区名称（必填）",
]
OFFICE_COLUMNS = {  # heading → the template's column it fills
    "姓　名": "姓名",
    "性别": "性别",
    "民族": "民族",
    "出生年月": "出生日期",
    "政治面貌": "党派",
    "公民身份号码": "身份证号码",
    "联系电话": "手机号码",
    "工作单位": "工作单位及职务",
    "选区名称（必填）": "选区",
}


def office_row(n: int, **changes) -> dict:
    born = identifiers.birth_date_from_id(person_id(n))
    row = {
        "序号": n + 1,
        "姓　名": f"代表{n:04d}",
        "民族": "苗族",
        "出生年月": f"{born:%Y.%m}",
        "政治面貌": "中共党员",
        "公民身份号码": person_id(n),
        "文化程度": "大学本科",
        "籍贯": "贵州贵阳",
        "联系电话": f"139{n:08d}",
        "工作单位": f"花溪区第{n}中学校长",
        "选区名称（必填）": PLACES[n % len(PLACES)],
    }
    row.update(changes)
    return row


def office_roster(count: int = 20) -> bytes:
    return xlsx([office_row(n) for n in range(count)], OFFICE_HEADERS)


def zhang(users, congresses):
    return access_for(users["zhang"], congresses["huaxi"])


def counts() -> dict:
    return {"deputies": Deputy.objects.count(), "seats": Seat.objects.count()}


def assert_imported_in_office_words(count: int) -> None:
    deputy = selectors.deputy_find(person_id(7))
    assert deputy is not None and deputy.name == "代表0007"
    assert (deputy.party, deputy.ethnicity, deputy.work_unit) == ("中共党员", "苗族", "花溪区第7中学校长")
    assert deputy.reveal_mobile() == "13900000007"
    # 出生年月 gives the month; the ID number, in that month, gives the day.
    assert deputy.date_of_birth == identifiers.birth_date_from_id(person_id(7))
    seat = Seat.objects.select_related("constituency").get(deputy=deputy)
    assert seat.constituency.name == PLACES[7 % len(PLACES)]
    assert Seat.objects.filter(deputy__in=[selectors.deputy_find(person_id(n)) for n in range(count)]).count() == count


# --- matching headings (no database) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("政治面貌", "政治面貌"),
        (" 姓　名 ", "姓名"),  # spaces, full-width too
        ("身份证号码*", "身份证号码"),
        ("＊选区", "选区"),
        ("出生年月：", "出生年月"),
        ("手机号码（必填）", "手机号码"),
        ("党派(政治面貌)", "党派"),
        ("选区【选举单位】", "选区"),
        ("（身份证号）", "身份证号"),  # nothing outside the brackets: the bracketed word is the heading
        ("出生\n年月", "出生年月"),  # a heading wrapped in its cell
        ("Email", "email"),
        (None, ""),
    ],
)
def test_headings_are_compared_without_marks_notes_and_case(written, normalised):
    assert normalise_heading(written) == normalised


@pytest.mark.parametrize(
    ("heading", "key"),
    [(heading, column.key) for column in COLUMNS for heading in column.headings]
    + [
        ("姓 名*", "name"),
        ("身份证号（18位）", "id_number"),
        ("身份证号/公民身份号码", "id_number"),
        ("党派/政治面貌", "party"),
        ("党派（政治面貌）", "party"),
        ("政治面貌（党派）", "party"),
        ("手机、联系电话", "mobile"),
        ("联系电话（手机）", "mobile"),
        ("出生年月日", "date_of_birth"),
        ("选区/选举单位", "constituency"),
        ("工作单位及职务（职称）", "work_unit"),
    ],
)
def test_every_accepted_heading_names_its_column(heading, key):
    match = match_heading(heading)
    assert match is not None and match[0].key == key


@pytest.mark.parametrize("heading", ["文化程度", "籍贯", "备注", "姓名/性别", "职务", "办公电话", "学历学位"])
def test_other_headings_name_no_column(heading):
    assert match_heading(heading) is None


def test_the_brief_s_variants_are_accepted():
    expected = {
        "name": ["姓名"],
        "gender": ["性别"],
        "ethnicity": ["民族"],
        "date_of_birth": ["出生日期", "出生年月", "出生年月日", "生日"],
        "party": ["党派", "政治面貌", "党派（政治面貌）"],
        "id_number": ["身份证号", "身份证号码", "公民身份号码", "身份证"],
        "mobile": ["手机", "手机号", "手机号码", "联系电话", "联系方式", "电话"],
    }
    for key, headings in expected.items():
        assert [match_heading(h)[0].key for h in headings] == [key] * len(headings)


def test_unknown_columns_are_ignored_with_a_reason_and_the_rest_read():
    headings = read_headings(OFFICE_HEADERS)
    assert headings.missing == []
    assert {u.heading: u.column.header for u in headings.used} == {
        heading.replace("　", ""): header for heading, header in OFFICE_COLUMNS.items()
    }
    assert [(i.letter, i.heading) for i in headings.ignored] == [("H", "文化程度"), ("I", "籍贯")]
    assert all("不登记" in i.reason for i in headings.ignored)
    assert headings.labels["party"] == "政治面貌" and headings.labels["constituency"] == "选区名称（必填）"


@pytest.mark.parametrize(
    ("headers", "read", "ignored"),
    [
        (["姓名", "身份证号", "手机", "联系电话", "选区"], "手机", "联系电话"),
        # 联系电话 is often an office's landline: the mobile's own heading wins wherever it stands.
        (["姓名", "身份证号", "联系电话", "手机", "选区"], "手机", "联系电话"),
        # Equally specific: the first column is read.
        (["姓名", "身份证号", "联系电话", "联系方式", "选区"], "联系电话", "联系方式"),
        (["姓名", "身份证号", "选区", "姓名"], "姓名", "姓名"),
    ],
)
def test_of_two_columns_for_one_field_one_is_read_and_the_other_listed(headers, read, ignored):
    headings = read_headings(headers)
    used = {u.column.key: u for u in headings.used}
    key = match_heading(read)[0].key
    assert used[key].heading == read
    [other] = headings.ignored
    assert other.heading == ignored and other.index != used[key].index
    assert f"{used[key].letter}列“{read}”" in other.reason and COLUMNS_BY_KEY[key].header in other.reason


def test_missing_required_columns_are_named():
    headings = read_headings(["姓名", "身份证号", "文化程度"])
    assert [c.header for c in headings.missing] == ["选区"]


# --- 出生年月 (no database) -------------------------------------------------------------------------------

IN_JANUARY = 1  # person_id(1): born 1950-01-02
IN_MAY = 130  # born 1950-05-11
IN_OCTOBER = 280  # born 1950-10-08


def birth(n: int, value, heading: str = "出生年月") -> tuple[datetime.date | None, list[str]]:
    raw = {"name": "张三", "id_number": person_id(n), "constituency": PLACES[0], "date_of_birth": value}
    row = roster.clean_row(2, raw, {"date_of_birth": heading})
    return row.values.get("date_of_birth"), row.errors


@pytest.mark.parametrize(
    ("n", "value", "expected"),
    [
        # The month agrees with the ID number: its day is taken.
        (IN_JANUARY, "1950.01", datetime.date(1950, 1, 2)),
        (IN_JANUARY, "1950.1", datetime.date(1950, 1, 2)),
        (IN_JANUARY, "1950年1月", datetime.date(1950, 1, 2)),
        (IN_JANUARY, "1950-01", datetime.date(1950, 1, 2)),
        (IN_JANUARY, "195001", datetime.date(1950, 1, 2)),
        (IN_JANUARY, 195001, datetime.date(1950, 1, 2)),
        # Otherwise the first of the month given.
        (IN_JANUARY, "1975.03", datetime.date(1975, 3, 1)),
        (IN_JANUARY, "1975年3月", datetime.date(1975, 3, 1)),
        (IN_JANUARY, "1975 / 3", datetime.date(1975, 3, 1)),
        (IN_JANUARY, 197503, datetime.date(1975, 3, 1)),
        (IN_JANUARY, 1975.03, datetime.date(1975, 3, 1)),  # typed into a number cell
        (IN_JANUARY, 1975.12, datetime.date(1975, 12, 1)),
        # Excel keeps 1950.10 typed as a number as 1950.1: January or October, the ID number tells which…
        (IN_JANUARY, 1950.1, datetime.date(1950, 1, 2)),
        (IN_OCTOBER, 1950.1, datetime.date(1950, 10, 8)),
        # …and when it tells neither, the cell is left blank (the birth date then comes from the ID number).
        (IN_MAY, 1950.1, None),
        # Full dates as before, and as 8 digits.
        (IN_JANUARY, "1975年3月17日", datetime.date(1975, 3, 17)),
        (IN_JANUARY, "1975.3.17", datetime.date(1975, 3, 17)),
        (IN_JANUARY, 19750317, datetime.date(1975, 3, 17)),
        (IN_JANUARY, datetime.datetime(1975, 3, 17), datetime.date(1975, 3, 17)),
        (IN_JANUARY, None, None),
    ],
)
def test_a_birth_month_becomes_a_date(n, value, expected):
    assert birth(n, value) == (expected, [])


@pytest.mark.parametrize("value", ["1975.13", "1975年", "1975", "七五年三月", 1975.123, "19751301"])
def test_a_birth_value_that_is_no_date_is_a_row_error_in_the_office_s_words(value):
    date, errors = birth(IN_JANUARY, value)
    assert date is None and len(errors) == 1
    assert errors[0].startswith("出生年月：") and "1975.03" in errors[0]


def test_the_election_date_stays_a_full_date():
    raw = {"name": "张三", "id_number": person_id(1), "constituency": PLACES[0], "starts_on": "2021.11"}
    assert roster.clean_row(2, raw, {"starts_on": "当选时间"}).errors == [
        "当选时间：日期格式应为YYYY-MM-DD（如2021-01-15），或使用Excel日期。"
    ]


# --- end to end: the service -----------------------------------------------------------------------------


def test_an_office_roster_in_its_own_words_previews_and_commits_through_the_service(users, congresses, places):
    access = zhang(users, congresses)
    preview = roster.roster_preview(access=access, congress=congresses["huaxi"], data=office_roster())
    assert preview.is_valid, [r.errors for r in preview.error_rows]
    assert preview.counts["created"] == 20
    assert [(i.letter, i.heading) for i in preview.headings.ignored] == [("H", "文化程度"), ("I", "籍贯")]

    before = counts()
    result = roster.roster_commit(access=access, congress=congresses["huaxi"], data=office_roster())
    assert result["created"] == 20
    assert counts() == {"deputies": before["deputies"] + 20, "seats": before["seats"] + 20}
    assert_imported_in_office_words(20)


def test_row_errors_name_the_column_as_the_office_heads_it(users, congresses, places):
    rows = [office_row(0, 政治面貌="党" * 41), office_row(1, 公民身份号码=None), office_row(2, 出生年月="不详")]
    preview = roster.roster_preview(
        access=zhang(users, congresses), congress=congresses["huaxi"], data=xlsx(rows, OFFICE_HEADERS)
    )
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == ["政治面貌：不能超过40个字。"]
    assert errors[3] == ["缺少必填项：公民身份号码。"]
    assert errors[4][0].startswith("出生年月：")


def test_a_missing_required_column_refuses_the_file_naming_its_accepted_headings(users, congresses, places):
    headers = [h for h in OFFICE_HEADERS if h != "选区名称（必填）"]
    before = counts()
    for call in (roster.roster_preview, roster.roster_commit):
        with pytest.raises(roster.RosterFileError) as refused:
            call(access=zhang(users, congresses), congress=congresses["huaxi"], data=xlsx([office_row(1)], headers))
        message = str(refused.value)
        assert "缺少必填列：选区" in message
        assert all(heading in message for heading in COLUMNS_BY_KEY["constituency"].headings)
    assert counts() == before


def test_no_header_row_names_the_headings_it_looks_for(users, congresses, places):
    with pytest.raises(roster.RosterFileError) as refused:
        roster.roster_preview(
            access=zhang(users, congresses), congress=congresses["huaxi"], data=xlsx([], ["序号", "名字", "籍贯"])
        )
    assert "找不到表头行" in str(refused.value) and "公民身份号码" in str(refused.value)


def test_of_two_columns_for_one_field_the_one_read_is_written(users, congresses, places):
    headers = ["姓名", "身份证号", "联系电话", "手机", "选区", "姓名"]
    rows = [person(1, 联系电话="0851-83851234", 手机="13900000001", 身份证号=person_id(1))]
    access = zhang(users, congresses)
    preview = roster.roster_preview(access=access, congress=congresses["huaxi"], data=xlsx(rows, headers))
    assert preview.is_valid, [r.errors for r in preview.error_rows]
    assert [(i.letter, i.heading) for i in preview.headings.ignored] == [("C", "联系电话"), ("F", "姓名")]
    roster.roster_commit(access=access, congress=congresses["huaxi"], data=xlsx(rows, headers))
    assert selectors.deputy_find(person_id(1)).reveal_mobile() == "13900000001"


# --- end to end: the API ---------------------------------------------------------------------------------


def post(api_for, step: str, data: bytes):
    client = api_for("zhang", "huaxi")
    return client.post(f"/api/v1/registry/roster/{step}/", {"file": upload(data)}, format="multipart")


def test_the_api_preview_lists_the_ignored_columns_and_the_commit_imports(api_for, places):
    preview = post(api_for, "preview", office_roster())
    assert preview.status_code == 200, preview.content[:1000]
    body = preview.json()
    assert body["valid"] is True and body["counts"]["created"] == 20
    assert body["ignored_columns"] == [
        {"column": "H", "heading": "文化程度", "reason": "名册不登记这一项，该列未导入。"},
        {"column": "I", "heading": "籍贯", "reason": "名册不登记这一项，该列未导入。"},
    ]
    read = {c["heading"]: c["header"] for c in body["columns"]}
    assert read == {heading.replace("　", ""): header for heading, header in OFFICE_COLUMNS.items()}
    assert {c["field"] for c in body["columns"] if c["heading"] == "政治面貌"} == {"party"}

    before = counts()
    commit = post(api_for, "commit", office_roster())
    assert commit.status_code == 200, commit.content[:1000]
    assert commit.json()["counts"]["created"] == 20
    assert counts()["seats"] == before["seats"] + 20
    assert_imported_in_office_words(20)


def test_the_api_refuses_a_missing_required_column_naming_its_headings(api_for, places):
    before = counts()
    headers = [h for h in OFFICE_HEADERS if h != "选区名称（必填）"]
    for step in ("preview", "commit"):
        response = post(api_for, step, xlsx([office_row(1)], headers))
        assert response.status_code == 400
        assert "缺少必填列：选区（列名可以是：选区、选区名称" in response.json()["detail"]
    assert counts() == before


def test_the_api_shows_a_duplicate_column_and_writes_from_the_one_read(api_for, places):
    headers = ["姓名", "身份证号码", "手机", "联系电话", "选区"]
    rows = [person(2, 手机="13900000002", 联系电话="13800000002")]
    body = post(api_for, "preview", xlsx(rows, headers)).json()
    [ignored] = body["ignored_columns"]
    assert ignored["column"] == "D" and ignored["heading"] == "联系电话"
    assert ignored["reason"] == "与C列“手机”同为“手机号码”，只读取C列。"
    assert post(api_for, "commit", xlsx(rows, headers)).status_code == 200
    assert selectors.deputy_find(person_id(2)).reveal_mobile() == "13900000002"


def test_a_refused_api_commit_still_lists_the_ignored_columns(api_for, places):
    rows = [office_row(1, **{"选区名称（必填）": "不存在的选区"})]
    response = post(api_for, "commit", xlsx(rows, OFFICE_HEADERS))
    assert response.status_code == 400
    assert [c["heading"] for c in response.json()["ignored_columns"]] == ["文化程度", "籍贯"]


# --- end to end: the pages -------------------------------------------------------------------------------


def test_the_preview_page_shows_the_ignored_columns_and_the_commit_imports(client_for, places):
    client = client_for("zhang", "huaxi")
    preview = client.post("/registry/roster/preview/", {"file": upload(office_roster())})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "已忽略的列" in page and "不会导入，也不影响导入" in page
    for heading in ("文化程度", "籍贯"):
        assert re.search(rf"<td>[HI]</td><td>{heading}</td>\s*<td>名册不登记这一项", page), heading
    assert re.search(r"<td>政治面貌</td>\s*<td>党派</td>", page)  # the columns read, and what they fill
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, page[:3000]

    before = counts()
    done = client.post("/registry/roster/commit/", {"token": token.group(1)}, follow=True)
    assert done.status_code == 200 and "新登记20人" in done.content.decode()
    assert counts()["seats"] == before["seats"] + 20
    assert_imported_in_office_words(20)


def test_the_upload_page_refuses_a_missing_required_column_naming_its_headings(client_for, places):
    headers = [h for h in OFFICE_HEADERS if h != "选区名称（必填）"]
    before = counts()
    response = client_for("zhang", "huaxi").post(
        "/registry/roster/preview/", {"file": upload(xlsx([office_row(1)], headers))}
    )
    assert response.status_code == 400
    assert "缺少必填列：选区（列名可以是：选区、选区名称" in response.content.decode()
    assert counts() == before


def test_a_roster_without_extra_columns_shows_none_ignored(client_for, places):
    rows = [person(n) for n in range(3)]
    page = client_for("zhang", "huaxi").post("/registry/roster/preview/", {"file": upload(xlsx(rows))})
    assert page.status_code == 200 and "已忽略的列" not in page.content.decode()


def test_the_upload_page_and_the_template_list_the_accepted_headings(client_for):
    client = client_for("zhang", "huaxi")
    page = client.get("/registry/roster/").content.decode()
    assert "政治面貌" in page and "公民身份号码" in page and "已忽略的列" in page
    guide = load_workbook(io.BytesIO(client.get("/registry/roster/template.xlsx").content))[exports.GUIDE_SHEET]
    variants = {row[0]: row[4] for row in guide.iter_rows(min_row=2, values_only=True)}
    assert set(variants) == set(HEADERS)
    assert "政治面貌" in variants["党派"] and "出生年月" in variants["出生日期"]


def test_the_documentation_lists_every_accepted_heading():
    documented = (Path(settings.BASE_DIR) / "docs" / "roster.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        line = next(line for line in documented.splitlines() if line.startswith(f"| {column.header} |"))
        assert all(variant in line for variant in column.variants), column.header
