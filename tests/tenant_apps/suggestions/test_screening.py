"""Screening an item under review (issue 4): admissibility warnings from the congress's phrase list (RULES.md
"Not admissible as a suggestion"), similar earlier items by Chinese character bigrams, and who sees them on
the page and through the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from console import services as tenants
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.models import Deputy
from tenant_apps.suggestions import services
from tenant_apps.suggestions.models import Status, Suggestion
from tenant_apps.suggestions.screening import admissibility_warnings
from tenant_apps.suggestions.similar import bigrams, dice, similar_items
from tests.support.suggestions import World

LONG_BODY = "青岩古镇周末游客多，停车位不足，进出道路经常拥堵，建议增设停车场并开通接驳车。"


def submitted(world: World, title: str, body: str = LONG_BODY, status: str = Status.SUBMITTED) -> Suggestion:
    """Yang's item with this title and body, driven to `status` (submitted, accepted, or closed) by the services."""
    item = services.suggestion_draft_create(access=world.as_("yang"), data={"title": title, "body": body})
    item = world.act(item, "yang", "submit")
    if status in (Status.ACCEPTED, Status.CLOSED):
        item = world.act(item, "zhang", "accept")
    if status == Status.CLOSED:
        for persona, action in (("zhang", "assign"), ("liu", "reply"), ("li", "close")):
            item = world.act(item, persona, action)
    assert item.status == status
    return item


# -- admissibility -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "reason", "phrases"),
    [
        ("关于解决本人工资待遇问题的建议", LONG_BODY, "个人或家庭事务", "“本人”、“工资待遇”"),
        (
            "关于某案件的建议",
            "请求重新审查法院对张某的判决，该判决认定事实不清，" + LONG_BODY,
            "具体司法或仲裁案件",
            "“判决”",
        ),
        ("关于举报某局长的建议", LONG_BODY, "检举、申诉、控告", "“举报”"),
        ("转来的群众意见", "现将群众来信转来，请予研究。" + LONG_BODY, "转交的来信", "“转来”、“来信”"),
        ("关于推广我公司净水设备的建议", LONG_BODY, "推介产品或学术成果", "“推广我公司”"),
    ],
    ids=["personal", "court_case", "accusation", "forwarded_letter", "promotion"],
)
def test_one_warning_per_reason_naming_the_phrases(world, title, body, reason, phrases):
    with world.huaxi:
        item = submitted(world, title, body)
    assert admissibility_warnings(world.huaxi, item) == [
        f"可能属于{reason}（含{phrases}）— 不宜作为建议的，可退回或转信访部门处理。"
    ]


def test_several_reasons_and_an_empty_item(world):
    with world.huaxi:
        item = submitted(world, "关于我家房屋被判决拆除的申诉", "同上。 ！")
    warnings = admissibility_warnings(world.huaxi, item)
    assert [w.split("（")[0] for w in warnings] == [
        "可能属于个人或家庭事务",
        "可能属于具体司法或仲裁案件",
        "可能属于检举、申诉、控告",
        "内容过于简单",
    ]
    assert "正文不足15字" in warnings[-1]


def test_an_ordinary_suggestion_has_no_warnings(world):
    with world.huaxi:
        item = submitted(world, "关于改善青岩古镇交通的建议")
    assert admissibility_warnings(world.huaxi, item) == []


def test_each_congress_sets_its_own_phrases(world, users):
    huaxi = world.huaxi
    with huaxi:
        item = submitted(world, "关于本人所在小区垃圾分类的建议")
    assert admissibility_warnings(huaxi, item)[0].startswith("可能属于个人或家庭事务（含“本人”）")
    li = Access(user=users["li"], congress=huaxi, roles=roles_for(users["li"], huaxi))
    huaxi = tenants.congress_configure(
        access=li,
        congress=huaxi,
        modules=huaxi.enabled_modules,
        preferences={**huaxi.preferences, "screening.admissibility": [["垃圾分类", "属于物业管理事项"]]},
    )
    assert admissibility_warnings(huaxi, item) == [
        "可能属于属于物业管理事项（含“垃圾分类”）— 不宜作为建议的，可退回或转信访部门处理。"
    ]


# -- similar items ---------------------------------------------------------------------------------------------


def test_bigram_dice():
    assert bigrams("青岩 古镇！") == {"青岩", "岩古", "古镇"}
    assert dice(bigrams("青岩古镇"), bigrams("青岩古镇")) == 1.0
    assert dice(bigrams("青岩古镇"), bigrams("农村饮水")) == 0.0
    assert dice(frozenset(), bigrams("青岩")) == 0.0


BUS = "关于增加花溪大学城公交班次的建议"
BUS_BODY = "大学城到市区的公交班次太少，学生和居民高峰时段排队时间长，建议增开线路并加密班次。"


def test_a_reworded_title_is_found_and_an_unrelated_one_is_not(world):
    # World's own accepted item (关于改善青岩古镇交通的建议) shares no bigram with these titles.
    with world.huaxi:
        closed = submitted(world, "关于加密花溪大学城公交线路班次的建议", BUS_BODY, Status.CLOSED)
        accepted = submitted(world, "花溪大学城公交班次太少问题的议案", "高峰时段候车时间过长。", Status.ACCEPTED)
        submitted(world, "关于加强农村饮水安全保障的建议", "部分村组自来水水质不稳定，建议改造管网。")
        services.suggestion_draft_create(access=world.as_("yang"), data={"title": BUS, "body": BUS_BODY})
        item = submitted(world, BUS, BUS_BODY)
        found = similar_items(item)
    assert {s.item.pk: s.item.status for s in found} == {closed.pk: Status.CLOSED, accepted.pk: Status.ACCEPTED}
    assert all(0.3 <= s.score <= 1 for s in found) and found[0].score >= found[1].score


def test_the_same_body_under_another_title_counts_for_little(world):
    with world.huaxi:
        submitted(world, "关于加强农村饮水安全保障的建议", BUS_BODY)
        item = submitted(world, BUS, BUS_BODY)
        assert similar_items(item) == []


def test_earlier_years_count_and_the_limit_applies(world):
    with world.huaxi:
        old = submitted(world, "关于花溪大学城公交班次的建议", status=Status.CLOSED)
        when = datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC)
        Suggestion.objects.filter(pk=old.pk).update(created_at=when, submitted_at=when)
        for n in range(3):
            submitted(world, f"关于增加花溪大学城公交{n}路班次的建议")
        item = submitted(world, BUS)
        found = similar_items(item, limit=2)
        everything = similar_items(item, limit=10)
    assert len(found) == 2 and len(everything) == 4
    assert {s.year for s in everything if s.item.pk == old.pk} == {2022}


def _filler(world: World, count: int) -> None:
    """`count` closed items with varied titles, inserted directly: a read-model test of scale, where building
    thousands of items through the workflow would only slow the suite. The calling code is in the schema."""
    yang = Deputy.objects.get(user=world.users["yang"])
    topics = ["农村饮水", "学校食堂", "医保报销", "垃圾分类", "养老服务", "道路照明", "河道治理", "菜市场"]
    Suggestion.objects.bulk_create(
        Suggestion(
            title=f"关于加强{topics[i % len(topics)]}第{i}项工作的建议",
            body=f"第{i}项：{topics[(i * 3) % len(topics)]}方面存在不足，建议有关部门研究解决。" * 3,
            lead_deputy=yang,
            created_by=world.users["yang"],
            status=Status.CLOSED,
            result_category="A",
        )
        for i in range(count)
    )


def test_the_number_of_queries_does_not_grow_with_the_congress(world):
    with world.huaxi:
        item = submitted(world, BUS, BUS_BODY)
        submitted(world, "关于加密花溪大学城公交线路班次的建议")
        _filler(world, 10)
        with CaptureQueriesContext(connection) as few:
            assert len(similar_items(item)) == 1
        _filler(world, 2000)
        with CaptureQueriesContext(connection) as many:
            assert len(similar_items(item)) == 1
    assert len(many) == len(few) <= 3


# -- the page and the API ---------------------------------------------------------------------------------------


def test_the_office_sees_warnings_and_similar_items_while_reviewing(world, client_for):
    with world.huaxi:
        target = submitted(world, "关于缓解青岩古镇交通拥堵的建议", status=Status.ACCEPTED)
        item = submitted(world, "关于改善本人所在青岩古镇交通的建议")
    url = f"/suggestions/{item.pk}/"
    page = client_for("zhang", "huaxi").get(url).content.decode()
    assert "可能属于个人或家庭事务（含“本人”）" in page
    assert f'href="/suggestions/{target.pk}/"' in page and "并入此件" in page
    assert f'name="into" value="{target.pk}"' in page
    for persona in ("yang", "sun", "zhao"):
        shown = client_for(persona, "huaxi").get(url).content.decode()
        assert "可能属于" not in shown and "相似的议案建议" not in shown, persona
    # The merge button goes through the workflow's one transition view.
    client_for("zhang", "huaxi").post(
        f"/suggestions/{item.pk}/transition/", {"action": "merge", "into": target.pk, "confirm": "1"}
    )
    with world.huaxi:
        item.refresh_from_db()
        assert (item.status, item.merged_into_id) == (Status.MERGED, target.pk)
    page = client_for("zhang", "huaxi").get(url).content.decode()
    assert "可能属于" not in page and "相似的议案建议" not in page  # no longer under review


def test_the_screening_api_is_for_the_office(world, api_for):
    with world.huaxi:
        closed = submitted(world, "关于加密花溪大学城公交线路班次的建议", status=Status.CLOSED)
        item = submitted(world, BUS, "同上")
        draft = world.draft()
    url = f"/api/v1/suggestions/{item.pk}/screening/"
    for persona in ("zhang", "li"):
        body = api_for(persona, "huaxi").get(url).json()
        assert len(body["warnings"]) == 1 and body["warnings"][0].startswith("内容过于简单")
        assert [(s["id"], s["status"], s["result_category"]) for s in body["similar"]] == [(closed.pk, "closed", "A")]
        assert body["similar"][0]["number"] == closed.number and body["similar"][0]["score"] >= 0.3
    for persona in ("yang", "liu", "zhao", "sun", "ma", "wu", "zhou"):
        assert api_for(persona, "huaxi").get(url).status_code == 403, persona
    assert api_for(None, "huaxi").get(url).status_code in (401, 403)
    assert api_for("zhang", "huaxi").get(f"/api/v1/suggestions/{draft.pk}/screening/").status_code == 404
    assert api_for("zhou", "qingyan").get(url).status_code == 404  # Qingyan has no such item
