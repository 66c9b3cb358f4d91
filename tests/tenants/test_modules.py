"""Modules switch per congress; settings layer statutory defaults, province defaults and local values."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from console import services
from console.services import provision_now
from console.specs import CongressSpec
from shared_apps.memberships.permissions import Access
from tenants import selectors
from tenants.models import Congress, CongressEvent
from tenants.modules import all_modules


def admin_access(user, congress):
    return Access(user=user, congress=congress, roles=frozenset({"congress_admin"}))


def test_about_is_a_registered_module_with_labels_menu_and_urls():
    about = next(m for m in all_modules() if m.key == "about")
    assert (about.label_zh, about.label_en) == ("人大概况", "About")
    assert about.menu[0].url_name == "about:index"


def test_a_disabled_module_answers_404_on_pages_and_api_for_that_congress_only(api_for, client_for):
    li = api_for("li", "huaxi")
    response = li.put("/api/v1/congress/settings/", {"modules": [], "preferences": {}}, format="json")
    assert response.status_code == 200 and response.json()["modules"] == []
    assert client_for(None, "huaxi").get("/about/").status_code == 404
    assert api_for(None, "huaxi").get("/api/v1/about/profile/").status_code == 404
    assert "人大概况" not in client_for(None, "huaxi").get("/").content.decode()
    assert client_for(None, "qingyan").get("/about/").status_code == 200
    li.put("/api/v1/congress/settings/", {"modules": ["about"], "preferences": {}}, format="json")
    assert client_for(None, "huaxi").get("/about/").status_code == 200


def test_congress_settings_override_province_defaults_which_override_statute(users, congresses):
    wang = Access(user=users["wang"], congress=None, is_platform_admin=True)
    services.platform_defaults_update(access=wang, modules=["about"], preferences={"deadline.reply_months": 2})
    huaxi = congresses["huaxi"]
    assert selectors.effective_settings(huaxi)["deadline.reply_months"] == 2
    assert selectors.effective_settings(huaxi)["deadline.evaluation_working_days"] == 20  # RULES.md default
    huaxi = services.congress_configure(
        access=admin_access(users["li"], huaxi),
        congress=huaxi,
        modules=["about"],
        preferences={"deadline.reply_months": 1, "terminology": {"liaison_station": "代表之家"}},
    )
    effective = selectors.effective_settings(huaxi)
    assert effective["deadline.reply_months"] == 1
    assert effective["terminology"]["liaison_station"] == "代表之家"
    assert effective["terminology"]["office"] == "人大办公室"  # other terms still inherited
    assert CongressEvent.objects.filter(congress=huaxi, kind="preferences_changed").exists()


def test_new_congresses_start_with_the_province_default_modules(users, congresses):
    wang = Access(user=users["wang"], congress=None, is_platform_admin=True)
    services.platform_defaults_update(access=wang, modules=[], preferences={})
    record = provision_now(
        access=None,
        source="cli",
        spec=CongressSpec(
            tier="township",
            parent=congresses["huaxi"],
            division_code="520111110000",
            name="新乡",
            subdomain="xin",
        ),
    )
    assert record.congress.enabled_modules == []


@pytest.mark.parametrize(
    ("preferences", "key"),
    [
        ({"deadline.reply_months": 0}, "deadline.reply_months"),
        ({"deadline.reply_months": "three"}, "deadline.reply_months"),
        ({"categories.result": []}, "categories.result"),
        ({"categories.result": [["A", "甲"], ["A", "乙"]]}, "categories.result"),
        ({"terminology": {"unknown_term": "x"}}, "terminology"),
        ({"no.such.setting": 1}, "no.such.setting"),
    ],
)
def test_bad_settings_are_refused_by_key_and_change_nothing(api_for, congresses, preferences, key):
    response = api_for("li", "huaxi").put(
        "/api/v1/congress/settings/", {"modules": ["about"], "preferences": preferences}, format="json"
    )
    assert response.status_code == 400 and key in str(response.json())
    assert Congress.objects.get(subdomain="huaxi").preferences == {}


def test_unknown_module_is_refused(api_for):
    response = api_for("li", "huaxi").put("/api/v1/congress/settings/", {"modules": ["nope"]}, format="json")
    assert response.status_code == 400 and "modules" in response.json()


def test_configure_checks_the_congress_as_well_as_the_role(users, congresses):
    zhou_on_huaxi = Access(user=users["zhou"], congress=congresses["qingyan"], roles=frozenset({"congress_admin"}))
    with pytest.raises(PermissionDenied):
        services.congress_configure(access=zhou_on_huaxi, congress=congresses["huaxi"], modules=[], preferences={})
    with pytest.raises(ValidationError):
        services.congress_configure(
            access=admin_access(users["li"], congresses["huaxi"]),
            congress=congresses["huaxi"],
            modules=["x"],
            preferences={},
        )


def test_settings_page_saves_lines_and_shows_terminology_on_the_front_page(client_for):
    client = client_for("li", "huaxi")
    form = client.get("/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields if name != "modules"}
    data.update({"modules": ["about"], "terminology": "office=人大常委会办公室\nliaison_station=代表联络站"})
    response = client.post("/settings/", data)
    assert response.status_code == 302
    assert Congress.objects.get(subdomain="huaxi").preferences == {
        "terminology": {"office": "人大常委会办公室", "liaison_station": "代表联络站"}
    }
    assert "人大常委会办公室" in client_for(None, "huaxi").get("/").content.decode()
    bad = client.post("/settings/", {**data, "deadline.reply_months": "99"})
    assert bad.status_code == 200 and Congress.objects.get(subdomain="huaxi").preferences["terminology"]


def test_front_page_tiles_follow_the_menu_roles(client_for):
    public = client_for(None, "huaxi").get("/").content.decode()
    staff = client_for("li", "huaxi").get("/").content.decode()
    assert "人大概况" in public and 'href="/units/"' not in public
    assert 'href="/units/"' in staff
