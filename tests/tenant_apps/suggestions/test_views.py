"""Drafting and co-signing through the pages (issue 4 item 2): the new-draft form (deputies as lead deputy,
delegation staff picking the lead deputy), editing a draft, naming co-signers by a search among this congress's
serving deputies, the co-signer's own confirmation, and what awaits a deputy at the top of the list."""

import pytest
from django.http import QueryDict
from django.test import Client

from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import term_current
from tenant_apps.suggestions import services, views
from tenant_apps.suggestions.models import CoSigner, Status, Suggestion, SuggestionEvent
from tests.support.registry import seated_deputy
from tests.support.suggestions import World, snapshot
from tests.support.web import host_of

NEW = "/suggestions/new/"
DRAFT = {
    "kind": "suggestion",
    "title": "关于增设青岩古镇公交专线的建议",
    "body": "节假日游客多，公交不足。",
    "category": "交通",
    "raised_during": "between_sessions",
}


def deputy(key: str) -> Deputy:
    names = {"yang": "杨秀英", "luo": "罗国华", "tian": "田芳"}
    return Deputy.objects.get(name=names[key])


def items_in(congress) -> list[tuple]:
    with congress:
        return sorted(Suggestion.objects.values_list("pk", "title", "lead_deputy_id", "created_by_id", "status"))


def signed_in(user, subdomain: str = "huaxi") -> Client:
    client = Client(HTTP_HOST=host_of(subdomain))
    client.force_login(user)
    return client


@pytest.fixture
def huaxi(congresses):
    return congresses["huaxi"]


@pytest.fixture
def cosigner(huaxi) -> Deputy:
    """A Huaxi deputy with an account (代表31), to be asked to co-sign."""
    return seated_deputy(31, term_current(huaxi), "cosigner31@example.org")


def draft_as_yang(world: World) -> Suggestion:
    with world.huaxi:
        return world.draft()


# -- drafting ---------------------------------------------------------------------------------------------


def test_a_deputy_drafts_as_lead_deputy_with_the_form(client_for, huaxi, users):
    yang = client_for("yang", "huaxi")
    page = yang.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' in html and 'name="lead_deputy"' not in html  # a deputy drafts as themself
    response = yang.post(NEW, DRAFT)
    with huaxi:
        item = Suggestion.objects.get(title=DRAFT["title"])
        assert response.status_code == 302 and response["Location"] == f"/suggestions/{item.pk}/"
        assert (item.status, item.lead_deputy_id, item.created_by_id) == (
            Status.DRAFT,
            deputy("yang").pk,
            users["yang"].pk,
        )
        assert (item.category, item.body) == ("交通", DRAFT["body"])
        assert SuggestionEvent.objects.filter(suggestion=item, action="create").exists()
    assert "已保存草稿" in yang.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"title": ""}, 'name="title"'),
        ({"body": "   "}, "errorlist"),
        ({"title": "长" * 201}, "errorlist"),
        ({"kind": "petition"}, "errorlist"),
        ({"raised_during": "always"}, "errorlist"),
    ],
)
def test_a_bad_draft_shows_the_error_and_creates_nothing(client_for, huaxi, data, shown):
    before = items_in(huaxi)
    response = client_for("yang", "huaxi").post(NEW, {**DRAFT, **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and shown in html
    assert items_in(huaxi) == before


def test_delegation_staff_find_and_pick_the_lead_deputy(client_for, huaxi, users):
    zhao = client_for("zhao", "huaxi")
    html = zhao.get(NEW).content.decode()
    assert 'name="lead_deputy"' in html and "罗国华" in html and "杨秀英" in html
    assert "田芳" not in html  # a deputy of another congress
    before = items_in(huaxi)
    found = zhao.post(NEW, {**DRAFT, "find": "罗", "find_deputies": "1"}).content.decode()
    assert "罗国华" in found and "杨秀英" not in found
    assert DRAFT["title"] in found and "errorlist" not in found  # what was typed is kept, nothing checked yet
    assert items_in(huaxi) == before
    response = zhao.post(NEW, {**DRAFT, "lead_deputy": deputy("luo").pk})
    assert response.status_code == 302
    with huaxi:
        item = Suggestion.objects.get(title=DRAFT["title"])
        assert (item.lead_deputy_id, item.created_by_id) == (deputy("luo").pk, users["zhao"].pk)


@pytest.mark.parametrize("lead", ["", "tian", "nobody"])
def test_delegation_staff_must_pick_a_serving_deputy_of_this_congress(client_for, huaxi, lead):
    value = {"": "", "tian": None, "nobody": "999999"}[lead]
    value = deputy("tian").pk if value is None else value
    before = items_in(huaxi)
    response = client_for("zhao", "huaxi").post(NEW, {**DRAFT, "lead_deputy": value})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    if lead == "tian":
        assert "领衔代表须是本级人大的在任代表" in response.content.decode()
    assert items_in(huaxi) == before


@pytest.mark.parametrize(
    ("persona", "host"),
    [(p, "huaxi") for p in ("zhang", "li", "liu", "sun", "chen", "wu")] + [("ma", "huaxi"), ("yang", "honghuagang")],
)
def test_drafting_is_refused_without_the_role_here(client_for, congresses, persona, host):
    congress = congresses[host]
    before = items_in(congress)
    client = client_for(persona, host)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, DRAFT).status_code == 403
    assert items_in(congress) == before


def test_anonymous_visitors_are_sent_to_sign_in(client_for, huaxi):
    before = items_in(huaxi)
    response = client_for(None, "huaxi").post(NEW, DRAFT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert items_in(huaxi) == before


# -- editing ----------------------------------------------------------------------------------------------


def test_the_lead_deputy_edits_a_draft(world, client_for):
    item = draft_as_yang(world)
    url = f"/suggestions/{item.pk}/edit/"
    yang = client_for("yang", "huaxi")
    page = yang.get(url).content.decode()
    assert item.title in page and "周末拥堵严重" in page  # the form starts from the draft
    assert yang.post(url, {**DRAFT, "title": "新标题"}).status_code == 302
    with world.huaxi:
        item.refresh_from_db()
        assert (item.title, item.body) == ("新标题", DRAFT["body"])
        assert SuggestionEvent.objects.filter(suggestion=item, action="update").exists()
        before = snapshot(item.pk)
    response = yang.post(url, {**DRAFT, "body": " "})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with world.huaxi:
        assert snapshot(item.pk) == before


def test_editing_is_refused_to_everyone_else(world, client_for, cosigner):
    item = draft_as_yang(world)
    with world.huaxi:
        services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=cosigner.pk)
        before = snapshot(item.pk)
    url = f"/suggestions/{item.pk}/edit/"
    for persona, code in [("zhang", 404), ("liu", 404), ("zhao", 404), ("sun", 403), ("ma", 403), ("wu", 403)]:
        client = client_for(persona, "huaxi")
        assert client.get(url).status_code == code, persona
        assert client.post(url, DRAFT).status_code == code, persona
    signer = signed_in(cosigner.user)  # sees the draft, may not change it
    assert signer.get(url).status_code == 403
    assert signer.post(url, DRAFT).status_code == 403
    with world.huaxi:
        assert snapshot(item.pk) == before


def test_a_submitted_item_is_no_longer_edited(world, client_for):
    with world.huaxi:
        item = world.drive(Status.SUBMITTED)
        before = snapshot(item.pk)
    yang = client_for("yang", "huaxi")
    response = yang.post(f"/suggestions/{item.pk}/edit/", DRAFT, follow=True)
    assert "只有草稿可以修改" in response.content.decode()
    with world.huaxi:
        assert snapshot(item.pk) == before
    assert f"/suggestions/{item.pk}/edit/" not in yang.get(f"/suggestions/{item.pk}/").content.decode()


# -- co-signers --------------------------------------------------------------------------------------------


def test_the_lead_deputy_finds_and_names_a_cosigner_who_confirms(world, client_for, cosigner):
    item = draft_as_yang(world)
    url = f"/suggestions/{item.pk}/"
    yang = client_for("yang", "huaxi")
    found = yang.get(url, {"find": "代表3"}).content.decode()
    assert "代表31" in found and f"/suggestions/{item.pk}/cosigners/" in found
    assert (
        "没有找到本级在任代表" in yang.get(url, {"find": "杨秀英"}).content.decode()
    )  # the lead deputy is not offered
    assert "没有找到本级在任代表" in yang.get(url, {"find": "田芳"}).content.decode()  # another congress's deputy
    assert yang.post(url + "cosigners/", {"deputy": cosigner.pk}).status_code == 302
    with world.huaxi:
        row = CoSigner.objects.get(suggestion=item)
        assert (row.deputy_id, row.confirmed_at) == (cosigner.pk, None)
    signer = signed_in(cosigner.user)
    listing = signer.get("/suggestions/").content.decode()
    assert "待确认附议" in listing and f"/suggestions/{item.pk}/cosigners/confirm/" in listing
    page = signer.get(url).content.decode()
    assert "确认附议" in page and f"/suggestions/{item.pk}/edit/" not in page
    response = signer.post(url + "cosigners/confirm/", follow=True)
    assert "已确认附议" in response.content.decode()
    with world.huaxi:
        assert CoSigner.objects.get(suggestion=item).confirmed_at is not None
    assert "待确认附议" not in signer.get("/suggestions/").content.decode()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("tian", "附议代表须是本级人大的在任代表"),
        ("yang", "领衔代表不必再作为附议代表"),
        ("twice", "这位代表已经是附议代表"),
        ("abc", "请选择代表"),
        ("", "errorlist"),
    ],
)
def test_a_wrong_cosigner_is_shown_on_the_page_and_changes_nothing(world, client_for, cosigner, who, message):
    item = draft_as_yang(world)
    with world.huaxi:
        services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=cosigner.pk)
        before = snapshot(item.pk)
    value = {"tian": None, "yang": None, "twice": cosigner.pk, "abc": "abc", "": ""}[who]
    value = deputy(who).pk if value is None else value
    response = client_for("yang", "huaxi").post(f"/suggestions/{item.pk}/cosigners/", {"deputy": value})
    assert response.status_code == 200 and message in response.content.decode()
    with world.huaxi:
        assert snapshot(item.pk) == before


def test_naming_and_confirming_cosigners_is_refused_to_the_wrong_persona(world, client_for, cosigner):
    item = draft_as_yang(world)
    luo = deputy("luo").pk
    with world.huaxi:
        services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=cosigner.pk)
        before = snapshot(item.pk)
    add, confirm = f"/suggestions/{item.pk}/cosigners/", f"/suggestions/{item.pk}/cosigners/confirm/"
    signer = signed_in(cosigner.user)
    response = signer.post(add, {"deputy": luo})  # a co-signer does not name others
    assert response.status_code == 200 and "只有领衔代表可以邀请附议代表" in response.content.decode()
    for persona, code in [("zhang", 404), ("liu", 404), ("sun", 403), ("wu", 403), ("ma", 403)]:
        assert client_for(persona, "huaxi").post(add, {"deputy": luo}).status_code == code, persona
        assert client_for(persona, "huaxi").post(confirm).status_code == code, persona
    response = client_for("yang", "huaxi").post(confirm, follow=True)  # only the co-signer themself confirms
    assert "只有被邀请的附议代表本人可以确认附议" in response.content.decode()
    with world.huaxi:
        assert snapshot(item.pk) == before


def test_the_list_shows_a_deputy_the_replies_awaiting_their_evaluation(world, client_for):
    with world.huaxi:
        replied = world.drive(Status.REPLIED)
        assigned = world.drive(Status.ASSIGNED)
    html = client_for("yang", "huaxi").get("/suggestions/").content.decode()
    waiting = html.split("待我办理")[1].split("</section>")[0]
    assert replied.title in waiting and f"/suggestions/{replied.pk}/#actions" in waiting
    assert f"/suggestions/{assigned.pk}/" not in waiting
    assert "待我办理" not in client_for("zhang", "huaxi").get("/suggestions/").content.decode()  # not a deputy


def test_the_reply_form_carries_the_commitment(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    page = client_for("liu", "huaxi").get(f"/suggestions/{item.pk}/").content.decode()
    assert 'name="commitment_text"' in page and "承诺事项（B、C类答复）" in page
    posted = QueryDict(mutable=True)
    posted.update({"action": "reply", "result_category": "B", "reply_public_text": "分步实施。"})
    posted.update({"commitment_text": "年底前建成停车场。"})
    assert views._transition_data(posted)["commitment_text"] == "年底前建成停车场。"


def test_the_office_assigns_lead_joint_assisting_and_separate_units_from_the_page(world, client_for):
    with world.huaxi:
        item = world.drive(Status.ACCEPTED)
    page = client_for("zhang", "huaxi").get(f"/suggestions/{item.pk}/").content.decode()
    for name in ("lead_unit", "joint_units", "assisting_units", "separate_units"):
        assert f'name="{name}"' in page
    response = client_for("zhang", "huaxi").post(
        f"/suggestions/{item.pk}/transition/",
        {
            "action": "assign",
            "lead_unit": world.bureau.pk,
            "assisting_units": [world.court.pk],
            "separate_units": [world.farm.pk],
        },
    )
    assert response.status_code == 302
    with world.huaxi:
        item.refresh_from_db()
        assert item.status == Status.ASSIGNED
        roles = dict(item.assignments.values_list("unit_id", "role"))
    assert roles == {world.bureau.pk: "lead", world.court.pk: "assisting", world.farm.pk: "separate"}
