"""The office's overview (issue 4 item 9): every item past its draft in one table, each filter, the summaries
by delegation, unit and deputy, the xlsx export, a constant number of queries, bad filter values refused, and
who may see it (page, export, API)."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry import services as registry
from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import term_current
from tenant_apps.suggestions import services
from tenant_apps.suggestions.models import (
    Assignment,
    Contact,
    CoSigner,
    Evaluation,
    Status,
    Suggestion,
    SuggestionEvent,
)
from tenant_apps.suggestions.overview import overview, parse_filters
from tenant_apps.units.models import HandlingUnit
from tests.support.registry import ROOT, seated_deputy
from tests.support.suggestions import World, at

PAGE, EXPORT, API = "/suggestions/overview/", "/suggestions/overview/export.xlsx", "/api/v1/suggestions/overview/"
REFUSED = (
    "liu",
    "yang",
    "zhao",
    "sun",
    "zhou",
    "ma",
    "wu",
)  # unit, deputy, ..., other offices, outsider (Chen: test_state_organs)


class Scene:
    """Huaxi with two delegations of the open term and seven items past their draft (and one draft):

    | item | lead (delegation) | units | status |
    |---|---|---|---|
    | parking | Yang (青岩) | bureau lead, court joint | assigned Feb 2026: overdue |
    | river | Yang (青岩) | bureau lead | replied A with a meeting, rated satisfied: closed |
    | school | Luo (石板), Yang co-signs | court lead, farm joint | replied B |
    | roads | Luo (石板) | farm lead | assigned now (not overdue), key |
    | safety | Yang (青岩) | — | submitted Dec 2025, identity kept confidential |
    | target | Yang (青岩) | — | accepted (World's item to merge into) |
    | lone | 代表31 (no delegation) | — | submitted |
    """

    def __init__(self, world: World, monkeypatch):
        self.world, w = world, world
        real_now = timezone.now
        with w.huaxi:
            term = term_current(w.huaxi)
            self.qingyan = registry.delegation_get_or_create(term, "青岩代表团")
            self.shiban = registry.delegation_get_or_create(term, "石板代表团")
            self.yang = Deputy.objects.get(user=w.users["yang"])
            self.luo = Deputy.objects.get(name="罗国华")
            for deputy, delegation in ((self.yang, self.qingyan), (self.luo, self.shiban)):
                registry.seat_add(
                    access=ROOT, deputy=deputy, term=term, starts_on=term.starts_on, delegation=delegation
                )
            self.lone = seated_deputy(31, term)
            self.draft = services.suggestion_draft_create(access=w.as_("yang"), data={"title": "草稿", "body": "…"})
            at(monkeypatch, datetime.date(2025, 12, 20))
            self.safety = self.item("校园安全隐患排查", self.yang, ["submit"])
            at(monkeypatch, datetime.date(2026, 2, 11))
            self.parking = self.item("青岩停车场建设", self.yang, ["submit", "accept", "assign"])
            bureau_only = {"units": [{"unit": w.bureau.pk, "role": "lead"}]}
            self.river = self.item("花溪河治理", self.yang, ["submit", "accept", ("assign", bureau_only)])
            services.contact_log(
                access=w.as_("liu"),
                suggestion=self.river,
                data={"kind": "meeting", "happened_on": "2026-02-11", "form": "座谈", "summary": "面商"},
            )
            self.river = w.act(self.river, "liu", "reply")
            self.river = w.act(self.river, "yang", "evaluate")
            court, farm = w.court.pk, w.farm.pk
            units = [{"unit": court, "role": "lead"}, {"unit": farm, "role": "joint"}]
            self.school = self.item(
                "石板镇学校扩建", self.luo, ["submit", "accept", ("assign", {"units": units})], True
            )
            self.school = w.act(self.school, "kong", "reply", result_category="B")
            monkeypatch.setattr(timezone, "now", real_now)
            self.roads = self.item(
                "农村道路维护", self.luo, ["submit", "accept", ("assign", {"units": [{"unit": farm, "role": "lead"}]})]
            )
            self.lone_item = self.item("无代表团代表的建议", self.lone, ["submit"])
            # Key marking and confidentiality belong to other features' services; only the columns matter here.
            Suggestion.objects.filter(pk=self.roads.pk).update(is_key=True)
            Suggestion.objects.filter(pk=self.safety.pk).update(confidentiality="identity")
        connection.set_schema_to_public()
        self.target = w.target

    def item(self, title: str, lead: Deputy, steps, cosigned_by_yang: bool = False) -> Suggestion:
        """An item drafted by delegation staff (Zhao) for `lead`, then taken through `steps`."""
        w = self.world
        item = services.suggestion_draft_create(
            access=w.as_("zhao"), data={"title": title, "body": "……"}, lead_deputy_id=lead.pk
        )
        if cosigned_by_yang:
            services.cosigner_add(access=w.as_("zhao"), suggestion=item, deputy_id=self.yang.pk)
            services.cosigner_confirm(access=w.as_("yang"), suggestion=item)
        for step in steps:
            action, data = step if isinstance(step, tuple) else (step, {})
            persona = {"submit": "zhao", "accept": "zhang", "assign": "zhang"}[action]
            item = w.act(item, persona, action, **data)
        return item

    def titles(self, **params) -> set[str]:
        """The titles the office sees with these filters (through the selector)."""
        with self.world.huaxi:
            access = self.world.as_("zhang")
            data = overview(access, parse_filters(self.world.huaxi, params))
            return {row.title for row in data.rows()}


@pytest.fixture
def scene(users, congresses, monkeypatch) -> Scene:
    return Scene(World(users, congresses["huaxi"]), monkeypatch)


ALL = {"校园安全隐患排查", "青岩停车场建设", "花溪河治理", "石板镇学校扩建", "农村道路维护", "无代表团代表的建议"}
ALL |= {"关于改善青岩古镇交通的建议"}  # World's target


# -- the table ----------------------------------------------------------------------------------------------


def test_every_item_past_its_draft_with_what_the_office_needs(scene):
    with scene.world.huaxi:
        data = overview(scene.world.as_("zhang"), parse_filters(scene.world.huaxi, {}))
        rows = {row.title: row for row in data.rows()}
    assert set(rows) == ALL  # the draft is not there
    assert [r.number for r in data.rows()] == sorted(r.number for r in data.rows())
    school = rows["石板镇学校扩建"]
    assert (school.lead_deputy_name, school.delegation_name, school.cosigner_count) == ("罗国华", "石板代表团", 1)
    assert school.lead_unit.name == "花溪区人民法院"
    assert [(u.name, u.role_label) for u in school.other_units] == [("花溪区农业农村局", "会办")]
    assert school.other_units_text == "花溪区农业农村局（会办）"
    assert (school.status, school.status_label, school.result_category) == ("replied", "已答复", "B")
    assert school.result_category_label == "正在解决或者列入规划逐步解决"
    assert not school.is_overdue and not school.meeting_held and school.latest_evaluation == ""
    river = rows["花溪河治理"]
    assert river.meeting_held and river.status == Status.CLOSED
    assert (river.latest_evaluation, river.latest_evaluation_label) == ("satisfied", "满意")
    assert timezone.localdate(river.assigned_at) == datetime.date(2026, 2, 11) and river.reply_due is not None
    parking = rows["青岩停车场建设"]
    assert parking.is_overdue and parking.lead_unit.name == "花溪区教育局" and parking.replied_at is None
    assert not rows["农村道路维护"].is_overdue and rows["农村道路维护"].is_key
    assert rows["校园安全隐患排查"].confidentiality_label == "身份保密"
    assert rows["校园安全隐患排查"].lead_unit is None and rows["校园安全隐患排查"].other_units == []
    assert rows["无代表团代表的建议"].delegation_name == "" and rows["无代表团代表的建议"].delegation_id is None
    assert rows["关于改善青岩古镇交通的建议"].delegation_id == scene.qingyan.pk


def test_each_filter_gives_the_right_items(scene):
    s = scene
    assert s.titles(status="assigned") == {"青岩停车场建设", "农村道路维护"}
    assert s.titles(status=["assigned", "replied"]) == {"青岩停车场建设", "农村道路维护", "石板镇学校扩建"}
    assert s.titles(status="assigned,replied") == s.titles(status=["assigned", "replied"])
    assert s.titles(kind="suggestion") == ALL and s.titles(kind="motion") == set()
    yang_items = {"校园安全隐患排查", "青岩停车场建设", "花溪河治理", "关于改善青岩古镇交通的建议"}
    assert s.titles(delegation=s.qingyan.pk) == yang_items
    assert s.titles(delegation=str(s.shiban.pk)) == {"石板镇学校扩建", "农村道路维护"}
    assert s.titles(delegation="none") == {"无代表团代表的建议"}
    w = s.world
    assert s.titles(unit=w.bureau.pk) == {"青岩停车场建设", "花溪河治理"}
    assert s.titles(unit=w.court.pk) == {"青岩停车场建设", "石板镇学校扩建"}  # joint and lead
    assert s.titles(unit=w.court.pk, unit_role="lead") == {"石板镇学校扩建"}
    assert s.titles(unit=w.farm.pk, unit_role="any") == {"石板镇学校扩建", "农村道路维护"}
    assert s.titles(deputy=s.yang.pk) == yang_items | {"石板镇学校扩建"}  # led, and co-signed
    assert s.titles(deputy=s.luo.pk) == {"石板镇学校扩建", "农村道路维护"}
    assert s.titles(result_category="A") == {"花溪河治理"}
    assert s.titles(result_category="B") == {"石板镇学校扩建"}
    assert s.titles(overdue="1") == {"青岩停车场建设"} and s.titles(overdue="0") == ALL
    assert s.titles(key="true") == {"农村道路维护"}
    assert s.titles(year=2025) == {"校园安全隐患排查"}
    assert s.titles(year="2026") == ALL - {"校园安全隐患排查"}
    assert s.titles(year=2024) == set()
    assert s.titles(q="学校") == {"石板镇学校扩建"}
    assert s.titles(q=str(s.river.number)) == {"花溪河治理"}
    assert s.titles(delegation=s.shiban.pk, unit=w.farm.pk, status="replied") == {"石板镇学校扩建"}
    assert s.titles(foo="bar", page="2") == ALL  # unknown parameters are ignored


# -- summaries ----------------------------------------------------------------------------------------------


def _summary(scene, group: str, **params) -> dict:
    with scene.world.huaxi:
        data = overview(scene.world.as_("zhang"), parse_filters(scene.world.huaxi, params))
        summary = data.summary(group)
    return {
        row.name: (row.total, row.overdue, {k: v for k, v in row.counts.items() if v}, row.extra)
        for row in summary.rows
    }


def test_summaries_by_delegation_unit_and_deputy(scene):
    by_delegation = _summary(scene, "delegation")
    assert list(by_delegation) == ["石板代表团", "青岩代表团", "未分代表团"]  # by name, no delegation last
    assert by_delegation["青岩代表团"] == (4, 1, {"submitted": 1, "accepted": 1, "assigned": 1, "closed": 1}, None)
    assert by_delegation["石板代表团"] == (2, 0, {"assigned": 1, "replied": 1}, None)
    assert by_delegation["未分代表团"] == (1, 0, {"submitted": 1}, None)
    by_unit = _summary(scene, "unit")
    assert by_unit == {
        "花溪区教育局": (2, 1, {"assigned": 1, "closed": 1}, 2),  # extra: items it leads
        "花溪区人民法院": (2, 1, {"assigned": 1, "replied": 1}, 1),
        "花溪区农业农村局": (2, 0, {"assigned": 1, "replied": 1}, 1),
    }
    by_deputy = _summary(scene, "deputy")
    assert by_deputy["杨秀英"] == (4, 1, {"submitted": 1, "accepted": 1, "assigned": 1, "closed": 1}, 1)  # co-signed 1
    assert by_deputy["罗国华"] == (2, 0, {"assigned": 1, "replied": 1}, 0)
    assert by_deputy["代表31"] == (1, 0, {"submitted": 1}, 0)
    # Summaries follow the filters: in 石板 only Luo leads, and Yang appears for the item co-signed.
    assert _summary(scene, "deputy", delegation=scene.shiban.pk) == {
        "罗国华": (2, 0, {"assigned": 1, "replied": 1}, 0),
        "杨秀英": (0, 0, {}, 1),
    }
    assert _summary(scene, "unit", overdue="1") == {
        "花溪区教育局": (1, 1, {"assigned": 1}, 1),
        "花溪区人民法院": (1, 1, {"assigned": 1}, 0),
    }


# -- page, export, API --------------------------------------------------------------------------------------


def test_the_page_shows_the_table_and_switches_summaries(scene, client_for):
    assert client_for("li", "huaxi").get(PAGE).status_code == 200  # administrators are the office too
    client = client_for("zhang", "huaxi")
    page = client.get(PAGE, {"delegation": scene.shiban.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "石板镇学校扩建" in html and "农村道路维护" in html and "花溪河治理" not in html
    assert f'href="/suggestions/{scene.school.pk}/"' in html and 'class="table-wrap"' in html
    assert f"export.xlsx?delegation={scene.shiban.pk}" in html
    assert "<th>代表团</th>" in html  # the delegation summary by default
    by_unit = client.get(PAGE, {"delegation": scene.shiban.pk, "group": "unit"}).content.decode()
    assert "<th>其中主办</th>" in by_unit and "<td>花溪区农业农村局</td>" in by_unit
    by_deputy = client.get(PAGE, {"group": "deputy"}).content.decode()
    assert "<th>附议件数</th>" in by_deputy and "<td>代表31</td>" in by_deputy
    assert client.get(PAGE, {"group": "nonsense"}).status_code == 200  # falls back to the delegation summary


def test_the_export_holds_the_filtered_rows_and_every_summary(scene, client_for):
    response = client_for("zhang", "huaxi").get(EXPORT, {"delegation": scene.shiban.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["议案建议", "按代表团", "按承办单位", "按代表"]
    items = list(workbook["议案建议"].iter_rows(values_only=True))
    assert items[0][:4] == ("编号", "类别", "标题", "领衔代表")
    assert {row[2] for row in items[1:]} == {"石板镇学校扩建", "农村道路维护"}
    school = next(row for row in items if row[2] == "石板镇学校扩建")
    assert school[3:8] == ("罗国华", "石板代表团", 1, "花溪区人民法院", "花溪区农业农村局（会办）")
    assert school[8] == "已答复" and school[15] == "B 正在解决或者列入规划逐步解决"
    delegations = list(workbook["按代表团"].iter_rows(values_only=True))
    assert delegations[0][:3] == ("代表团", "合计", "待审查") and delegations[1][:2] == ("石板代表团", 2)
    units = {row[0]: row for row in workbook["按承办单位"].iter_rows(min_row=2, values_only=True)}
    assert set(units) == {"花溪区人民法院", "花溪区农业农村局"} and units["花溪区农业农村局"][-1] == 1
    deputies = {row[0]: row for row in workbook["按代表"].iter_rows(min_row=2, values_only=True)}
    assert deputies["杨秀英"][1] == 0 and deputies["杨秀英"][-1] == 1


def test_the_api_gives_items_and_summaries(scene, api_for):
    response = api_for("zhang", "huaxi").get(API, {"status": ["assigned", "replied"], "unit": scene.world.farm.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and {i["title"] for i in body["items"]} == {"石板镇学校扩建", "农村道路维护"}
    school = next(i for i in body["items"] if i["title"] == "石板镇学校扩建")
    assert school["delegation"] == scene.shiban.pk and school["lead_unit"]["name"] == "花溪区人民法院"
    assert school["other_units"] == [
        {"unit": scene.world.farm.pk, "name": "花溪区农业农村局", "role": "joint", "role_label": "会办"}
    ]
    assert set(body["summaries"]) == {"delegation", "unit", "deputy"}
    (delegation,) = body["summaries"]["delegation"]["rows"]
    assert delegation["name"] == "石板代表团" and delegation["counts"]["replied"] == 1 and delegation["total"] == 2
    # Another congress's office sees its own (empty) overview, never Huaxi's items.
    own = api_for("zhou", "qingyan").get(API)
    assert own.status_code == 200 and own.json()["count"] == 0


# -- constant queries -----------------------------------------------------------------------------------------


def _bulk(scene, count: int, prefix: str) -> None:
    """`count` items over three new units, led by Yang and Luo in turn, each with a co-signer, a meeting and
    an evaluation, written straight into the schema: a read-model test (the services are tested elsewhere)."""
    w = scene.world
    units = HandlingUnit.objects.bulk_create(HandlingUnit(name=f"{prefix}{n}") for n in range(3))
    start = (Suggestion.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    items = Suggestion.objects.bulk_create(
        Suggestion(
            title=f"{prefix}建议{i}",
            body="……",
            number=start + i,
            lead_deputy=scene.yang if i % 2 else scene.luo,
            created_by=w.users["zhao"],
            status=Status.REPLIED if i % 3 else Status.ASSIGNED,
            submitted_at=timezone.now(),
            assigned_at=timezone.now(),
            reply_due=datetime.date(2026, 1, 1),
            result_category="A" if i % 3 else "",
        )
        for i in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(suggestion=item, unit=units[(i + k) % 3], role=role)
        for i, item in enumerate(items)
        for k, role in enumerate(("lead", "joint"))
    )
    CoSigner.objects.bulk_create(
        CoSigner(suggestion=item, deputy=scene.lone, confirmed_at=timezone.now()) for item in items
    )
    Evaluation.objects.bulk_create(
        Evaluation(suggestion=item, deputy=item.lead_deputy, round=1, attitude="satisfied", result="satisfied")
        for item in items
    )
    Contact.objects.bulk_create(
        Contact(
            suggestion=item,
            unit=units[i % 3],
            kind="meeting",
            happened_on=datetime.date(2026, 2, 1),
            summary="面商",
            created_by=w.users["liu"],
        )
        for i, item in enumerate(items)
    )


def _queries(scene, **params) -> tuple[int, int]:
    """(queries, rows) of the whole overview: parsing the filters, the rows, the three summaries."""
    with scene.world.huaxi:
        access = scene.world.as_("zhang")
        with CaptureQueriesContext(connection) as captured:
            data = overview(access, parse_filters(scene.world.huaxi, params))
            rows = data.rows()
            data.summaries()
    return sum(not q["sql"].startswith("SET") for q in captured.captured_queries), len(rows)


def test_the_number_of_queries_does_not_grow_with_the_items(scene, api_for):
    params = {"status": "replied", "unit": scene.world.court.pk, "delegation": scene.qingyan.pk, "deputy": ""}
    small, small_rows = _queries(scene), _queries(scene, **params)
    api = api_for("zhang", "huaxi")
    assert api.get(API).status_code == 200  # warms what is cached once per process
    with CaptureQueriesContext(connection) as before:
        assert api.get(API).status_code == 200
    with scene.world.huaxi:
        _bulk(scene, 30, "批量")
    large, large_rows = _queries(scene), _queries(scene, **params)
    assert large[1] == small[1] + 30
    assert small[0] == large[0] and small_rows[0] == large_rows[0]
    with CaptureQueriesContext(connection) as after:
        response = api.get(API)
    assert response.json()["count"] == small[1] + 30
    assert len(after.captured_queries) == len(before.captured_queries)


def _page_queries(client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params).status_code == 200
    return sum(not q["sql"].startswith("SET") for q in captured.captured_queries)


def test_the_page_and_export_queries_do_not_grow_with_the_items(scene, client_for):
    client = client_for("zhang", "huaxi")
    _page_queries(client, PAGE)  # warms what is cached once per process
    before = [_page_queries(client, PAGE, group=g) for g in ("delegation", "unit", "deputy")]
    before.append(_page_queries(client, EXPORT))
    with scene.world.huaxi:
        _bulk(scene, 40, "批量")
    after = [_page_queries(client, PAGE, group=g) for g in ("delegation", "unit", "deputy")]
    after.append(_page_queries(client, EXPORT))
    assert before == after and max(after) <= 20


# -- bad filters: a clear error, nothing changes -----------------------------------------------------------


def _state(scene) -> tuple:
    with scene.world.huaxi:
        return Suggestion.objects.count(), SuggestionEvent.objects.count(), Assignment.objects.count()


def _bad_cases(scene, congresses) -> list[tuple[dict, str]]:
    other_term = term_current(congresses["honghuagang"])
    elsewhere = registry.delegation_get_or_create(other_term, "红花岗代表团")
    tian = Deputy.objects.get(name="田芳")  # a deputy of another congress
    return [
        ({"status": "draft"}, "status"),
        ({"status": ["assigned", "bogus"]}, "status"),
        ({"kind": "letter"}, "kind"),
        ({"delegation": "abc"}, "delegation"),
        ({"delegation": elsewhere.pk}, "delegation"),
        ({"unit": "99999"}, "unit"),
        ({"unit": scene.world.bureau.pk, "unit_role": "boss"}, "unit_role"),
        ({"deputy": tian.pk}, "deputy"),
        ({"result_category": "Z"}, "result_category"),
        ({"overdue": "maybe"}, "overdue"),
        ({"key": "2"}, "key"),
        ({"year": "1900"}, "year"),
        ({"year": "next"}, "year"),
        ({"kind": ["motion", "suggestion"]}, "kind"),
        ({"q": "长" * 101}, "q"),
    ]


def test_bad_filter_values_get_a_clear_error_everywhere(scene, congresses, client_for, api_for):
    before = _state(scene)
    page, api = client_for("zhang", "huaxi"), api_for("zhang", "huaxi")
    for params, field in _bad_cases(scene, congresses):
        shown = page.get(PAGE, params)
        assert shown.status_code == 400, params
        assert 'class="errorlist"' in shown.content.decode() and "<table>" not in shown.content.decode()
        assert page.get(EXPORT, params).status_code == 400, params
        answer = api.get(API, params)
        assert answer.status_code == 400 and field in answer.json(), params
    both = api.get(API, {"kind": "x", "year": "x"}).json()
    assert set(both) == {"kind", "year"}  # every bad parameter at once
    assert "<li>提交年份：年份不正确。</li>" in page.get(PAGE, {"year": "x"}).content.decode()
    assert _state(scene) == before


# -- who may see ----------------------------------------------------------------------------------------------


def _counts(congress) -> tuple:
    with congress:
        return Suggestion.objects.count(), SuggestionEvent.objects.count(), Assignment.objects.count()


@pytest.mark.parametrize("persona", [*REFUSED, None])
def test_everyone_but_the_office_and_the_state_organs_is_refused(congresses, client_for, api_for, persona):
    before = _counts(congresses["huaxi"])
    client = client_for(persona, "huaxi")
    for path in (PAGE, EXPORT):
        assert client.get(path).status_code == (403 if persona else 302)
        # Refused before the filters are read: a bad value does not tell them anything either.
        assert client.get(path, {"year": "x"}).status_code == (403 if persona else 302)
    assert api_for(persona, "huaxi").get(API).status_code == (403 if persona else 401)
    assert _counts(congresses["huaxi"]) == before


def test_the_office_of_another_congress_is_refused_on_this_one_and_the_selector_refuses_too(scene, users, congresses):
    with scene.world.huaxi:
        for persona in ("liu", "yang"):
            with pytest.raises(PermissionDenied):
                overview(scene.world.as_(persona), parse_filters(scene.world.huaxi, {}))
        # An office's Access of another congress, used in Huaxi's schema, reads nothing here.
        zhou = Access(
            user=users["zhou"], congress=congresses["qingyan"], roles=roles_for(users["zhou"], congresses["qingyan"])
        )
        with pytest.raises(PermissionDenied):
            overview(zhou, parse_filters(scene.world.huaxi, {}))
