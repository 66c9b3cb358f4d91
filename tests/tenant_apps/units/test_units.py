"""Handling units (承办单位): units, their staff accounts and contact persons (issue 4, item 1)."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection

from shared_apps.memberships.models import Membership, MembershipEvent
from shared_apps.memberships.permissions import Access
from tenant_apps.units import services
from tenant_apps.units.models import HandlingUnit, UnitEvent, UnitStaff
from tenants.models import Congress
from tenants.modules import get_module
from tenants.selectors import platform_defaults
from tests.support.personas import PERSONAS

EVERYONE = sorted({*PERSONAS, None}, key=str)
MANAGERS = {"li", "zhang"}  # congress_admin and office_staff of Huaxi
MEMBERS = {"li", "zhang", "liu", "chen", "zhao", "sun", "yang"}  # every persona holding a role in Huaxi
REFUSED = sorted({*PERSONAS, None} - MANAGERS, key=str)  # liu (unit staff), zhou, ma, wang, wu, anonymous, ...
UNIT_STAFF_ROLE = "handling_unit_staff"


def access_of(user, congress, *roles) -> Access:
    return Access(user=user, congress=congress, roles=frozenset(roles))


@pytest.fixture
def huaxi_units(users, congresses):
    """Huaxi's units, made by the services as Li: the education bureau (Liu is its contact) with a branch
    office under it, the district court, and a deactivated former agriculture bureau."""
    huaxi = congresses["huaxi"]
    li = access_of(users["li"], huaxi, "congress_admin")
    with huaxi:
        bureau = services.unit_create(
            access=li,
            data={
                "name": "花溪区教育局",
                "short_name": "区教育局",
                "kind": "government_department",
                "contact_name": "刘老师",
                "contact_phone": "0851-83851111",
                "contact_email": "jyj@huaxi.example.org",
                "address": "花溪区清溪路2号",
            },
        )
        branch = services.unit_create(access=li, data={"name": "花溪区教育局青岩教育管理中心", "parent": bureau.pk})
        court = services.unit_create(access=li, data={"name": "花溪区人民法院", "kind": "court"})
        former = services.unit_create(access=li, data={"name": "花溪区原农业局"})
        services.unit_deactivate(access=li, unit=former)
        services.staff_add(access=li, unit=bureau, email="liu@example.org", is_contact=True)
    connection.set_schema_to_public()
    mail.outbox.clear()
    return {"bureau": bureau.pk, "branch": branch.pk, "court": court.pk, "former": former.pk}


def state(subdomain: str) -> tuple:
    """Everything the units module keeps in one congress's schema, its unit-staff roles and the accounts."""
    congress = Congress.objects.get(subdomain=subdomain)
    roles = sorted(
        Membership.objects.filter(congress=congress, role=UNIT_STAFF_ROLE).values_list("user__email", flat=True)
    )
    accounts = get_user_model().objects.count()
    with congress:
        return (
            list(
                HandlingUnit.objects.order_by("pk").values_list(
                    "name", "kind", "short_name", "parent_id", "contact_name", "contact_phone", "is_active"
                )
            ),
            list(UnitStaff.objects.order_by("pk").values_list("unit_id", "user__email", "is_contact")),
            UnitEvent.objects.count(),
            roles,
            accounts,
        )


def expected_read(persona, allowed: set, *, api: bool) -> int:
    """200 for allowed personas; otherwise 401 (API) or a redirect to sign-in (page) for anonymous callers."""
    if persona in allowed:
        return 200
    if persona is None:
        return 401 if api else 302
    return 403


# -- the module ----------------------------------------------------------------------------------------


def test_units_is_a_registered_module_enabled_for_the_session_congresses(congresses):
    module = get_module("units")
    assert (module.label_zh, module.label_en) == ("承办单位", "Handling units")
    assert [e.url_name for e in module.menu] == ["units:index", "units:mine"]
    assert "units" in platform_defaults().default_modules
    assert all("units" in c.enabled_modules for c in congresses.values())


def test_the_menu_shows_units_to_members_and_my_unit_to_unit_staff(client_for, huaxi_units):
    menu_link, mine_link = '<a href="/units/">', '<a href="/units/mine/">'
    for persona in (None, "wu", "zhou"):
        assert menu_link not in client_for(persona, "huaxi").get("/").content.decode(), persona
    chen = client_for("chen", "huaxi").get("/").content.decode()
    assert menu_link in chen and mine_link not in chen
    assert mine_link in client_for("liu", "huaxi").get("/").content.decode()


def test_disabling_the_module_answers_404_on_pages_and_api(api_for, client_for, huaxi_units):
    li = api_for("li", "huaxi")
    modules = [m for m in li.get("/api/v1/congress/settings/").json()["modules"] if m != "units"]
    response = li.put("/api/v1/congress/settings/", {"modules": modules, "preferences": {}}, format="json")
    assert response.status_code == 200 and "units" not in response.json()["modules"]
    bureau = huaxi_units["bureau"]
    for path in ("/units/", f"/units/{bureau}/", "/units/mine/", "/units/new/", f"/units/{bureau}/staff/"):
        for persona in ("li", "liu", None):
            assert client_for(persona, "huaxi").get(path).status_code == 404, (persona, path)
    for path in ("/api/v1/units/", f"/api/v1/units/{bureau}/", "/api/v1/units/mine/", f"/api/v1/units/{bureau}/staff/"):
        for persona in ("li", "liu", None):
            assert api_for(persona, "huaxi").get(path).status_code == 404, (persona, path)
    before = state("huaxi")
    assert li.post("/api/v1/units/", {"name": "新单位"}, format="json").status_code == 404
    assert li.post(f"/api/v1/units/{bureau}/staff/", {"email": "x@example.org"}, format="json").status_code == 404
    assert client_for("li", "huaxi").post("/units/new/", {"name": "新单位"}).status_code == 404
    assert state("huaxi") == before
    assert api_for("zhou", "qingyan").get("/api/v1/units/").status_code == 200


# -- reading -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_members_read_the_unit_list_and_details_and_nobody_else(api_for, client_for, huaxi_units, persona):
    bureau = huaxi_units["bureau"]
    pages = ("/units/", f"/units/{bureau}/", "/units/?kind=court&active=all")
    for path in pages:
        response = client_for(persona, "huaxi").get(path)
        assert response.status_code == expected_read(persona, MEMBERS, api=False), path
        if persona is None:
            assert "/accounts/login/" in response["Location"]
    for path in ("/api/v1/units/", f"/api/v1/units/{bureau}/"):
        assert api_for(persona, "huaxi").get(path).status_code == expected_read(persona, MEMBERS, api=True), path
    # A missing unit looks the same as a forbidden one to outsiders, and is 404 only for members.
    missing = api_for(persona, "huaxi").get("/api/v1/units/999999/").status_code
    assert missing == (404 if persona in MEMBERS else expected_read(persona, set(), api=True))
    if persona in MEMBERS:
        listed = api_for(persona, "huaxi").get("/api/v1/units/").json()
        assert [u["name"] for u in listed] == ["花溪区人民法院", "花溪区教育局", "花溪区教育局青岩教育管理中心"]
        page = client_for(persona, "huaxi").get(f"/units/{bureau}/").content.decode()
        assert "0851-83851111" in page and "刘老师" in page and "花溪区教育局青岩教育管理中心" in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_staff_accounts_are_shown_to_managers_and_to_the_units_own_staff(api_for, client_for, huaxi_units, persona):
    bureau, court = huaxi_units["bureau"], huaxi_units["court"]
    allowed = MANAGERS | {"liu"}
    response = api_for(persona, "huaxi").get(f"/api/v1/units/{bureau}/staff/")
    assert response.status_code == expected_read(persona, allowed, api=True)
    if persona in allowed:
        assert response.json() == [
            {"user": response.json()[0]["user"], "name": "liu", "email": "liu@example.org", "is_contact": True}
        ]
    if persona in MEMBERS:
        detail = api_for(persona, "huaxi").get(f"/api/v1/units/{bureau}/").json()
        assert (detail["staff"] is not None) == (persona in allowed)
        assert detail["staff_count"] == 1 and detail["is_mine"] == (persona == "liu")
        page = client_for(persona, "huaxi").get(f"/units/{bureau}/").content.decode()
        assert ("liu@example.org" in page) == (persona in allowed)
        # Liu staffs the bureau, not the court: the court's staff list is not theirs to see.
        court_staff = api_for(persona, "huaxi").get(f"/api/v1/units/{court}/staff/").status_code
        assert court_staff == (200 if persona in MANAGERS else 403)


@pytest.mark.parametrize("persona", EVERYONE)
def test_my_unit_is_for_handling_unit_staff(api_for, client_for, huaxi_units, persona):
    page = client_for(persona, "huaxi").get("/units/mine/")
    assert page.status_code == expected_read(persona, {"liu"}, api=False)
    api = api_for(persona, "huaxi").get("/api/v1/units/mine/")
    assert api.status_code == expected_read(persona, {"liu"}, api=True)
    if persona == "liu":
        assert "花溪区教育局" in page.content.decode() and "花溪区人民法院" not in page.content.decode()
        (unit,) = api.json()
        assert unit["name"] == "花溪区教育局" and unit["is_mine"] and unit["staff"][0]["email"] == "liu@example.org"


def test_the_list_filters_by_kind_and_by_use(api_for, client_for, huaxi_units):
    api = api_for("chen", "huaxi")

    def names(query: str) -> list[str]:
        return [u["name"] for u in api.get(f"/api/v1/units/{query}").json()]

    assert names("?kind=court") == ["花溪区人民法院"]
    assert names("?active=0") == ["花溪区原农业局"]
    assert len(names("?active=all")) == 4
    assert names("?kind=government_department&active=false") == ["花溪区原农业局"]
    assert len(names("?kind=nonsense&active=nonsense")) == 3  # unknown values fall back to the defaults
    page = client_for("chen", "huaxi").get("/units/?active=0").content.decode()
    assert "花溪区原农业局" in page and "花溪区人民法院" not in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_list_exports_to_xlsx_for_members(client_for, huaxi_units, persona):
    response = client_for(persona, "huaxi").get("/units/?active=all&format=xlsx")
    assert response.status_code == expected_read(persona, MEMBERS, api=False)
    if persona not in MEMBERS:
        return
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位名称", "简称", "单位类型", "上级单位")
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"花溪区教育局", "花溪区教育局青岩教育管理中心", "花溪区人民法院", "花溪区原农业局"}
    assert by_name["花溪区教育局"][5] == "0851-83851111" and by_name["花溪区教育局"][8] == 1
    assert by_name["花溪区教育局青岩教育管理中心"][3] == "花溪区教育局"
    assert by_name["花溪区原农业局"][9] == "已停用"
    court_only = client_for(persona, "huaxi").get("/units/?kind=court&format=xlsx")
    assert len(list(openpyxl.load_workbook(io.BytesIO(court_only.content)).active.iter_rows())) == 2


# -- management through the API ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_managers_run_units_through_the_api(api_for, congresses, huaxi_units, persona):
    api = api_for(persona, "huaxi")
    payload = {"name": "花溪区人民检察院", "kind": "procuratorate", "contact_name": "王检", "contact_phone": "0851-1"}
    created = api.post("/api/v1/units/", payload, format="json")
    assert created.status_code == 201, created.content
    unit = created.json()
    assert unit["kind_label"] == "检察院" and unit["is_active"] and unit["staff"] == [] and unit["parent"] is None
    url = f"/api/v1/units/{unit['id']}/"
    changed = api.patch(url, {"short_name": "区检察院", "parent": huaxi_units["court"]}, format="json")
    assert changed.status_code == 200 and changed.json()["parent"] == {
        "id": huaxi_units["court"],
        "name": "花溪区人民法院",
    }
    assert api.patch(url, {"parent": None}, format="json").json()["parent"] is None
    assert api.post(f"{url}deactivate/").json()["is_active"] is False
    assert unit["id"] not in [u["id"] for u in api.get("/api/v1/units/").json()]
    assert api.get(url).json()["name"] == "花溪区人民检察院"  # deactivated, still readable
    assert api.post(f"{url}reactivate/").json()["is_active"] is True
    assert api.delete(url).status_code == 405  # units are never deleted
    with congresses["huaxi"]:
        rows = list(UnitEvent.objects.filter(unit_id=unit["id"]).order_by("id").values_list("kind", "actor__email"))
    kinds = ["unit_created", "unit_updated", "unit_updated", "unit_deactivated", "unit_reactivated"]
    assert rows == [(kind, f"{persona}@example.org") for kind in kinds]


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_adding_staff_creates_the_account_grants_the_role_and_mails_a_link_on_the_congress_host(
    api_for, client_for, congresses, huaxi_units, persona, django_capture_on_commit_callbacks
):
    api = api_for(persona, "huaxi")
    url = f"/api/v1/units/{huaxi_units['court']}/staff/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url, {"email": " Xu.Fayuan@Example.org ", "name": "徐法院", "is_contact": True}, format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "xu.fayuan@example.org" and response.json()["is_contact"] is True
    user = get_user_model().objects.get(email="xu.fayuan@example.org")
    assert user.name == "徐法院" and not user.has_usable_password()
    assert Membership.objects.filter(user=user, congress=congresses["huaxi"], role=UNIT_STAFF_ROLE).exists()
    assert not Membership.objects.filter(user=user).exclude(congress=congresses["huaxi"]).exists()
    (message,) = mail.outbox
    assert message.to == ["xu.fayuan@example.org"] and "花溪区人民法院" in message.subject
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    assert "//huaxi.congress.localhost" in link and "/units/mine/" in message.body
    # The link works on the congress's own host: allauth accepts the key and asks for the new password.
    opened = client_for(None, "huaxi").get(link.split("congress.localhost", 1)[1].lstrip(":0123456789"), follow=True)
    assert opened.status_code == 200 and "password1" in opened.content.decode()
    # The new account can now open its unit's pages.
    client = client_for(None, "huaxi")
    client.force_login(user)
    assert "花溪区人民法院" in client.get("/units/mine/").content.decode()
    with congresses["huaxi"]:
        event = UnitEvent.objects.get(kind="staff_added", data__email="xu.fayuan@example.org")
    assert event.data["account_created"] is True and event.actor.email == f"{persona}@example.org"


def test_adding_an_existing_account_mails_a_notice_and_keeps_its_other_roles(
    api_for, users, congresses, huaxi_units, django_capture_on_commit_callbacks
):
    accounts = get_user_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for("zhang", "huaxi").post(
            f"/api/v1/units/{huaxi_units['court']}/staff/", {"email": "CHEN@example.org", "name": "改名"}, format="json"
        )
    assert response.status_code == 201, response.content
    assert get_user_model().objects.count() == accounts
    users["chen"].refresh_from_db()
    assert users["chen"].name == "chen"  # an existing account is never renamed
    roles = set(
        Membership.objects.filter(user=users["chen"], congress=congresses["huaxi"]).values_list("role", flat=True)
    )
    assert roles == {"state_organ_staff", UNIT_STAFF_ROLE}
    (message,) = mail.outbox
    assert message.to == ["chen@example.org"] and "/accounts/password/reset/key/" not in message.body
    assert "//huaxi.congress.localhost" in message.body


def test_removing_staff_revokes_the_role_only_when_no_unit_remains(api_for, users, congresses, huaxi_units):
    api = api_for("li", "huaxi")
    liu = users["liu"]
    assert (
        api.post(
            f"/api/v1/units/{huaxi_units['court']}/staff/", {"email": "liu@example.org"}, format="json"
        ).status_code
        == 201
    )
    assert api.delete(f"/api/v1/units/{huaxi_units['bureau']}/staff/{liu.pk}/").status_code == 204
    assert Membership.objects.filter(user=liu, congress=congresses["huaxi"], role=UNIT_STAFF_ROLE).exists()
    assert [u["name"] for u in api_for("liu", "huaxi").get("/api/v1/units/mine/").json()] == ["花溪区人民法院"]
    assert api.delete(f"/api/v1/units/{huaxi_units['court']}/staff/{liu.pk}/").status_code == 204
    assert not Membership.objects.filter(user=liu, congress=congresses["huaxi"], role=UNIT_STAFF_ROLE).exists()
    assert MembershipEvent.objects.filter(user=liu, role=UNIT_STAFF_ROLE, kind="revoked").count() == 1
    # No longer a member of Huaxi: the unit pages are closed to Liu now.
    assert api_for("liu", "huaxi").get("/api/v1/units/").status_code == 403
    assert api_for("liu", "huaxi").get("/api/v1/units/mine/").status_code == 403
    with congresses["huaxi"]:
        removed = list(UnitEvent.objects.filter(kind="staff_removed").order_by("id").values_list("data", flat=True))
    assert [(d["email"], d["membership_revoked"]) for d in removed] == [
        ("liu@example.org", False),
        ("liu@example.org", True),
    ]


def test_a_role_in_one_congress_is_untouched_by_removals_in_another(api_for, users, congresses, huaxi_units):
    """Liu also staffs a unit of Qingyan: removing Liu from every Huaxi unit leaves the Qingyan role."""
    zhou = api_for("zhou", "qingyan")
    unit = zhou.post("/api/v1/units/", {"name": "青岩镇农业服务中心"}, format="json").json()
    assert (
        zhou.post(f"/api/v1/units/{unit['id']}/staff/", {"email": "liu@example.org"}, format="json").status_code == 201
    )
    liu = users["liu"]
    assert api_for("li", "huaxi").delete(f"/api/v1/units/{huaxi_units['bureau']}/staff/{liu.pk}/").status_code == 204
    held = set(Membership.objects.filter(user=liu, role=UNIT_STAFF_ROLE).values_list("congress__subdomain", flat=True))
    assert held == {"qingyan"}
    assert [u["name"] for u in api_for("liu", "qingyan").get("/api/v1/units/mine/").json()] == ["青岩镇农业服务中心"]


def test_one_contact_per_unit(api_for, users, congresses, huaxi_units):
    api = api_for("zhang", "huaxi")
    url = f"/api/v1/units/{huaxi_units['bureau']}/staff/"
    assert api.post(url, {"email": "chen@example.org", "is_contact": True}, format="json").status_code == 201
    contacts = {s["email"]: s["is_contact"] for s in api.get(url).json()}
    assert contacts == {"chen@example.org": True, "liu@example.org": False}
    response = api.patch(f"{url}{users['liu'].pk}/", {"is_contact": True}, format="json")
    assert response.status_code == 200 and response.json()["is_contact"] is True
    assert {s["email"]: s["is_contact"] for s in api.get(url).json()} == {
        "chen@example.org": False,
        "liu@example.org": True,
    }
    assert api.patch(f"{url}{users['liu'].pk}/", {"is_contact": False}, format="json").json()["is_contact"] is False
    assert not any(s["is_contact"] for s in api.get(url).json())
    with congresses["huaxi"]:
        assert UnitEvent.objects.filter(kind="contact_set").count() == 2


def test_deactivating_keeps_staff_roles_and_history_but_takes_no_new_staff(api_for, users, congresses, huaxi_units):
    api = api_for("li", "huaxi")
    url = f"/api/v1/units/{huaxi_units['bureau']}/"
    assert api.post(f"{url}deactivate/").status_code == 200
    assert [s["email"] for s in api.get(f"{url}staff/").json()] == ["liu@example.org"]
    assert Membership.objects.filter(user=users["liu"], congress=congresses["huaxi"], role=UNIT_STAFF_ROLE).exists()
    (mine,) = api_for("liu", "huaxi").get("/api/v1/units/mine/").json()
    assert mine["is_active"] is False
    refused = api.post(f"{url}staff/", {"email": "new@example.org"}, format="json")
    assert refused.status_code == 400 and "unit" in refused.json()
    assert not get_user_model().objects.filter(email="new@example.org").exists()
    with congresses["huaxi"]:
        assert UnitEvent.objects.filter(unit_id=huaxi_units["bureau"]).count() == 3  # created, staff added, off


def test_bad_input_is_refused_by_field_and_changes_nothing(
    api_for, users, huaxi_units, django_capture_on_commit_callbacks
):
    api = api_for("li", "huaxi")
    bureau, branch, former = huaxi_units["bureau"], huaxi_units["branch"], huaxi_units["former"]
    before = state("huaxi")
    with django_capture_on_commit_callbacks(execute=True):
        cases = [
            (api.post("/api/v1/units/", {"name": "花溪区教育局"}, format="json"), "name"),
            (api.post("/api/v1/units/", {"name": "  "}, format="json"), "name"),
            (api.post("/api/v1/units/", {"name": "x", "kind": "ministry"}, format="json"), "kind"),
            (
                api.post("/api/v1/units/", {"name": "x", "contact_email": "not-an-email"}, format="json"),
                "contact_email",
            ),
            (api.post("/api/v1/units/", {"name": "x", "contact_phone": "call me"}, format="json"), "contact_phone"),
            (api.post("/api/v1/units/", {"name": "x", "parent": 999999}, format="json"), "parent"),
            (api.post("/api/v1/units/", {"name": "x", "parent": former}, format="json"), "parent"),
            (api.patch(f"/api/v1/units/{bureau}/", {"parent": bureau}, format="json"), "parent"),
            (api.patch(f"/api/v1/units/{bureau}/", {"parent": branch}, format="json"), "parent"),
            (api.patch(f"/api/v1/units/{branch}/", {"name": "花溪区人民法院"}, format="json"), "name"),
            (api.post(f"/api/v1/units/{former}/deactivate/"), "is_active"),
            (api.post(f"/api/v1/units/{bureau}/reactivate/"), "is_active"),
            (api.post(f"/api/v1/units/{bureau}/staff/", {"email": "nobody"}, format="json"), "email"),
            (api.post(f"/api/v1/units/{bureau}/staff/", {}, format="json"), "email"),
            (api.post(f"/api/v1/units/{bureau}/staff/", {"email": "LIU@example.org"}, format="json"), "email"),
            (
                api.post(
                    f"/api/v1/units/{bureau}/staff/", {"email": "a@example.org", "name": "名" * 101}, format="json"
                ),
                "name",
            ),
            (api.post(f"/api/v1/units/{former}/staff/", {"email": "a@example.org"}, format="json"), "unit"),
            (
                api.patch(f"/api/v1/units/{bureau}/staff/{users['chen'].pk}/", {"is_contact": True}, format="json"),
                "user",
            ),
            (
                api.patch(f"/api/v1/units/{bureau}/staff/{users['liu'].pk}/", {"is_contact": "maybe"}, format="json"),
                "is_contact",
            ),
            (api.delete(f"/api/v1/units/{bureau}/staff/{users['chen'].pk}/"), "user"),
        ]
    for response, field in cases:
        assert response.status_code == 400 and field in response.json(), (field, response.content)
    assert api.get("/api/v1/units/999999/").status_code == 404
    assert api.post("/api/v1/units/999999/staff/", {"email": "a@example.org"}, format="json").status_code == 404
    assert state("huaxi") == before
    assert mail.outbox == []


def test_services_refuse_staff_of_another_congress_even_with_the_right_role(users, congresses):
    """Li holds congress_admin in Huaxi: an Access for Huaxi does not write while Qingyan's schema is in use."""
    li_on_huaxi = access_of(users["li"], congresses["huaxi"], "congress_admin")
    with congresses["qingyan"], pytest.raises(PermissionDenied):
        services.unit_create(access=li_on_huaxi, data={"name": "越权单位"})
    liu = access_of(users["liu"], congresses["huaxi"], UNIT_STAFF_ROLE)
    with congresses["huaxi"], pytest.raises(PermissionDenied):
        services.unit_create(access=liu, data={"name": "越权单位"})
    assert state("qingyan")[:3] == ([], [], 0) and state("huaxi")[:3] == ([], [], 0)


# -- management through the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_managers_run_units_and_staff_through_the_pages(
    client_for, users, congresses, huaxi_units, persona, django_capture_on_commit_callbacks
):
    client = client_for(persona, "huaxi")
    assert client.get("/units/new/").status_code == 200
    data = {"name": "花溪区住房和城乡建设局", "kind": "government_department", "parent": ""}
    response = client.post("/units/new/", data)
    with congresses["huaxi"]:
        unit = HandlingUnit.objects.get(name="花溪区住房和城乡建设局")
    assert response.status_code == 302 and response["Location"] == f"/units/{unit.pk}/staff/"
    edit = {**data, "short_name": "区住建局", "contact_name": "周工", "contact_phone": "0851-83860000", "parent": ""}
    assert client.get(f"/units/{unit.pk}/edit/").status_code == 200
    assert client.post(f"/units/{unit.pk}/edit/", edit).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(f"/units/{unit.pk}/staff/", {"email": "zhujian@example.org", "name": "住建联络员"})
    assert added.status_code == 302 and len(mail.outbox) == 1 and "//huaxi.congress.localhost" in mail.outbox[0].body
    new_user = get_user_model().objects.get(email="zhujian@example.org")
    assert "zhujian@example.org" in client.get(f"/units/{unit.pk}/staff/").content.decode()
    assert client.post(f"/units/{unit.pk}/staff/{new_user.pk}/contact/", {"is_contact": "1"}).status_code == 302
    detail = client.get(f"/units/{unit.pk}/").content.decode()
    assert "区住建局" in detail and "0851-83860000" in detail and "zhujian@example.org" in detail
    assert client.post(f"/units/{unit.pk}/staff/{new_user.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(user=new_user, role=UNIT_STAFF_ROLE).exists()
    assert client.post(f"/units/{unit.pk}/deactivate/").status_code == 302
    assert "已停用" in client.get(f"/units/{unit.pk}/").content.decode()
    assert client.post(f"/units/{unit.pk}/reactivate/").status_code == 302
    with congresses["huaxi"]:
        unit.refresh_from_db()
        assert (unit.short_name, unit.contact_name, unit.is_active) == ("区住建局", "周工", True)
        kinds = list(UnitEvent.objects.filter(unit=unit).order_by("id").values_list("kind", flat=True))
        actors = set(UnitEvent.objects.filter(unit=unit).values_list("actor__email", flat=True))
    assert kinds == [
        "unit_created",
        "unit_updated",
        "staff_added",
        "contact_set",
        "staff_removed",
        "unit_deactivated",
        "unit_reactivated",
    ]
    assert actors == {f"{persona}@example.org"}


def test_page_forms_show_errors_and_change_nothing(client_for, users, huaxi_units, django_capture_on_commit_callbacks):
    client = client_for("zhang", "huaxi")
    bureau = huaxi_units["bureau"]
    before = state("huaxi")
    with django_capture_on_commit_callbacks(execute=True):
        duplicate = client.post("/units/new/", {"name": "花溪区人民法院", "kind": "court"})
        cycle = client.post(
            f"/units/{bureau}/edit/", {"name": "花溪区教育局", "kind": "court", "parent": huaxi_units["branch"]}
        )
        bad_email = client.post(f"/units/{bureau}/staff/", {"email": "nobody"})
        again = client.post(f"/units/{bureau}/staff/", {"email": "liu@example.org"})
        off = client.post(f"/units/{huaxi_units['former']}/staff/", {"email": "a@example.org"})
        not_staff = client.post(f"/units/{bureau}/staff/{users['chen'].pk}/remove/")
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]
    assert cycle.status_code == 200 and cycle.context["form"].errors["parent"]
    assert bad_email.status_code == 200 and bad_email.context["form"].errors["email"]
    assert again.status_code == 200 and again.context["form"].errors["email"]
    assert off.status_code == 200 and off.context["form"].non_field_errors()
    assert not_staff.status_code == 302
    assert state("huaxi") == before and mail.outbox == []


# -- who may not ---------------------------------------------------------------------------------------


def write_calls(ids: dict, users: dict) -> list[tuple]:
    """Every write, by API and by page, against Huaxi's units: (kind, method, path, payload)."""
    bureau, former, liu = ids["bureau"], ids["former"], users["liu"].pk
    new_staff = {"email": "intruder@example.org", "name": "x"}
    return [
        ("api", "post", "/api/v1/units/", {"name": "新单位"}),
        ("api", "patch", f"/api/v1/units/{bureau}/", {"name": "改名"}),
        ("api", "post", f"/api/v1/units/{bureau}/deactivate/", None),
        ("api", "post", f"/api/v1/units/{former}/reactivate/", None),
        ("api", "post", f"/api/v1/units/{bureau}/staff/", new_staff),
        ("api", "patch", f"/api/v1/units/{bureau}/staff/{liu}/", {"is_contact": False}),
        ("api", "delete", f"/api/v1/units/{bureau}/staff/{liu}/", None),
        ("page", "post", "/units/new/", {"name": "新单位", "kind": "court"}),
        ("page", "post", f"/units/{bureau}/edit/", {"name": "改名", "kind": "court"}),
        ("page", "post", f"/units/{bureau}/deactivate/", {}),
        ("page", "post", f"/units/{former}/reactivate/", {}),
        ("page", "post", f"/units/{bureau}/staff/", new_staff),
        ("page", "post", f"/units/{bureau}/staff/{liu}/contact/", {"is_contact": "0"}),
        ("page", "post", f"/units/{bureau}/staff/{liu}/remove/", {}),
    ]


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused_and_nothing_changes(
    api_for, client_for, users, huaxi_units, persona, django_capture_on_commit_callbacks
):
    before = state("huaxi")
    with django_capture_on_commit_callbacks(execute=True):
        for kind, method, path, payload in write_calls(huaxi_units, users):
            if kind == "api":
                response = getattr(api_for(persona, "huaxi"), method)(path, payload, format="json")
                assert response.status_code == (401 if persona is None else 403), (method, path)
            else:
                response = getattr(client_for(persona, "huaxi"), method)(path, payload)
                if persona is None:
                    assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
                else:
                    assert response.status_code == 403, path
        bureau = huaxi_units["bureau"]
        for path in ("/units/new/", f"/units/{bureau}/edit/", f"/units/{bureau}/staff/"):
            assert client_for(persona, "huaxi").get(path).status_code == (302 if persona is None else 403), path
    assert state("huaxi") == before
    assert mail.outbox == []


# -- isolation -----------------------------------------------------------------------------------------


def test_huaxi_units_are_not_visible_on_qingyan(api_for, client_for, huaxi_units):
    bureau = huaxi_units["bureau"]
    assert api_for("zhou", "qingyan").get("/api/v1/units/?active=all").json() == []
    assert api_for("yang", "qingyan").get(f"/api/v1/units/{bureau}/").status_code == 404
    assert client_for("zhou", "qingyan").get(f"/units/{bureau}/").status_code == 404
    assert "花溪区教育局" not in client_for("yang", "qingyan").get("/units/").content.decode()
    # Liu staffs a Huaxi unit only: on Qingyan Liu is nobody, and Huaxi's staff cannot write there.
    assert api_for("liu", "qingyan").get("/api/v1/units/mine/").status_code == 403
    assert api_for("li", "qingyan").post("/api/v1/units/", {"name": "x"}, format="json").status_code == 403
    assert api_for("zhou", "huaxi").patch(f"/api/v1/units/{bureau}/", {"name": "x"}, format="json").status_code == 403
    assert state("qingyan")[:4] == ([], [], 0, [])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM c520111101000.units_handlingunit")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT count(*) FROM c520111000000.units_handlingunit")
        assert cursor.fetchone() == (4,)
