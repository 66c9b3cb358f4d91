"""Publication of answered items (issue 4 item 8) and confidentiality (RULES.md): the office publishes with
parts hidden, hidden parts are neither shown nor found, identity confidentiality hides the deputies, classified
items are never public; the public list's Chinese search; who may publish, on pages and in the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.registry.selectors import term_current
from tenant_apps.suggestions import public_api, publication, services
from tenant_apps.suggestions.models import Status, Suggestion, SuggestionEvent
from tests.support.registry import seated_deputy
from tests.support.suggestions import ALLOWED, PATHS, World, at, snapshot

SECRET_BODY = "河道采砂乱象严重"
SECRET_REPLY = "已联合水务部门开展专项整治"
LIST, API_LIST = "/suggestions/public/", "/api/v1/suggestions/public/"


@pytest.fixture(autouse=True)
def _february(monkeypatch):
    at(monkeypatch, datetime.date(2026, 2, 25))


def item_with(
    world: World,
    status=Status.REPLIED,
    *,
    title="关于改善青岩古镇交通的建议",
    body="周末拥堵严重。",
    reply="已增设停车场和接驳车。",
    result="A",
    category="交通",
    signers=(),
) -> Suggestion:
    """An item of Yang's in `status`, with its own text, reached through the services (inside the schema)."""
    item = services.suggestion_draft_create(
        access=world.as_("yang"), data={"title": title, "body": body, "category": category}
    )
    for deputy in signers:
        services.cosigner_add(access=world.as_("yang"), suggestion=item, deputy_id=deputy.pk)
        access = Access(user=deputy.user, congress=world.huaxi, roles=roles_for(deputy.user, world.huaxi))
        services.cosigner_confirm(access=access, suggestion=item)
    for step in PATHS[status]:
        action, data = step if isinstance(step, tuple) else (step, {})
        if action == "reply":
            data = {"reply_public_text": reply, "result_category": result}
        item = world.act(item, ALLOWED[action], action, **data)
    return item


def publish(world, item, persona="zhang", hidden=()):
    return publication.suggestion_publish(access=world.as_(persona), suggestion=item, hidden=list(hidden))


def confide(world, item, value, persona="zhang"):
    return publication.suggestion_set_confidentiality(access=world.as_(persona), suggestion=item, confidentiality=value)


def refused(item, call, exc=ValidationError):
    before = snapshot(item.pk)
    with pytest.raises(exc) as caught:
        call()
    assert snapshot(item.pk) == before
    return caught.value


def found(client, path, q="", **params) -> list:
    """The ids the API list answers for `q` and `params`, or the list page's HTML."""
    response = client.get(path, {"q": q, **params})
    assert response.status_code == 200, response.content
    if path.startswith("/api/"):
        return [row["id"] for row in response.json()["results"]]
    return response.content.decode()


# -- the services ------------------------------------------------------------------------------------------


def test_the_office_publishes_changes_and_unpublishes(world):
    with world.huaxi:
        item = item_with(world)
        published = publish(world, item, hidden=["units", "body"])
        assert published.published_at is not None and published.public_hidden == ["body", "units"]
        first = published.published_at
        again = publish(world, item, persona="li", hidden=[])
        assert again.public_hidden == [] and again.published_at == first
        gone = publication.suggestion_unpublish(access=world.as_("zhang"), suggestion=item, note="内容有误")
        assert gone.published_at is None and gone.status == Status.REPLIED
        events = list(SuggestionEvent.objects.filter(suggestion=item, action__in=["publish", "unpublish"]))
        assert [(e.action, e.data.get("hidden"), e.note) for e in events] == [
            ("publish", ["body", "units"], ""),
            ("publish", [], ""),
            ("unpublish", None, "内容有误"),
        ]
        assert events[1].data["previously_hidden"] == ["body", "units"]
        refused(item, lambda: publication.suggestion_unpublish(access=world.as_("zhang"), suggestion=item))


def test_only_this_congress_office_publishes(world, congresses, users):
    with world.huaxi:
        item = item_with(world)
        other = publish(world, item_with(world, title="另一件"))
        for persona in ("yang", "liu", "zhao", "sun", "chen", "kong", "ma", "zhou"):
            if persona in ("ma", "zhou"):  # office of another congress, with their own congress's access
                home = congresses["honghuagang" if persona == "ma" else "qingyan"]
                access = Access(user=users[persona], congress=home, roles=roles_for(users[persona], home))
            else:
                access = world.as_(persona)
            calls = (
                (item, lambda a=access: publication.suggestion_publish(access=a, suggestion=item, hidden=[])),
                (other, lambda a=access: publication.suggestion_unpublish(access=a, suggestion=other)),
                (
                    item,
                    lambda a=access: publication.suggestion_set_confidentiality(
                        access=a, suggestion=item, confidentiality="identity"
                    ),
                ),
            )
            for target, call in calls:
                refused(target, call, PermissionDenied)


def test_only_answered_items_are_published(world):
    with world.huaxi:
        for status in (Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.REHANDLING, Status.WITHDRAWN):
            item = item_with(world, status)
            error = refused(item, lambda i=item: publish(world, i))
            assert "status" in error.message_dict, status


def test_a_merged_item_is_published_with_the_reply_of_its_target(world, client_for):
    with world.huaxi:
        merged = world.act(item_with(world, Status.SUBMITTED, title="关于古镇停车难的建议"), "zhang", "merge")
        assert "status" in refused(merged, lambda: publish(world, merged)).message_dict  # target not answered
        target = world.act(world.act(world.target, "zhang", "assign"), "liu", "reply")
        publish(world, merged)
        closed = publish(world, item_with(world, Status.CLOSED, title="已办结的一件", reply="已办结。"))
    page = client_for(None, "huaxi").get(f"/suggestions/public/{merged.pk}/").content.decode()
    assert target.reply_public_text in page and "花溪区教育局" in page and f"第{target.number}号" in page
    assert f"/suggestions/public/{target.pk}/" not in page  # the target itself is not published
    assert found(client_for(None, "huaxi"), API_LIST, "接驳车") == [merged.pk]  # its target's reply
    ids = [row["id"] for row in client_for(None, "huaxi").get(API_LIST).json()["results"]]
    assert set(ids) == {merged.pk, closed.pk}


def test_unknown_hidden_parts_are_refused(world):
    with world.huaxi:
        item = item_with(world)
        for hidden in (["deputies", "photo"], "body", [["body"]], {"body": True}):
            error = refused(
                item,
                lambda h=hidden: publication.suggestion_publish(access=world.as_("zhang"), suggestion=item, hidden=h),
            )
            assert "hidden" in error.message_dict, hidden


def test_identity_confidentiality_always_hides_the_deputies(world):
    with world.huaxi:
        draft = item_with(world, Status.DRAFT)
        confide(world, draft, "identity", persona="yang")  # the lead deputy, on a draft
        item = item_with(world, Status.REPLIED)
        for step in PATHS[Status.REPLIED]:
            draft = world.act(draft, ALLOWED[step], step)
        assert publish(world, draft, hidden=["body"]).public_hidden == ["deputies", "body"]
        shown = publish(world, item, hidden=[])
        assert shown.public_hidden == []
        after = confide(world, item, "identity")  # published with names shown: hidden at once
        assert after.public_hidden == ["deputies"] and after.published_at is not None
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert (event.action, event.data["to"], event.data["hidden"]) == ("confidentiality", "identity", ["deputies"])
        assert publish(world, item, hidden=[]).public_hidden == ["deputies"]  # the office cannot show them
        relaxed = confide(world, item, "none")  # names stay hidden until the office republishes
        assert relaxed.public_hidden == ["deputies"]


def test_classified_items_are_never_published(world, client_for):
    with world.huaxi:
        item = item_with(world)
        confide(world, item, "classified")
        error = refused(item, lambda: publish(world, item))
        assert "confidentiality" in error.message_dict and "涉密" in error.messages[0]
        public = publish(world, item_with(world, title="已公开后定为涉密"))
        merged = world.act(item_with(world, Status.SUBMITTED, title="并入件"), "zhang", "merge")
        target = world.act(world.act(world.target, "zhang", "assign"), "liu", "reply")
        publish(world, target)
        publish(world, merged)
    client = client_for(None, "huaxi")
    assert client.get(f"/suggestions/public/{public.pk}/").status_code == 200
    assert client.get(f"/suggestions/public/{item.pk}/").status_code == 404
    with world.huaxi:
        confide(world, public, "classified")
        confide(world, target, "classified")
        for row in (public, target, merged):
            row.refresh_from_db()
            assert row.published_at is None, row.title
        assert SuggestionEvent.objects.filter(suggestion=merged).latest("id").data["because_of"] == target.pk
    for pk in (public.pk, target.pk, merged.pk):
        assert client.get(f"/suggestions/public/{pk}/").status_code == 404
        assert client.get(f"{API_LIST}{pk}/").status_code == 404
    assert client.get(API_LIST).json()["count"] == 0


def test_who_sets_confidentiality(world):
    with world.huaxi:
        draft = item_with(world, Status.DRAFT)
        assert "confidentiality" in refused(draft, lambda: confide(world, draft, "secret", "yang")).message_dict
        refused(draft, lambda: confide(world, draft, "identity", "liu"), PermissionDenied)
        submitted = item_with(world, Status.SUBMITTED)
        refused(submitted, lambda: confide(world, submitted, "identity", "yang"), PermissionDenied)
        assert confide(world, submitted, "identity", "zhang").confidentiality == "identity"
        before = snapshot(submitted.pk)
        confide(world, submitted, "identity", "li")  # the same value: nothing to record
        assert snapshot(submitted.pk) == before


# -- hidden parts on the public site ------------------------------------------------------------------------


@pytest.fixture
def hidden_and_shown(world, congresses):
    """Two published items with the same co-signer, text, reply and units: one hides every part, one none."""
    signer = seated_deputy(51, term_current(congresses["huaxi"]), "signer51@example.org")
    with world.huaxi:
        secret = item_with(world, title="关于河道治理的建议", body=SECRET_BODY, reply=SECRET_REPLY, signers=[signer])
        shown = item_with(world, title="关于河道管护的建议", body=SECRET_BODY, reply=SECRET_REPLY, signers=[signer])
        publish(world, secret, hidden=list(publication.HIDEABLE))
        publish(world, shown)
    return secret, shown


SECRETS = [SECRET_BODY, "采砂", SECRET_REPLY, "水务", "杨秀英", "代表51", "花溪区教育局", "人民法院"]


def test_hidden_parts_are_not_shown(hidden_and_shown, client_for, api_for):
    secret, shown = hidden_and_shown
    client = client_for(None, "huaxi")
    page = client.get(f"/suggestions/public/{secret.pk}/").content.decode()
    assert "关于河道治理的建议" in page and page.count("（不公开）") == 5  # lead, co-signers, body, units, reply
    for text in SECRETS:
        assert text not in page, text
    visible = client.get(f"/suggestions/public/{shown.pk}/").content.decode()
    for text in SECRETS:
        assert text in visible, text
    body = api_for(None, "huaxi").get(f"{API_LIST}{secret.pk}/").json()
    assert body["hidden"] == ["deputies", "body", "reply", "units"]
    assert [body[k] for k in ("lead_deputy", "cosigners", "body", "reply", "units")] == [None] * 5
    for text in SECRETS:
        assert text not in str(body), text
    listing = client.get(LIST).content.decode()
    assert "杨秀英" in listing and listing.count("（不公开）") == 1  # the list shows only the lead deputy


def test_hidden_parts_are_not_searchable(hidden_and_shown, client_for):
    _secret, shown = hidden_and_shown
    client = client_for(None, "huaxi")
    for q in SECRETS:
        assert found(client, API_LIST, q) == [shown.pk], q
        page = found(client, LIST, q)
        assert "关于河道管护的建议" in page and "关于河道治理的建议" not in page, q


# -- the public list ----------------------------------------------------------------------------------------


@pytest.fixture
def published(world, monkeypatch):
    at(monkeypatch, datetime.date(2025, 3, 10))
    with world.huaxi:
        road = item_with(
            world,
            title="关于修缮石板镇道路的建议",
            body="雨季路面积水。",
            category="交通",
            result="B",
            reply="已列入年度维修计划。",
        )
    at(monkeypatch, datetime.date(2026, 2, 25))
    with world.huaxi:
        town = item_with(world, title="关于改善青岩古镇交通的建议", body="周末拥堵，停车难。", reply="已增设停车场。")
        school = item_with(
            world,
            title="关于增加学校食堂补贴的建议",
            body="学生营养餐补贴偏低。",
            category="教育",
            reply="已提高补贴标准。",
        )
        unpublished = item_with(world, title="关于青岩古镇路灯的建议")
        for item in (road, town, school):
            publish(world, item)
    return {"road": road, "town": town, "school": school, "unpublished": unpublished}


SEARCHES = (
    ("路", ["road"]),  # one character (路灯 is not published)
    ("交通", ["town", "road"]),  # two characters, in a title and in a category
    ("青岩古镇", ["town"]),  # four characters
    ("交通 停车", ["town"]),  # every term must occur
    ("  补贴   食堂 ", ["school"]),
    ("停车 营养", []),
    ("拥堵停车", []),  # a term is one substring
    ("杨秀英", ["school", "town", "road"]),  # the lead deputy's name, when shown
    ("花溪区教育局", ["school", "town", "road"]),
    ("", ["school", "town", "road"]),
)


def test_chinese_search(published, client_for):
    client = client_for(None, "huaxi")
    for q, expected in SEARCHES:
        assert found(client, API_LIST, q) == [published[key].pk for key in expected], q
    page = found(client, LIST, "路")  # the page searches the same way
    assert "关于修缮石板镇道路的建议" in page and "关于改善青岩古镇交通的建议" not in page and "路灯" not in page


def test_search_by_number_and_filters(published, client_for, api_for):
    client = api_for(None, "huaxi")
    town, road = published["town"], published["road"]
    assert town.pk in found(client, API_LIST, str(town.number))
    assert found(client, API_LIST, year=2025) == [road.pk]
    assert found(client, API_LIST, "交通", year=2026) == [town.pk]
    assert found(client, API_LIST, result="B") == [road.pk]
    assert found(client, API_LIST, kind="motion") == []
    assert len(found(client, API_LIST, kind="suggestion")) == 3
    for params, field in (({"year": "去年"}, "year"), ({"result": "Z"}, "result"), ({"kind": "letter"}, "kind")):
        response = client.get(API_LIST, params)
        assert response.status_code == 400 and field in response.json(), params
    page = found(client_for(None, "huaxi"), LIST, year="2025", result="B")
    assert "关于修缮石板镇道路的建议" in page and "关于改善青岩古镇交通的建议" not in page
    assert "关于修缮石板镇道路的建议" in found(client_for(None, "huaxi"), LIST, year="去年")  # the page ignores it


def test_anonymous_visitors_read_the_public_list_and_pages(published, client_for, api_for, monkeypatch):
    monkeypatch.setattr(publication, "PAGE_SIZE", 2)
    monkeypatch.setattr(public_api.PublicPagination, "page_size", 2)
    client = client_for(None, "huaxi")
    page = client.get(LIST)
    assert page.status_code == 200 and "关于增加学校食堂补贴的建议" in page.content.decode()
    assert "page=2" in page.content.decode()
    assert "关于修缮石板镇道路的建议" in client.get(LIST, {"page": 2}).content.decode()
    api = api_for(None, "huaxi").get(API_LIST).json()
    assert api["count"] == 3 and len(api["results"]) == 2 and api["next"]
    town = published["town"]
    detail = client.get(f"/suggestions/public/{town.pk}/").content.decode()
    assert "已增设停车场。" in detail and "花溪区教育局" in detail and "杨秀英" in detail
    body = api_for(None, "huaxi").get(f"{API_LIST}{town.pk}/").json()
    assert body["reply"] == "已增设停车场。" and body["result_category"] == "A"
    assert body["result_label"] == "已经解决或者基本解决" and body["units"][0]["role"] == "lead"
    for pk in (published["unpublished"].pk, 999999):
        assert client.get(f"/suggestions/public/{pk}/").status_code == 404
        assert api_for(None, "huaxi").get(f"{API_LIST}{pk}/").status_code == 404
    # Another congress's public list does not show Huaxi's items.
    assert api_for(None, "qingyan").get(API_LIST).json()["count"] == 0


def test_a_disabled_module_answers_404(world, published, api_for, client_for):
    li = api_for("li", "huaxi")
    modules = [m for m in li.get("/api/v1/congress/settings/").json()["modules"] if m != "suggestions"]
    response = li.put("/api/v1/congress/settings/", {"modules": modules, "preferences": {}}, format="json")
    assert response.status_code == 200 and "suggestions" not in response.json()["modules"]
    town = published["town"]
    for path in (LIST, f"/suggestions/public/{town.pk}/"):
        assert client_for(None, "huaxi").get(path).status_code == 404, path
    for path in (API_LIST, f"{API_LIST}{town.pk}/"):
        assert api_for(None, "huaxi").get(path).status_code == 404, path
    assert li.delete(f"/api/v1/suggestions/{town.pk}/publication/").status_code == 404
    with world.huaxi:
        assert Suggestion.objects.get(pk=town.pk).published_at is not None


# -- pages and API of the office ------------------------------------------------------------------------------


def test_the_office_publishes_through_the_pages(world, client_for):
    with world.huaxi:
        item = item_with(world)
    office = client_for("zhang", "huaxi")
    page = office.get(f"/suggestions/{item.pk}/").content.decode()
    assert f"/suggestions/{item.pk}/publish/" in page and 'name="hidden" value="body"' in page
    response = office.post(f"/suggestions/{item.pk}/publish/", {"hidden": ["body", "reply"]})
    assert response.status_code == 302
    with world.huaxi:
        item.refresh_from_db()
        assert item.published_at is not None and item.public_hidden == ["body", "reply"]
    page = office.get(f"/suggestions/{item.pk}/").content.decode()
    assert f"/suggestions/{item.pk}/unpublish/" in page and f"/suggestions/public/{item.pk}/" in page
    office.post(f"/suggestions/{item.pk}/publish/", {"hidden": ["nonsense"]})
    office.post(f"/suggestions/{item.pk}/confidentiality/", {"confidentiality": "identity"})
    with world.huaxi:
        item.refresh_from_db()
        assert item.public_hidden == ["deputies", "body", "reply"] and item.confidentiality == "identity"
    assert office.post(f"/suggestions/{item.pk}/unpublish/", {"note": "撤回"}).status_code == 302
    with world.huaxi:
        item.refresh_from_db()
        assert item.published_at is None


def test_the_lead_deputy_sets_confidentiality_on_a_draft_page(world, client_for):
    with world.huaxi:
        draft = item_with(world, Status.DRAFT)
    yang = client_for("yang", "huaxi")
    page = yang.get(f"/suggestions/{draft.pk}/").content.decode()
    assert f"/suggestions/{draft.pk}/confidentiality/" in page and "/publish/" not in page
    yang.post(f"/suggestions/{draft.pk}/confidentiality/", {"confidentiality": "identity"})
    with world.huaxi:
        draft.refresh_from_db()
        assert draft.confidentiality == "identity"


# Posting a publication form: members who see the item come back to it with the refusal, other members of the
# module without the item get 404, everyone else 403, anonymous visitors the sign-in page.
PAGE_REFUSALS = {
    "yang": 302,
    "liu": 302,
    "chen": 302,  # a state organ's staff follows assigned items, read only
    "zhao": 404,
    **dict.fromkeys(("sun", "ma", "zhou", "wu"), 403),
}


def test_pages_and_api_refuse_everyone_but_the_office(world, client_for, api_for):
    with world.huaxi:
        item = item_with(world)
        other = publish(world, item_with(world, title="已公开的一件"))
        before = snapshot(item.pk), snapshot(other.pk)
    posts = (
        (item.pk, "publish/", {"hidden": []}),
        (other.pk, "unpublish/", {}),
        (item.pk, "confidentiality/", {"confidentiality": "classified"}),
    )
    for persona in (*PAGE_REFUSALS, None):
        client = client_for(persona, "huaxi")
        if persona in ("yang", "liu", "chen"):  # they see the item's page, without the office's forms
            assert "/publish/" not in client.get(f"/suggestions/{item.pk}/").content.decode()
        for pk, path, data in posts:
            response = client.post(f"/suggestions/{pk}/{path}", data)
            assert response.status_code == PAGE_REFUSALS.get(persona, 302), (persona, path)
            if response.status_code == 302:
                expected = "/accounts/login/" if persona is None else f"/suggestions/{pk}/"
                assert expected in response.headers["Location"], (persona, path)
        api = api_for(persona, "huaxi")
        url = "/api/v1/suggestions/{}/"
        responses = [
            api.post(url.format(item.pk) + "publication/", {"hidden": []}, format="json"),
            api.delete(url.format(other.pk) + "publication/"),
            api.post(url.format(item.pk) + "confidentiality/", {"confidentiality": "classified"}, format="json"),
        ]
        expected = {401, 403} if persona is None else {404 if persona == "zhao" else 403}
        assert {r.status_code for r in responses} <= expected, (persona, [r.status_code for r in responses])
    with world.huaxi:
        assert (snapshot(item.pk), snapshot(other.pk)) == before


def test_the_office_publishes_through_the_api(world, api_for):
    with world.huaxi:
        item = item_with(world)
        before = snapshot(item.pk)
    url = f"/api/v1/suggestions/{item.pk}/"
    li = api_for("li", "huaxi")
    state = li.get(url + "publication/").json()
    assert state["published_at"] is None and state["publish_refusal"] is None and state["is_public"] is False
    for data, field in (({"hidden": ["body", "x"]}, "hidden"), ({"hidden": "body"}, "hidden")):
        response = li.post(url + "publication/", data, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
    response = li.post(url + "confidentiality/", {"confidentiality": "secret"}, format="json")
    assert response.status_code == 400 and "confidentiality" in response.json()
    with world.huaxi:
        assert snapshot(item.pk) == before
    response = li.post(url + "publication/", {"hidden": ["units"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["hidden"] == ["units"] and response.json()["is_public"] is True
    assert api_for("yang", "huaxi").get(url + "publication/").json()["publish_refusal"] is None
    response = li.post(
        url + "confidentiality/", {"confidentiality": "classified", "note": "涉及国家秘密"}, format="json"
    )
    body = response.json()
    assert response.status_code == 200 and body["published_at"] is None and body["confidentiality"] == "classified"
    assert "涉密" in li.get(url + "publication/").json()["publish_refusal"]
    response = li.post(url + "publication/", {}, format="json")
    assert response.status_code == 400 and "confidentiality" in response.json()
    assert li.delete(url + "publication/").status_code == 400  # not published
