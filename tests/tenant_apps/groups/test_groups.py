"""Deputy groups (代表小组) and deputy studios / homes (代表工作室 / 代表之家)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from shared_apps.memberships.permissions import Access
from shared_apps.registry import services as registry
from shared_apps.registry.models import Deputy, Seat
from tenant_apps.groups import services
from tenant_apps.groups.models import DeputyGroup, DeputyGroupMember, GroupEvent, Studio, StudioDuty
from tenants.models import Congress
from tenants.modules import get_module
from tenants.selectors import platform_defaults
from tests.support.personas import PERSONAS

EVERYONE = sorted({*PERSONAS, None}, key=str)
MANAGERS = {"li", "zhang"}  # congress_admin and office_staff of Huaxi
REFUSED = sorted({*PERSONAS, None} - MANAGERS, key=str)  # zhou, ma, yang, wu, anonymous and the rest
MOBILES_AND_IDS = ("13885012345", "13985067890", "52011119750312002X", "520111196811230015", "138****2345")


@pytest.fixture
def deputies(db):
    """The persona deputies of the registry, by key: yang (township, county, city), luo (Huaxi), tian."""
    return {
        key: Deputy.objects.get(name=name) for key, name in (("yang", "杨秀英"), ("luo", "罗国华"), ("tian", "田芳"))
    }


def access_of(user, congress, *roles) -> Access:
    return Access(user=user, congress=congress, roles=frozenset(roles))


@pytest.fixture
def huaxi_data(users, congresses, deputies):
    """A Huaxi group (Yang and Luo, Luo leading) and a studio with Luo on duty, made by the services as Li."""
    huaxi = congresses["huaxi"]
    li = access_of(users["li"], huaxi, "congress_admin")
    with huaxi:
        group = services.group_create(access=li, data={"name": "青岩片区代表小组", "area_or_field": "青岩片区"})
        services.member_add(access=li, group=group, deputy_id=deputies["yang"].pk)
        services.group_update(access=li, group=group, data={"leader": deputies["luo"].pk})
        studio = services.studio_create(
            access=li,
            data={
                "kind": "home",
                "name": "青岩镇代表之家",
                "address": "青岩镇北街1号",
                "contact_phone": "0851-83200000",
            },
        )
        services.duties_set(
            access=li, studio=studio, duties=[{"deputy": deputies["luo"].pk, "weekday_or_date": "每月15日"}]
        )
    connection.set_schema_to_public()
    return {"group": group.pk, "studio": studio.pk}


def state(subdomain: str) -> tuple:
    """Everything the groups module keeps in one congress's schema."""
    with Congress.objects.get(subdomain=subdomain):
        return (
            list(DeputyGroup.objects.order_by("pk").values_list("name", "area_or_field", "description", "leader_id")),
            list(DeputyGroupMember.objects.order_by("pk").values_list("group_id", "deputy_id")),
            list(Studio.objects.order_by("pk").values_list("kind", "name", "address", "opening_days", "contact_phone")),
            list(StudioDuty.objects.order_by("pk").values_list("studio_id", "deputy_id", "weekday_or_date")),
            GroupEvent.objects.count(),
        )


# -- the module ----------------------------------------------------------------------------------------


def test_groups_is_a_registered_module_enabled_for_the_session_congresses(congresses):
    module = get_module("groups")
    assert (module.label_zh, module.label_en) == ("代表小组与工作室", "Groups and studios")
    assert module.menu[0].url_name == "groups:index"
    # The defaults row was created lazily, at the first provisioning, with every registered module.
    assert "groups" in platform_defaults().default_modules
    assert all("groups" in c.enabled_modules for c in congresses.values())


def test_disabling_the_module_answers_404_on_pages_and_api(api_for, client_for, huaxi_data):
    li = api_for("li", "huaxi")
    modules = [m for m in li.get("/api/v1/congress/settings/").json()["modules"] if m != "groups"]
    response = li.put("/api/v1/congress/settings/", {"modules": modules, "preferences": {}}, format="json")
    assert response.status_code == 200 and "groups" not in response.json()["modules"]
    group, studio = huaxi_data["group"], huaxi_data["studio"]
    for path in ("/groups/", f"/groups/{group}/", f"/groups/studios/{studio}/", "/groups/new/"):
        assert client_for("li", "huaxi").get(path).status_code == 404, path
        assert client_for(None, "huaxi").get(path).status_code == 404, path
    for path in ("/api/v1/groups/", f"/api/v1/groups/{group}/", "/api/v1/groups/studios/"):
        assert api_for(None, "huaxi").get(path).status_code == 404, path
    before = state("huaxi")
    assert li.post("/api/v1/groups/", {"name": "新小组"}, format="json").status_code == 404
    assert state("huaxi") == before
    assert "代表小组与工作室" not in client_for(None, "huaxi").get("/").content.decode()
    assert client_for(None, "qingyan").get("/groups/").status_code == 200


# -- management through the API ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_staff_manage_groups_through_the_api(api_for, congresses, deputies, persona):
    api = api_for(persona, "huaxi")
    created = api.post("/api/v1/groups/", {"name": "教育领域代表小组", "area_or_field": "教育"}, format="json")
    assert created.status_code == 201, created.content
    group = created.json()
    assert group["member_count"] == 0 and group["warnings"]  # fewer than three: warned, not refused
    url = f"/api/v1/groups/{group['id']}/"
    for key in ("yang", "luo"):
        response = api.post(f"{url}members/", {"deputy": deputies[key].pk}, format="json")
        assert response.status_code == 201, response.content
    assert response.json()["member_count"] == 2 and response.json()["warnings"]
    response = api.post(f"{url}members/", {"deputy": deputies["tian"].pk, "joined_on": "2026-01-05"}, format="json")
    assert response.json()["member_count"] == 3 and response.json()["warnings"] == []
    changed = api.patch(url, {"leader": deputies["tian"].pk, "description": "关注教育"}, format="json")
    assert changed.status_code == 200 and changed.json()["leader"] == {"id": deputies["tian"].pk, "name": "田芳"}
    removed = api.delete(f"{url}members/{deputies['tian'].pk}/")
    assert removed.status_code == 200 and removed.json()["leader"] is None  # a removed leader leaves no leader
    assert removed.json()["member_count"] == 2 and removed.json()["warnings"]
    with congresses["huaxi"]:
        kinds = list(GroupEvent.objects.order_by("id").values_list("kind", flat=True))
        actors = set(GroupEvent.objects.values_list("actor__email", flat=True))
    assert kinds == ["group_created", "member_added", "member_added", "member_added", "group_updated", "member_removed"]
    assert actors == {f"{persona}@example.org"}
    assert api.delete(url).status_code == 204
    assert api_for(None, "huaxi").get(url).status_code == 404
    with congresses["huaxi"]:
        assert GroupEvent.objects.filter(kind="group_deleted", data__name="教育领域代表小组").exists()


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_staff_manage_studios_and_duties_through_the_api(api_for, congresses, deputies, persona):
    api = api_for(persona, "huaxi")
    payload = {
        "kind": "studio",
        "name": "花溪区人大代表工作室",
        "address": "花溪区清溪路1号",
        "opening_days": "每月15日",
        "contact_phone": "0851-83811111",
    }
    created = api.post("/api/v1/groups/studios/", payload, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/groups/studios/{created.json()['id']}/"
    assert api.patch(url, {"kind": "home", "opening_days": "每周三"}, format="json").json()["kind"] == "home"
    roster = [
        {"deputy": deputies["luo"].pk, "weekday_or_date": "每周三"},
        {"deputy": deputies["yang"].pk, "weekday_or_date": "每月15日"},
    ]
    response = api.put(f"{url}duties/", {"duties": roster}, format="json")
    assert response.status_code == 200, response.content
    assert {(d["name"], d["weekday_or_date"]) for d in response.json()} == {
        ("罗国华", "每周三"),
        ("杨秀英", "每月15日"),
    }
    shown = api_for(None, "huaxi").get(url).json()
    assert shown["contact_phone"] == "0851-83811111" and len(shown["duties"]) == 2
    assert api.put(f"{url}duties/", {"duties": []}, format="json").json() == []
    with congresses["huaxi"]:
        kinds = list(GroupEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["studio_created", "studio_updated", "duties_set", "duties_set"]
    assert api.delete(url).status_code == 204
    with congresses["huaxi"]:
        assert not Studio.objects.exists() and GroupEvent.objects.filter(kind="studio_deleted").exists()


def test_bad_input_is_refused_by_field_and_changes_nothing(api_for, deputies, huaxi_data):
    api = api_for("li", "huaxi")
    before = state("huaxi")
    group_url = f"/api/v1/groups/{huaxi_data['group']}/"
    studio_url = f"/api/v1/groups/studios/{huaxi_data['studio']}/"
    cases = [
        (api.post("/api/v1/groups/", {"name": "青岩片区代表小组"}, format="json"), "name"),
        (api.post("/api/v1/groups/", {"name": ""}, format="json"), "name"),
        (api.post(f"{group_url}members/", {"deputy": deputies["yang"].pk}, format="json"), "deputy"),
        (api.post(f"{group_url}members/", {"deputy": 999999}, format="json"), "deputy"),
        (api.patch(group_url, {"leader": 999999}, format="json"), "leader"),
        (api.post("/api/v1/groups/studios/", {"name": "x", "kind": "station"}, format="json"), "kind"),
        (api.post("/api/v1/groups/studios/", {"name": "青岩镇代表之家"}, format="json"), "name"),
        (
            api.put(f"{studio_url}duties/", {"duties": [{"deputy": 999999, "weekday_or_date": "周一"}]}, format="json"),
            "duties",
        ),
        (
            api.put(
                f"{studio_url}duties/",
                {"duties": [{"deputy": deputies["luo"].pk, "weekday_or_date": "周一"}] * 2},
                format="json",
            ),
            "duties",
        ),
    ]
    for response, field in cases:
        assert response.status_code == 400 and field in response.json(), response.content
    assert api.delete(f"{group_url}members/{deputies['tian'].pk}/").status_code == 400
    assert state("huaxi") == before


# -- management through the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_staff_manage_groups_and_studios_through_the_pages(client_for, congresses, deputies, persona):
    client = client_for(persona, "huaxi")
    assert client.get("/groups/new/").status_code == 200
    response = client.post("/groups/new/", {"name": "农业农村代表小组", "area_or_field": "农业农村"})
    assert response.status_code == 302
    with congresses["huaxi"]:
        group = DeputyGroup.objects.get(name="农业农村代表小组")
    search = client.get(f"/groups/{group.pk}/members/?q=杨").content.decode()
    assert "杨秀英" in search and "乡镇级 · 县级 · 市级" in search and "13885012345" not in search
    for key in ("yang", "luo"):
        assert client.post(f"/groups/{group.pk}/members/", {"deputy": deputies[key].pk}).status_code == 302
    warned = client.get(f"/groups/{group.pk}/").content.decode()
    assert "三名以上" in warned  # two members: a warning for the office, nothing refused
    edit = client.post(
        f"/groups/{group.pk}/edit/",
        {"name": "农业农村代表小组", "description": "乡村振兴", "leader": deputies["luo"].pk},
    )
    assert edit.status_code == 302
    assert client.post(f"/groups/{group.pk}/members/{deputies['yang'].pk}/remove/").status_code == 302
    with congresses["huaxi"]:
        group.refresh_from_db()
        assert (group.description, group.leader_id) == ("乡村振兴", deputies["luo"].pk)
        assert list(group.members.values_list("deputy_id", flat=True)) == [deputies["luo"].pk]

    studio = {"kind": "studio", "name": "石板镇代表工作室", "address": "石板镇", "opening_days": "每月15日"}
    assert client.post("/groups/studios/new/", studio).status_code == 302
    with congresses["huaxi"]:
        studio_pk = Studio.objects.get(name="石板镇代表工作室").pk
    assert client.get(f"/groups/studios/{studio_pk}/duties/?q=罗").status_code == 200
    duties = f"{deputies['luo'].pk}|每月15日\n{deputies['yang'].pk}|每周五"
    assert client.post(f"/groups/studios/{studio_pk}/duties/", {"duties": duties}).status_code == 302
    edited = client.post(f"/groups/studios/{studio_pk}/edit/", {**studio, "contact_phone": "0851-83900000"})
    assert edited.status_code == 302
    page = client_for(None, "huaxi").get(f"/groups/studios/{studio_pk}/").content.decode()
    assert "0851-83900000" in page and "罗国华" in page and "每周五" in page
    assert client.post(f"/groups/studios/{studio_pk}/delete/").status_code == 302
    assert client.post(f"/groups/{group.pk}/delete/").status_code == 302
    with congresses["huaxi"]:
        assert not DeputyGroup.objects.exists() and not Studio.objects.exists()
        assert GroupEvent.objects.filter(actor__email=f"{persona}@example.org").count() == 10


def test_page_forms_show_service_errors_and_change_nothing(client_for, deputies, huaxi_data):
    client = client_for("zhang", "huaxi")
    before = state("huaxi")
    duplicate = client.post("/groups/new/", {"name": "青岩片区代表小组"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]
    bad_roster = client.post(f"/groups/studios/{huaxi_data['studio']}/duties/", {"duties": "999999|每周一"})
    assert bad_roster.status_code == 200 and bad_roster.context["form"].errors["duties"]
    assert "已是成员" in client.get(f"/groups/{huaxi_data['group']}/members/?q=杨").content.decode()
    again = client.post(f"/groups/{huaxi_data['group']}/members/", {"deputy": deputies["yang"].pk})
    assert again.status_code == 200 and again.context["form"].errors["deputy"]
    assert state("huaxi") == before


# -- who may do what -----------------------------------------------------------------------------------


def write_calls(ids: dict, deputies: dict) -> list[tuple]:
    """Every write, by API and by page, against Huaxi's data: (kind, method, path, payload)."""
    group, studio, luo, tian = ids["group"], ids["studio"], deputies["luo"].pk, deputies["tian"].pk
    return [
        ("api", "post", "/api/v1/groups/", {"name": "新小组"}),
        ("api", "patch", f"/api/v1/groups/{group}/", {"name": "改名"}),
        ("api", "delete", f"/api/v1/groups/{group}/", None),
        ("api", "post", f"/api/v1/groups/{group}/members/", {"deputy": tian}),
        ("api", "delete", f"/api/v1/groups/{group}/members/{luo}/", None),
        ("api", "post", "/api/v1/groups/studios/", {"name": "新工作室"}),
        ("api", "patch", f"/api/v1/groups/studios/{studio}/", {"name": "改名"}),
        ("api", "delete", f"/api/v1/groups/studios/{studio}/", None),
        ("api", "put", f"/api/v1/groups/studios/{studio}/duties/", {"duties": []}),
        ("page", "post", "/groups/new/", {"name": "新小组"}),
        ("page", "post", f"/groups/{group}/edit/", {"name": "改名"}),
        ("page", "post", f"/groups/{group}/delete/", {}),
        ("page", "post", f"/groups/{group}/members/", {"deputy": tian}),
        ("page", "post", f"/groups/{group}/members/{luo}/remove/", {}),
        ("page", "post", "/groups/studios/new/", {"name": "新工作室"}),
        ("page", "post", f"/groups/studios/{studio}/edit/", {"name": "改名"}),
        ("page", "post", f"/groups/studios/{studio}/delete/", {}),
        ("page", "post", f"/groups/studios/{studio}/duties/", {"duties": ""}),
    ]


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused_and_nothing_changes(api_for, client_for, deputies, huaxi_data, persona):
    before = state("huaxi")
    for kind, method, path, payload in write_calls(huaxi_data, deputies):
        if kind == "api":
            client = api_for(persona, "huaxi")
            response = getattr(client, method)(path, payload, format="json")
            assert response.status_code == (401 if persona is None else 403), (method, path)
        else:
            response = getattr(client_for(persona, "huaxi"), method)(path, payload)
            if persona is None:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
            else:
                assert response.status_code == 403, path
    for path in ("/groups/new/", f"/groups/{huaxi_data['group']}/members/?q=杨", "/groups/studios/new/"):
        assert client_for(persona, "huaxi").get(path).status_code == (302 if persona is None else 403)
    assert api_for(persona, "huaxi").get("/api/v1/groups/deputies/?q=杨").status_code == (
        401 if persona is None else 403
    )
    assert state("huaxi") == before


def test_services_refuse_staff_of_another_congress_even_with_the_right_role(users, congresses, deputies):
    """Li holds congress_admin in Huaxi: an Access for Huaxi does not write while Qingyan's schema is in use."""
    li_on_huaxi = access_of(users["li"], congresses["huaxi"], "congress_admin")
    with congresses["qingyan"], pytest.raises(PermissionDenied):
        services.group_create(access=li_on_huaxi, data={"name": "越权小组"})
    with pytest.raises(PermissionDenied):
        services.studio_create(access=access_of(users["yang"], congresses["huaxi"], "deputy"), data={"name": "x"})
    assert state("qingyan")[0] == [] and state("huaxi")[2] == []


# -- public reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_everyone_reads_groups_and_studios_without_contact_details(api_for, client_for, huaxi_data, persona):
    group, studio = huaxi_data["group"], huaxi_data["studio"]
    pages = ("/groups/", f"/groups/{group}/", f"/groups/studios/{studio}/")
    apis = (
        "/api/v1/groups/",
        f"/api/v1/groups/{group}/",
        f"/api/v1/groups/{group}/members/",
        "/api/v1/groups/studios/",
        f"/api/v1/groups/studios/{studio}/",
        f"/api/v1/groups/studios/{studio}/duties/",
    )
    responses = [client_for(persona, "huaxi").get(p) for p in pages] + [api_for(persona, "huaxi").get(p) for p in apis]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert not any(secret in text for secret in MOBILES_AND_IDS)
    assert "杨秀英" in responses[1].content.decode() and "罗国华" in responses[1].content.decode()
    assert "0851-83200000" in responses[2].content.decode()  # the studio's office phone is public
    detail = responses[4].json()
    assert {m["name"] for m in detail["members"]} == {"杨秀英", "罗国华"}
    assert set(detail["members"][0]) == {"deputy", "name", "tiers", "joined_on"}
    assert client_for(persona, "huaxi").get("/groups/99999/").status_code == 404


def test_a_deputy_sees_their_own_groups_highlighted(api_for, client_for, users, congresses, deputies, huaxi_data):
    li = access_of(users["li"], congresses["huaxi"], "congress_admin")
    with congresses["huaxi"]:
        services.group_create(access=li, data={"name": "石板片区代表小组", "leader": deputies["luo"].pk})
    connection.set_schema_to_public()
    mine = {g["name"]: g["is_mine"] for g in api_for("yang", "huaxi").get("/api/v1/groups/").json()}
    assert mine == {"青岩片区代表小组": True, "石板片区代表小组": False}
    assert not any(g["is_mine"] for g in api_for("li", "huaxi").get("/api/v1/groups/").json())
    page = client_for("yang", "huaxi").get("/groups/").content.decode()
    assert page.count("我所在的小组") == 1
    assert "我所在的小组" in client_for("yang", "huaxi").get(f"/groups/{huaxi_data['group']}/").content.decode()
    assert "我所在的小组" not in client_for("li", "huaxi").get("/groups/").content.decode()


# -- tiers and seats -----------------------------------------------------------------------------------


def test_a_township_group_takes_deputies_of_several_tiers(api_for, client_for, congresses, deputies):
    """Qingyan (township) takes Yang (township, county and city seats) and Luo (a Huaxi county deputy)."""
    zhou = api_for("zhou", "qingyan")
    group = zhou.post("/api/v1/groups/", {"name": "青岩镇第一代表小组", "leader": deputies["yang"].pk}, format="json")
    assert group.status_code == 201, group.content
    url = f"/api/v1/groups/{group.json()['id']}/"
    assert zhou.post(f"{url}members/", {"deputy": deputies["luo"].pk}, format="json").status_code == 201
    members = {m["name"]: m["tiers"] for m in api_for(None, "qingyan").get(url).json()["members"]}
    assert members == {"杨秀英": ["乡镇级", "县级", "市级"], "罗国华": ["县级"]}
    assert not Seat.objects.filter(deputy=deputies["luo"], congress=congresses["qingyan"]).exists()
    page = client_for(None, "qingyan").get(f"/groups/{group.json()['id']}/").content.decode()
    assert "乡镇级 · 县级 · 市级" in page and "罗国华" in page


def test_a_deputy_without_a_serving_seat_is_refused(api_for, client_for, users, congresses, deputies, huaxi_data):
    seatless, _created = registry.deputy_register(
        actor=None, data={"name": "无席位", "id_number": "520111199001010014", "mobile": "13900000000"}
    )
    root = Access(user=None, congress=None, is_platform_admin=True)
    tian_seat = Seat.objects.get(deputy=deputies["tian"])
    registry.seat_end(access=root, seat=tian_seat, status="resigned", ends_on=datetime.date(2026, 1, 1))
    api = api_for("li", "huaxi")
    group_url = f"/api/v1/groups/{huaxi_data['group']}/"
    before = state("huaxi")
    for deputy in (seatless, deputies["tian"]):
        response = api.post(f"{group_url}members/", {"deputy": deputy.pk}, format="json")
        assert response.status_code == 400 and "deputy" in response.json(), response.content
        assert "在任" in str(response.json()["deputy"])
        assert api.patch(group_url, {"leader": deputy.pk}, format="json").json().keys() == {"leader"}
        roster = {"duties": [{"deputy": deputy.pk, "weekday_or_date": "每周一"}]}
        assert (
            "duties" in api.put(f"/api/v1/groups/studios/{huaxi_data['studio']}/duties/", roster, format="json").json()
        )
        page = client_for("zhang", "huaxi").post(f"/groups/{huaxi_data['group']}/members/", {"deputy": deputy.pk})
        assert page.status_code == 200 and page.context["form"].errors["deputy"]
    assert state("huaxi") == before
    found = [d["name"] for d in api.get("/api/v1/groups/deputies/?q=无席位").json()]
    assert found == []
    assert [d["name"] for d in api.get("/api/v1/groups/deputies/?q=田").json()] == []
    yang = api.get("/api/v1/groups/deputies/?q=杨秀").json()
    assert yang == [
        {
            "id": deputies["yang"].pk,
            "name": "杨秀英",
            "tiers": ["乡镇级", "县级", "市级"],
            "congresses": yang[0]["congresses"],
        }
    ]
    assert len(yang[0]["congresses"]) == 3


# -- isolation -----------------------------------------------------------------------------------------


def test_huaxi_groups_are_not_visible_on_qingyan(api_for, client_for, huaxi_data):
    group, studio = huaxi_data["group"], huaxi_data["studio"]
    assert api_for(None, "qingyan").get("/api/v1/groups/").json() == []
    assert api_for(None, "qingyan").get("/api/v1/groups/studios/").json() == []
    assert "青岩片区代表小组" not in client_for("yang", "qingyan").get("/groups/").content.decode()
    assert "青岩镇代表之家" not in client_for(None, "qingyan").get("/groups/").content.decode()
    assert client_for(None, "qingyan").get(f"/groups/{group}/").status_code == 404
    assert api_for(None, "qingyan").get(f"/api/v1/groups/studios/{studio}/").status_code == 404
    # Huaxi's staff are refused on Qingyan, and Qingyan's administrator on Huaxi.
    assert api_for("li", "qingyan").post("/api/v1/groups/", {"name": "x"}, format="json").status_code == 403
    assert api_for("zhou", "huaxi").patch(f"/api/v1/groups/{group}/", {"name": "x"}, format="json").status_code == 403
    assert state("qingyan") == ([], [], [], [], 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM c520111101000.groups_deputygroup")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT count(*) FROM c520111000000.groups_deputygroup")
        assert cursor.fetchone() == (1,)
