from shared_apps.registry.identifiers import id_check_digit
from shared_apps.registry.models import Deputy, Seat

NEW_ID = "52011119900101123" + id_check_digit("52011119900101123")


def test_office_registers_a_by_election_deputy(api_for):
    response = api_for("zhang", "huaxi").post(
        "/api/v1/registry/seats/",
        {"name": "龙海燕", "id_number": NEW_ID, "mobile": "13712345678", "constituency": "燕楼镇选区"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id_number"] == "5201**********" + NEW_ID[-4:]
    assert Seat.objects.get(deputy__name="龙海燕").congress.subdomain == "huaxi"


def test_a_person_known_at_another_tier_is_linked(api_for):
    before = Deputy.objects.count()
    response = api_for("zhou", "qingyan").post(
        "/api/v1/registry/seats/",
        {"name": "罗国华", "id_number": "520111196811230015", "constituency": "青岩镇第一选区"},
        format="json",
    )
    assert response.status_code == 201
    assert Deputy.objects.count() == before
    assert Deputy.objects.get(name="罗国华").seats.count() == 2


def test_bad_rows_are_refused_by_field_and_change_nothing(api_for, client_for):
    before = (Deputy.objects.count(), Seat.objects.count())
    response = api_for("zhang", "huaxi").post(
        "/api/v1/registry/seats/",
        {"name": "某某", "id_number": NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1"), "constituency": "x"},
        format="json",
    )
    assert response.status_code == 400 and "id_number" in response.json()
    page = client_for("zhang", "huaxi").post("/registry/seats/new/", {"name": "某某", "id_number": NEW_ID})
    assert page.status_code == 200 and "constituency" in page.context["form"].errors
    assert (Deputy.objects.count(), Seat.objects.count()) == before


def test_others_cannot_register(api_for):
    for persona, subdomain in (("zhou", "huaxi"), ("yang", "huaxi"), ("wu", "huaxi"), (None, "huaxi")):
        response = api_for(persona, subdomain).post(
            "/api/v1/registry/seats/",
            {"name": "龙海燕", "id_number": NEW_ID, "constituency": "燕楼镇选区"},
            format="json",
        )
        assert response.status_code in (401, 403)
    assert not Deputy.objects.filter(name="龙海燕").exists()
