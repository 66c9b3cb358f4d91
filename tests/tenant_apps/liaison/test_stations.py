"""Liaison stations: the office of Huaxi (county) keeps its stations, deputies on duty and staff; the public
opens a station's page from its QR poster. Everyone else is refused and nothing changes."""

import pytest
import segno
from django.conf import settings
from django_tenants.utils import schema_context

from shared_apps.registry.models import Deputy
from tenant_apps.liaison import posters
from tenant_apps.liaison.models import Station, StationDeputy, StationEvent, StationStaff

STATION = {
    "name": "花溪区青岩镇代表联络站",
    "code": "qingyan-1",
    "address": "青岩镇北街12号",
    "reception_days": "每月10日、20日上午",
    "contact_name": "王敏",
    "contact_phone": "0851-83201234",
}
OUTSIDERS = ["yang", "liu", "chen", "sun", "ma", "zhou", "wu", None]


def snapshot(congress) -> list[tuple]:
    """Everything the station services may change in a congress's schema."""
    with schema_context(congress.schema_name):
        return [
            list(Station.objects.order_by("id").values_list("code", "name", "address", "is_active")),
            list(StationDeputy.objects.order_by("id").values_list("station_id", "deputy_id", "duty_note")),
            list(StationStaff.objects.order_by("id").values_list("station_id", "user_id")),
            StationEvent.objects.count(),
        ]


def station_in(congress, code: str) -> Station:
    with schema_context(congress.schema_name):
        return Station.objects.get(code=code)


@pytest.fixture
def station(congresses) -> Station:
    with schema_context(congresses["huaxi"].schema_name):
        return Station.objects.create(**STATION)


@pytest.fixture
def deputies(db) -> dict[str, Deputy]:
    return {d.name: d for d in Deputy.objects.all()}


# -- the office's writes -----------------------------------------------------------------------------------


def test_the_office_creates_changes_and_staffs_a_station_through_the_api(api_for, congresses, deputies, users):
    office = api_for("zhang", "huaxi")
    created = office.post("/api/v1/liaison/stations/", STATION, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["kind"] == "physical" and data["is_active"] is True
    assert (
        data["url"]
        == f"{settings.SITE_SCHEME}://huaxi.{settings.ROOT_DOMAIN}"
        + (f":{settings.SITE_PORT}" if settings.SITE_PORT else "")
        + "/liaison/s/qingyan-1/"
    )
    pk = data["id"]

    changed = office.patch(f"/api/v1/liaison/stations/{pk}/", {"reception_days": "每周三上午"}, format="json")
    assert changed.status_code == 200 and changed.json()["reception_days"] == "每周三上午"

    luo, yang = deputies["罗国华"], deputies["杨秀英"]
    duty = [{"deputy": luo.pk, "duty_note": "每月10日"}, {"deputy": yang.pk}]
    response = office.put(f"/api/v1/liaison/stations/{pk}/deputies/", {"deputies": duty}, format="json")
    assert response.status_code == 200, response.content
    assert [(d["name"], d["duty_note"], d["tier"]) for d in response.json()["deputies"]] == [
        ("罗国华", "每月10日", "县级"),
        ("杨秀英", "", "县级"),
    ]
    response = office.put(f"/api/v1/liaison/stations/{pk}/staff/", {"users": [users["liu"].pk]}, format="json")
    assert response.status_code == 200 and [s["id"] for s in response.json()["staff"]] == [users["liu"].pk]

    off = office.post(f"/api/v1/liaison/stations/{pk}/active/", {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert "qingyan-1" not in [s["code"] for s in api_for(None, "huaxi").get("/api/v1/liaison/stations/").json()]
    assert "qingyan-1" in [s["code"] for s in office.get("/api/v1/liaison/stations/").json()]
    again = office.post(f"/api/v1/liaison/stations/{pk}/active/", {"is_active": False}, format="json")
    assert again.status_code == 400 and "is_active" in again.json()
    on = office.post(f"/api/v1/liaison/stations/{pk}/active/", {"is_active": True}, format="json")
    assert on.status_code == 200 and on.json()["is_active"] is True

    with schema_context(congresses["huaxi"].schema_name):
        kinds = list(StationEvent.objects.filter(station_id=pk).order_by("id").values_list("kind", "actor_id"))
    assert kinds == [
        (kind, users["zhang"].pk)
        for kind in ("created", "updated", "deputies_set", "staff_set", "deactivated", "reactivated")
    ]


def test_the_office_pages_create_edit_and_set_deputies_and_staff(client_for, congresses, deputies, users):
    office = client_for("li", "huaxi")
    assert office.get("/liaison/stations/").status_code == 200
    assert office.get("/liaison/stations/new/").status_code == 200
    response = office.post("/liaison/stations/new/", STATION, follow=True)
    assert response.status_code == 200 and "联络站已建立" in response.content.decode()
    station = station_in(congresses["huaxi"], "qingyan-1")
    base = f"/liaison/stations/{station.pk}/"
    page = office.get(base).content.decode()
    assert STATION["name"] in page and "poster.pdf" in page and "新建联络站" in page  # the history

    assert office.get(base + "edit/").status_code == 200
    edited = office.post(base + "edit/", {**STATION, "address": "青岩镇南街1号"}, follow=True)
    assert "联络站信息已保存" in edited.content.decode()

    form = office.get(base + "deputies/").content.decode()
    assert "罗国华" in form and "田芳" not in form  # only deputies serving in Huaxi are offered
    luo = deputies["罗国华"]
    office.post(base + "deputies/", {"deputy": [luo.pk], f"note_{luo.pk}": "每周三"})
    staff_form = office.get(base + "staff/").content.decode()
    assert users["liu"].email in staff_form and users["ma"].email not in staff_form
    office.post(base + "staff/", {"user": [users["liu"].pk]})
    deactivated = office.post(base + "active/", {"is_active": "0"}, follow=True).content.decode()
    assert "联络站已停用" in deactivated

    with schema_context(congresses["huaxi"].schema_name):
        station.refresh_from_db()
        assert station.address == "青岩镇南街1号" and not station.is_active
        assert list(StationDeputy.objects.values_list("deputy_id", "duty_note")) == [(luo.pk, "每周三")]
        assert list(StationStaff.objects.values_list("user_id", flat=True)) == [users["liu"].pk]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"code": ""}, "code"),
        ({"code": "Bad code!"}, "code"),
        ({"code": "online"}, "code"),  # the online station's
        ({"name": "网上代表联络站"}, "name"),  # the online station's
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"address": "长" * 201}, "address"),
    ],
)
def test_bad_station_input_is_refused_and_nothing_changes(api_for, client_for, congresses, data, field):
    before = snapshot(congresses["huaxi"])
    response = api_for("zhang", "huaxi").post("/api/v1/liaison/stations/", {**STATION, **data}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    page = client_for("zhang", "huaxi").post("/liaison/stations/new/", {**STATION, **data})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert snapshot(congresses["huaxi"]) == before


def test_bad_deputies_and_staff_are_refused_and_nothing_changes(
    api_for, client_for, congresses, station, deputies, users
):
    office = api_for("zhang", "huaxi")
    url = f"/api/v1/liaison/stations/{station.pk}/"
    luo, tian = deputies["罗国华"], deputies["田芳"]
    office.put(url + "deputies/", {"deputies": [{"deputy": luo.pk, "duty_note": "每周三"}]}, format="json")
    before = snapshot(congresses["huaxi"])
    for duty in (
        [{"deputy": tian.pk}],  # serves in Honghuagang, not here
        [{"deputy": 999999}],
        [{"deputy": luo.pk}, {"deputy": luo.pk}],
        [{"deputy": luo.pk, "duty_note": "长" * 201}],
    ):
        response = office.put(url + "deputies/", {"deputies": duty}, format="json")
        assert response.status_code == 400 and "deputies" in response.json(), duty
    for staff in ([users["ma"].pk], [users["wu"].pk], [999999]):
        response = office.put(url + "staff/", {"users": staff}, format="json")
        assert response.status_code == 400 and "users" in response.json()
    page = client_for("zhang", "huaxi").post(f"/liaison/stations/{station.pk}/deputies/", {"deputy": [tian.pk]})
    assert page.status_code == 200 and "只能安排在本级人大任职的代表进站" in page.content.decode()
    page = client_for("zhang", "huaxi").post(f"/liaison/stations/{station.pk}/staff/", {"user": [users["ma"].pk]})
    assert page.status_code == 200 and "只能选择本级人大的成员账号" in page.content.decode()
    assert snapshot(congresses["huaxi"]) == before


def test_the_online_station_cannot_be_deactivated_or_recoded(api_for, client_for, congresses):
    online = station_in(congresses["huaxi"], "online")
    office = api_for("zhang", "huaxi")
    before = snapshot(congresses["huaxi"])
    off = office.post(f"/api/v1/liaison/stations/{online.pk}/active/", {"is_active": False}, format="json")
    assert off.status_code == 400 and "网上联络站不能停用" in str(off.json())
    recoded = office.patch(f"/api/v1/liaison/stations/{online.pk}/", {"code": "web"}, format="json")
    assert recoded.status_code == 400 and "code" in recoded.json()
    page = client_for("zhang", "huaxi").post(f"/liaison/stations/{online.pk}/active/", {"is_active": "0"}, follow=True)
    assert "网上联络站不能停用" in page.content.decode()
    assert snapshot(congresses["huaxi"]) == before
    renamed = office.patch(f"/api/v1/liaison/stations/{online.pk}/", {"name": "花溪区网上代表联络站"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["code"] == "online"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_only_this_congress_office_manages_stations(api_for, client_for, congresses, station, deputies, persona):
    before = snapshot(congresses["huaxi"])
    api = api_for(persona, "huaxi")
    url = f"/api/v1/liaison/stations/{station.pk}/"
    refused = (401, 403)
    assert (
        api.post("/api/v1/liaison/stations/", {**STATION, "code": "x", "name": "x"}, format="json").status_code
        in refused
    )
    assert api.get(url).status_code in refused
    assert api.patch(url, {"name": "改名"}, format="json").status_code in refused
    assert api.post(url + "active/", {"is_active": False}, format="json").status_code in refused
    duty = {"deputies": [{"deputy": deputies["罗国华"].pk}]}
    assert api.put(url + "deputies/", duty, format="json").status_code in refused
    assert api.put(url + "staff/", {"users": []}, format="json").status_code in refused
    client = client_for(persona, "huaxi")
    for path in (
        "",
        "new/",
        f"{station.pk}/",
        f"{station.pk}/edit/",
        f"{station.pk}/deputies/",
        f"{station.pk}/staff/",
    ):
        assert client.get(f"/liaison/stations/{path}").status_code in (302, 403), path
    assert client.post("/liaison/stations/new/", STATION).status_code in (302, 403)
    assert client.post(f"/liaison/stations/{station.pk}/active/", {"is_active": "0"}).status_code in (302, 403)
    assert client.post(f"/liaison/stations/{station.pk}/edit/", {**STATION, "name": "改"}).status_code in (302, 403)
    assert snapshot(congresses["huaxi"]) == before


def test_a_congress_office_cannot_manage_another_congress_stations(api_for, congresses):
    # Zhang is Huaxi's office: on Qingyan's host (the township below) Zhang is nobody.
    online = station_in(congresses["qingyan"], "online")
    before = snapshot(congresses["qingyan"])
    api = api_for("zhang", "qingyan")
    assert api.post("/api/v1/liaison/stations/", STATION, format="json").status_code == 403
    assert api.patch(f"/api/v1/liaison/stations/{online.pk}/", {"name": "x"}, format="json").status_code == 403
    assert snapshot(congresses["qingyan"]) == before


# -- the public's side ------------------------------------------------------------------------------------


def test_the_public_station_page_shows_public_facts_only(api_for, client_for, congresses, station, deputies):
    luo, yang = deputies["罗国华"], deputies["杨秀英"]
    api_for("zhang", "huaxi").put(
        f"/api/v1/liaison/stations/{station.pk}/deputies/",
        {"deputies": [{"deputy": luo.pk, "duty_note": "每月10日"}, {"deputy": yang.pk}]},
        format="json",
    )
    page = client_for(None, "huaxi").get("/liaison/s/qingyan-1/")
    assert page.status_code == 200
    html = page.content.decode()
    for fact in (STATION["name"], STATION["address"], STATION["reception_days"], STATION["contact_phone"], "罗国华"):
        assert fact in html
    assert "给代表留言" in html and 'href="/liaison/s/qingyan-1/message/"' in html
    assert f'href="/liaison/d/{luo.pk}/"' in html and "县级" in html
    # SECURITY: never a deputy's identifiers or mobile, not even masked.
    for secret in ("13985067890", luo.mobile_masked, luo.id_number_masked, "13885012345", yang.mobile_masked):
        assert secret not in html
    data = api_for(None, "huaxi").get("/api/v1/liaison/s/qingyan-1/").json()
    assert [d["name"] for d in data["deputies"]] == ["罗国华", "杨秀英"]
    assert set(data["deputies"][0]) == {"id", "name", "photo_url", "tier", "duty_note"}
    assert "staff" not in data and data["message_url"].endswith("/liaison/s/qingyan-1/message/")


def test_the_public_index_lists_active_stations_and_the_online_one(client_for, api_for, congresses, station):
    api_for("zhang", "huaxi").post(
        "/api/v1/liaison/stations/", {**STATION, "name": "旧联络站", "code": "old"}, format="json"
    )
    old = station_in(congresses["huaxi"], "old")
    api_for("zhang", "huaxi").post(f"/api/v1/liaison/stations/{old.pk}/active/", {"is_active": False}, format="json")
    html = client_for(None, "huaxi").get("/liaison/").content.decode()
    assert "网上代表联络站" in html and STATION["name"] in html and "旧联络站" not in html
    assert client_for(None, "huaxi").get("/liaison/s/old/").status_code == 404
    assert client_for(None, "huaxi").get("/liaison/s/old/qr.png").status_code == 404
    assert client_for(None, "huaxi").get("/liaison/s/nothing/").status_code == 404
    assert api_for(None, "huaxi").get("/api/v1/liaison/s/old/").status_code == 404
    # The menu: everybody sees the stations; only the office sees the management entry.
    assert 'href="/liaison/"' in client_for(None, "huaxi").get("/").content.decode()
    assert 'href="/liaison/stations/"' not in client_for("yang", "huaxi").get("/").content.decode()
    assert 'href="/liaison/stations/"' in client_for("zhang", "huaxi").get("/").content.decode()


def test_the_qr_codes_and_the_poster_open_the_station_page(client_for, congresses, station):
    expected_url = congresses["huaxi"].url("/liaison/s/qingyan-1/")
    assert posters.station_url(congresses["huaxi"], station) == expected_url
    assert expected_url.startswith(f"{settings.SITE_SCHEME}://huaxi.")
    client = client_for(None, "huaxi")

    png = client.get("/liaison/s/qingyan-1/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.content == posters.qr_png(expected_url)  # the same code segno makes for that address

    svg = client.get("/liaison/s/qingyan-1/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and STATION["name"].encode() in svg.content
    assert svg.content == posters.qr_svg(expected_url, title=STATION["name"])

    pdf = client.get("/liaison/s/qingyan-1/poster.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    assert "attachment" in pdf["Content-Disposition"]

    # The code itself: segno's matrix for the station's address (what a phone decodes).
    code = posters.qr_code(expected_url)
    assert code.matrix == segno.make_qr(expected_url, error="m").matrix
    assert code.designator.endswith("M")
