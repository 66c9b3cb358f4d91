import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shared_apps.registry.models import Deputy, RegistryEvent


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "red").save(buffer, "PNG")
    return SimpleUploadedFile("yang.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def yang(db):
    return Deputy.objects.get(name="杨秀英")


def test_office_updates_biography_photo_and_mobile(client_for, yang, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for("zhang", "huaxi").post(
        f"/registry/deputies/{yang.pk}/edit/",
        {"biography": "长期从事茶叶种植。", "work_unit": "青岩镇茶叶合作社", "mobile": "13600001111", "photo": png()},
    )
    assert response.status_code == 302
    yang.refresh_from_db()
    assert yang.biography == "长期从事茶叶种植。" and yang.photo.name.startswith("deputies/")
    assert yang.reveal_mobile() == "13600001111" and yang.mobile_masked == "136****1111"
    assert set(RegistryEvent.objects.filter(deputy=yang, kind="updated").last().data["fields"]) >= {
        "biography",
        "photo",
        "mobile",
    }


def test_bad_mobile_is_refused_by_field_and_changes_nothing(client_for, yang):
    response = client_for("zhang", "huaxi").post(
        f"/registry/deputies/{yang.pk}/edit/", {"biography": "新简介", "mobile": "123"}
    )
    assert response.status_code == 200 and "手机号码" in response.content.decode()
    yang.refresh_from_db()
    assert yang.biography == "" and yang.mobile_masked == "138****2345"


def test_not_an_image_is_refused(client_for, yang):
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client_for("zhang", "huaxi").post(f"/registry/deputies/{yang.pk}/edit/", {"photo": fake})
    assert response.status_code == 200
    yang.refresh_from_db()
    assert not yang.photo


@pytest.mark.parametrize(
    ("persona", "subdomain", "status"),
    [
        ("ma", "honghuagang", 404),
        ("zhou", "huaxi", 403),
        ("yang", "huaxi", 403),
        (None, "huaxi", 302),
    ],
)
def test_others_cannot_edit(client_for, yang, persona, subdomain, status):
    response = client_for(persona, subdomain).post(f"/registry/deputies/{yang.pk}/edit/", {"biography": "x"})
    assert response.status_code == status
    yang.refresh_from_db()
    assert yang.biography == ""
