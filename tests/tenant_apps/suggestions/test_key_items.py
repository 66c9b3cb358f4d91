"""Key suggestions and special committees (issue 4, 代表法 Art. 52): the administrators keep the committees, the
office records the chairpersons' meeting's decision, the committee's members (whatever their role here) see
their key items and log supervision notes; nobody else does."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tenant_apps.suggestions import key_items, selectors
from tenant_apps.suggestions.models import Committee, CommitteeEvent, CommitteeMember, Status, SuggestionEvent
from tests.support.suggestions import at, snapshot

# Chen (state organ staff of Huaxi: no role of the suggestions module) sits on the finance committee.
MEETING_DAY = "2026-03-02"


@pytest.fixture(autouse=True)
def _march(monkeypatch):
    at(monkeypatch, datetime.date(2026, 3, 10))


@pytest.fixture
def finance(world) -> Committee:
    with world.huaxi:
        committee = key_items.committee_create(access=world.as_("li"), name="财政经济委员会")
        key_items.committee_member_add(access=world.as_("li"), committee=committee, email="chen@example.org")
    return committee


def mark(world, item, persona="zhang", committee=None, **data):
    values = {"committee_id": committee.pk if committee else None, "decided_on": MEETING_DAY, "note": "", **data}
    return key_items.suggestion_mark_key(access=world.as_(persona), suggestion=item, **values)


def committees_state() -> tuple:
    return (
        list(Committee.objects.order_by("pk").values_list("pk", "name", "is_active")),
        list(CommitteeMember.objects.order_by("pk").values_list("committee_id", "user_id")),
        CommitteeEvent.objects.count(),
    )


def refused(call, state, exc=PermissionDenied):
    before = state()
    with pytest.raises(exc) as caught:
        call()
    assert state() == before
    return caught.value


# -- committees --------------------------------------------------------------------------------------------


def test_the_administrator_keeps_committees_and_their_members(world, finance):
    li = world.as_("li")
    with world.huaxi:
        assert [m.user.email for m in finance.members.all()] == ["chen@example.org"]
        key_items.committee_update(access=li, committee=finance, name="财经委", is_active=False)
        key_items.committee_member_add(access=li, committee=finance, email=" SUN@example.org ")
        key_items.committee_member_remove(access=li, committee=finance, user_id=world.users["chen"].pk)
        finance.refresh_from_db()
        assert (finance.name, finance.is_active) == ("财经委", False)
        assert list(finance.members.values_list("user__email", flat=True)) == ["sun@example.org"]
        actions = list(CommitteeEvent.objects.order_by("id").values_list("action", flat=True))
        assert actions == ["created", "member_added", "updated", "member_added", "member_removed"]


@pytest.mark.parametrize("persona", ["zhang", "yang", "liu", "chen", "sun"])
def test_only_the_administrator_changes_committees(world, finance, persona):
    access = world.as_(persona)
    with world.huaxi:
        refused(lambda: key_items.committee_create(access=access, name="教科文卫委员会"), committees_state)
        refused(lambda: key_items.committee_update(access=access, committee=finance, name="改名"), committees_state)
        refused(
            lambda: key_items.committee_member_add(access=access, committee=finance, email="sun@example.org"),
            committees_state,
        )
        refused(
            lambda: key_items.committee_member_remove(access=access, committee=finance, user_id=world.users["chen"].pk),
            committees_state,
        )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda li, c: key_items.committee_create(access=li, name="  "), "name"),
        (lambda li, c: key_items.committee_create(access=li, name="财政经济委员会"), "name"),
        (lambda li, c: key_items.committee_create(access=li, name="委" * 101), "name"),
        (lambda li, c: key_items.committee_update(access=li, committee=c, name=""), "name"),
        (lambda li, c: key_items.committee_member_add(access=li, committee=c, email=""), "email"),
        (lambda li, c: key_items.committee_member_add(access=li, committee=c, email="wu@example.org"), "email"),
        (lambda li, c: key_items.committee_member_add(access=li, committee=c, email="ma@example.org"), "email"),
        (lambda li, c: key_items.committee_member_add(access=li, committee=c, email="chen@example.org"), "email"),
        (lambda li, c: key_items.committee_member_remove(access=li, committee=c, user_id="x"), "user"),
        (lambda li, c: key_items.committee_member_remove(access=li, committee=c, user_id=999999), "user"),
    ],
)
def test_bad_committee_input_changes_nothing(world, finance, call, field):
    with world.huaxi:
        error = refused(lambda: call(world.as_("li"), finance), committees_state, ValidationError)
    assert field in error.message_dict


# -- marking --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_the_office_marks_items_being_handled(world, finance, status):
    with world.huaxi:
        item = world.drive(status)
        before = snapshot(item.pk)
        if status in key_items.MARKABLE:
            item = mark(world, item, committee=finance, note="主任会议第3次会议")
            assert (item.is_key, item.key_committee_id) == (True, finance.pk) and item.key_marked_at
            event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
            assert (event.action, event.data["decided_on"], event.note) == (
                "key_mark",
                MEETING_DAY,
                "主任会议第3次会议",
            )
            item = key_items.suggestion_unmark_key(access=world.as_("li"), suggestion=item, note="登记有误")
            assert (item.is_key, item.key_committee_id, item.key_marked_at) == (False, None, None)
            assert SuggestionEvent.objects.filter(suggestion=item).latest("id").action == "key_unmark"
        else:
            error = refused(lambda: mark(world, item, committee=finance), lambda: snapshot(item.pk), ValidationError)
            assert "status" in error.message_dict
            assert snapshot(item.pk) == before


@pytest.mark.parametrize("persona", ["liu", "yang", "chen", "zhao", "sun", "hu"])
def test_only_the_office_marks_and_unmarks(world, finance, persona):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        refused(lambda: mark(world, item, persona, committee=finance), lambda: snapshot(item.pk))
        mark(world, item, committee=finance)
        refused(
            lambda: key_items.suggestion_unmark_key(access=world.as_(persona), suggestion=item),
            lambda: snapshot(item.pk),
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"committee_id": None}, "committee"),
        ({"committee_id": "abc"}, "committee"),
        ({"committee_id": 999999}, "committee"),
        ({"decided_on": ""}, "decided_on"),
        ({"decided_on": "2026-13-01"}, "decided_on"),
        ({"decided_on": "2026-03-11"}, "decided_on"),  # after today
        ({"note": "说" * 2001}, "note"),
    ],
)
def test_bad_marking_input_changes_nothing(world, finance, data, field):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        values = {"committee_id": finance.pk, **data}
        error = refused(lambda: mark(world, item, **values), lambda: snapshot(item.pk), ValidationError)
    assert field in error.message_dict


def test_an_inactive_committee_gets_no_new_items_and_a_key_item_moves_committee(world, finance):
    li = world.as_("li")
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        education = key_items.committee_create(access=li, name="教育科学文化卫生委员会")
        mark(world, item, committee=finance)
        error = refused(lambda: mark(world, item, committee=finance), lambda: snapshot(item.pk), ValidationError)
        assert "committee" in error.message_dict  # already followed by it
        key_items.committee_update(access=li, committee=education, is_active=False)
        refused(lambda: mark(world, item, committee=education), lambda: snapshot(item.pk), ValidationError)
        key_items.committee_update(access=li, committee=education, is_active=True)
        item = mark(world, item, committee=education)
        assert item.key_committee_id == education.pk
        assert SuggestionEvent.objects.filter(suggestion=item).latest("id").data["previous"] == finance.pk
        unmarked = world.drive(Status.ASSIGNED)
        error = refused(
            lambda: key_items.suggestion_unmark_key(access=li, suggestion=unmarked),
            lambda: snapshot(unmarked.pk),
            ValidationError,
        )
        assert "is_key" in error.message_dict


# -- committee members see and follow their key items -----------------------------------------------------------


def test_a_committee_member_sees_the_key_item_and_logs_follow_up(world, finance):
    chen, hu = world.as_("chen"), world.as_("hu")
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
        # As a state organ's staff Chen already follows the assigned item, read only; not yet as a committee's.
        assert selectors.suggestion_get_for_user(chen, item.pk) == item
        assert list(key_items.key_item_list(chen)) == []
        refused(lambda: key_items.key_followup_add(access=chen, suggestion=item, text="……"), lambda: snapshot(item.pk))
        mark(world, item, committee=finance)
        assert selectors.suggestion_get_for_user(chen, item.pk) == item
        assert [i.pk for i in selectors.suggestion_list(chen)] == [item.pk]
        (row,) = key_items.key_item_list(chen)
        assert (row.pk, row.lead_unit_name, row.is_overdue) == (item.pk, "花溪区教育局", False)
        event = key_items.key_followup_add(access=chen, suggestion=item, text="到教育局了解办理进度。")
        assert (event.action, event.from_status, event.to_status) == ("key_followup", "assigned", "assigned")
        office_note = key_items.key_followup_add(access=world.as_("zhang"), suggestion=item, text="请加快办理。")
        assert [e.note for e in key_items.followup_list(item)] == ["到教育局了解办理进度。", office_note.note]
        # Hu staffs another unit and sits on no committee: he sees neither the item nor the key list.
        assert selectors.suggestion_get_for_user(hu, item.pk) is None
        assert not key_items.can_view_key_items(hu)
        refused(lambda: key_items.key_followup_add(access=hu, suggestion=item, text="……"), lambda: snapshot(item.pk))
        # Liu staffs the lead unit and sees the item, but does not supervise it.
        liu = world.as_("liu")
        refused(lambda: key_items.key_followup_add(access=liu, suggestion=item, text="……"), lambda: snapshot(item.pk))
        error = refused(
            lambda: key_items.key_followup_add(access=chen, suggestion=item, text="  "),
            lambda: snapshot(item.pk),
            ValidationError,
        )
        assert "text" in error.message_dict
        key_items.suggestion_unmark_key(access=world.as_("zhang"), suggestion=item)
        assert list(key_items.key_item_list(chen)) == []  # off his committee's list; read only as a state organ
        refused(lambda: key_items.key_followup_add(access=chen, suggestion=item, text="……"), lambda: snapshot(item.pk))


def test_the_key_list_flags_overdue_items(world, finance, monkeypatch):
    with world.huaxi:
        item = mark(world, world.drive(Status.ASSIGNED), committee=finance)
        other = world.drive(Status.ASSIGNED)
        at(monkeypatch, item.reply_due + datetime.timedelta(days=1))
        rows = list(key_items.key_item_list(world.as_("zhang")))
        assert [(r.pk, r.is_overdue) for r in rows] == [(item.pk, True)]
        assert other.pk not in [r.pk for r in rows]
        assert list(key_items.key_item_list(world.as_("zhang"), status="replied")) == []


# -- pages ------------------------------------------------------------------------------------------------------


def test_the_pages(world, finance, client_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    li, zhang, chen = client_for("li", "huaxi"), client_for("zhang", "huaxi"), client_for("chen", "huaxi")
    page = li.get("/suggestions/committees/").content.decode()
    assert "财政经济委员会" in page and "chen@example.org" in page and "/suggestions/committees/" in page
    assert li.post("/suggestions/committees/", {"name": "农业与农村委员会"}).status_code == 302
    office_page = zhang.get("/suggestions/committees/")
    assert office_page.status_code == 200 and 'name="email"' not in office_page.content.decode()
    assert zhang.post("/suggestions/committees/", {"name": "又一个"}).status_code == 403
    li.post(f"/suggestions/committees/{finance.pk}/members/", {"email": "sun@example.org"})
    li.post(f"/suggestions/committees/{finance.pk}/members/{world.users['sun'].pk}/remove/")
    li.post(f"/suggestions/committees/{finance.pk}/", {"name": "财经委", "is_active": "1"})
    # The office marks the item on its page; Chen then sees it, with the follow-up form.
    assert f"/suggestions/{item.pk}/key/mark/" in zhang.get(f"/suggestions/{item.pk}/").content.decode()
    assert "key/followups/" not in chen.get(f"/suggestions/{item.pk}/").content.decode()  # read only until key
    response = zhang.post(
        f"/suggestions/{item.pk}/key/mark/", {"committee": finance.pk, "decided_on": MEETING_DAY, "note": "重点"}
    )
    assert response.status_code == 302
    detail = chen.get(f"/suggestions/{item.pk}/").content.decode()
    assert "财经委" in detail and f"/suggestions/{item.pk}/key/followups/" in detail
    assert f"/suggestions/{item.pk}/key/mark/" not in detail
    assert item.title in chen.get("/suggestions/").content.decode()
    assert item.title in chen.get("/suggestions/key/").content.decode()
    assert chen.post(f"/suggestions/{item.pk}/key/followups/", {"text": "实地察看"}).status_code == 302
    assert "实地察看" in zhang.get(f"/suggestions/{item.pk}/").content.decode()
    # A refused page action leaves a message and changes nothing.
    with world.huaxi:
        before = snapshot(item.pk)
    assert client_for("liu", "huaxi").post(f"/suggestions/{item.pk}/key/unmark/").status_code == 302
    assert (
        zhang.post(f"/suggestions/{item.pk}/key/mark/", {"committee": finance.pk, "decided_on": "x"}).status_code == 302
    )
    hu = client_for(None, "huaxi")
    hu.force_login(world.users["hu"])
    assert hu.post(f"/suggestions/{item.pk}/key/followups/", {"text": "x"}).status_code == 404
    with world.huaxi:
        assert snapshot(item.pk) == before
        assert Committee.objects.filter(name="农业与农村委员会").exists()
        assert list(finance.members.values_list("user__email", flat=True)) == ["chen@example.org"]
    assert zhang.post(f"/suggestions/{item.pk}/key/unmark/", {"note": "撤销"}).status_code == 302
    assert "key/followups/" not in chen.get(f"/suggestions/{item.pk}/").content.decode()  # read only until key


@pytest.mark.parametrize("persona", ["liu", "yang", "sun", "zhao", "ma", "zhou", "wu", None])
def test_the_pages_refuse_everyone_else(world, finance, client_for, persona):
    with world.huaxi:
        item = mark(world, world.drive(Status.ASSIGNED), committee=finance)
        before = (snapshot(item.pk), committees_state())
    client = client_for(persona, "huaxi")
    sees_item = persona in ("liu", "yang")  # the lead unit's staff and the lead deputy see the item itself
    expected = 302 if persona is None else 403
    assert client.get("/suggestions/committees/").status_code == expected
    assert client.get("/suggestions/key/").status_code == expected
    posts = {
        "/suggestions/committees/": {"name": "新委员会"},
        f"/suggestions/committees/{finance.pk}/": {"name": "改名"},
        f"/suggestions/committees/{finance.pk}/members/": {"email": "sun@example.org"},
        f"/suggestions/committees/{finance.pk}/members/{world.users['chen'].pk}/remove/": {},
        f"/suggestions/{item.pk}/key/mark/": {"committee": finance.pk, "decided_on": MEETING_DAY},
        f"/suggestions/{item.pk}/key/unmark/": {},
        f"/suggestions/{item.pk}/key/followups/": {"text": "……"},
    }
    for path, data in posts.items():
        status_code = client.post(path, data).status_code
        if "/key/" in path and persona in ("zhao", "liu", "yang"):
            # Members with a role in the module reach the item views: refused with a message, or not found.
            assert status_code == (302 if sees_item else 404), path
        else:
            assert status_code == expected, path
    with world.huaxi:
        assert (snapshot(item.pk), committees_state()) == before


# -- the API ------------------------------------------------------------------------------------------------------


def test_the_api(world, finance, api_for):
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)
    base = "/api/v1/suggestions/"
    li, zhang, chen = api_for("li", "huaxi"), api_for("zhang", "huaxi"), api_for("chen", "huaxi")
    created = li.post(base + "committees/", {"name": "监察和司法委员会"}, format="json")
    assert created.status_code == 201 and created.json()["members"] == []
    pk = created.json()["id"]
    assert li.post(base + "committees/", {"name": ""}, format="json").status_code == 400
    assert zhang.post(base + "committees/", {"name": "x"}, format="json").status_code == 403
    assert li.patch(f"{base}committees/{pk}/", {"is_active": False}, format="json").json()["is_active"] is False
    added = li.post(f"{base}committees/{pk}/members/", {"email": "zhao@example.org"}, format="json")
    assert added.status_code == 201 and added.json()["members"][0]["email"] == "zhao@example.org"
    assert li.post(f"{base}committees/{pk}/members/", {"email": "wu@example.org"}, format="json").status_code == 400
    zhao_id = world.users["zhao"].pk
    assert li.delete(f"{base}committees/{pk}/members/{zhao_id}/").json()["members"] == []
    assert li.delete(f"{base}committees/{pk}/members/{zhao_id}/").status_code == 400
    assert [c["name"] for c in zhang.get(base + "committees/").json()] == ["财政经济委员会", "监察和司法委员会"]
    assert api_for("liu", "huaxi").get(base + "committees/").status_code == 403

    url = f"{base}{item.pk}/key/"
    body = {"committee": finance.pk, "decided_on": MEETING_DAY}
    assert api_for("liu", "huaxi").post(url, body, format="json").status_code == 403
    assert chen.post(url, body, format="json").status_code == 403  # Chen reads the item but does not mark it
    assert zhang.post(url, {**body, "decided_on": "2026-02-30"}, format="json").status_code == 400
    assert zhang.post(url, {**body, "committee": pk}, format="json").json()["committee"]  # inactive
    marked = zhang.post(url, body, format="json")
    assert marked.status_code == 200 and marked.json()["is_key"] is True
    (row,) = chen.get(base + "key/").json()
    assert (row["id"], row["committee_name"], row["lead_unit_name"]) == (item.pk, "财政经济委员会", "花溪区教育局")
    assert chen.get(f"{base}{item.pk}/").status_code == 200
    posted = chen.post(url + "followups/", {"text": "听取汇报"}, format="json")
    assert posted.status_code == 201 and posted.json()["text"] == "听取汇报"
    assert chen.post(url + "followups/", {"text": ""}, format="json").status_code == 400
    assert [f["text"] for f in zhang.get(url + "followups/").json()] == ["听取汇报"]
    assert api_for("liu", "huaxi").get(url + "followups/").status_code == 404
    assert api_for("liu", "huaxi").post(url + "followups/", {"text": "x"}, format="json").status_code == 403
    hu = api_for(None, "huaxi")
    hu.force_login(world.users["hu"])
    assert hu.post(url + "followups/", {"text": "x"}, format="json").status_code == 404
    assert api_for("liu", "huaxi").post(url + "unmark/", {}, format="json").status_code == 403
    assert zhang.post(url + "unmark/", {"note": "撤销"}, format="json").json()["is_key"] is False
    assert chen.get(base + "key/").json() == []


@pytest.mark.parametrize("persona", ["ma", "zhou", "wu", None])
def test_the_api_refuses_other_congresses(world, finance, api_for, persona):
    with world.huaxi:
        item = mark(world, world.drive(Status.ASSIGNED), committee=finance)
        before = (snapshot(item.pk), committees_state())
    client = api_for(persona, "huaxi")
    expected = 401 if persona is None else 403
    base = "/api/v1/suggestions/"
    calls = [
        ("get", "committees/", None),
        ("post", "committees/", {"name": "新"}),
        ("get", f"committees/{finance.pk}/", None),
        ("patch", f"committees/{finance.pk}/", {"name": "改"}),
        ("post", f"committees/{finance.pk}/members/", {"email": "sun@example.org"}),
        ("delete", f"committees/{finance.pk}/members/{world.users['chen'].pk}/", None),
        ("get", "key/", None),
        ("post", f"{item.pk}/key/", {"committee": finance.pk, "decided_on": MEETING_DAY}),
        ("post", f"{item.pk}/key/unmark/", {}),
        ("get", f"{item.pk}/key/followups/", None),
        ("post", f"{item.pk}/key/followups/", {"text": "……"}),
    ]
    for method, path, data in calls:
        response = (
            getattr(client, method)(base + path, data, format="json") if data else getattr(client, method)(base + path)
        )
        assert response.status_code == expected, (method, path)
    with world.huaxi:
        assert (snapshot(item.pk), committees_state()) == before
