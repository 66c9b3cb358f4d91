"""The error pages (issue 11): friendly 400/403/404/413/500 pages in the site's layout, JSON under /api/, and a body
over DATA_UPLOAD_MAX_MEMORY_SIZE answered 413 (not Django's bare 400) with DEBUG on or off.

Stage: Huaxi's online station (its public message form, multipart) and Yang drafting a suggestion (a plain form);
the liaison API takes messages as JSON or multipart. A sender pastes 5 MB of text."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.test.client import MULTIPART_CONTENT, encode_multipart

from config import errors
from tenant_apps.liaison.models import PublicMessage
from tenant_apps.suggestions.models import Suggestion
from tests.support.images import image_bytes
from tests.support.web import host_of

FIVE_MB_OF_TEXT = "留" * (5 * 1024 * 1024 // 3)
MESSAGE_FORM = "/liaison/s/online/message/"
MESSAGE_API = "/api/v1/liaison/messages/"
SMALL_MESSAGE = {"category": "problem", "text": "路灯坏了。", "sender_name": "王小明", "mobile": "13912345678"}


def browser(subdomain: str | None = "huaxi") -> Client:
    """A client checked for CSRF as a browser is, with the CSRF cookie an earlier page set: so the CSRF check
    reads the form, as it does in production (the form below has no token, which would be a 403)."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host_of(subdomain))
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    return client


def messages_in(congress) -> int:
    with congress:
        return PublicMessage.objects.count()


# -- 413: a body over the limit --------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_too_much_text_in_the_public_message_form_is_a_friendly_413(congresses, settings, debug):
    settings.DEBUG = debug
    before = messages_in(congresses["huaxi"])
    response = browser().post(MESSAGE_FORM, {**SMALL_MESSAGE, "text": FIVE_MB_OF_TEXT}, HTTP_REFERER="")
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容过大（上限约 2.5 MB）" in html
    assert "data-history-back" in html and "返回上一页" in html
    assert "贵阳市花溪区人民代表大会" in html  # the congress's own layout
    assert messages_in(congresses["huaxi"]) == before


def test_too_much_text_in_a_plain_form_is_a_413(client_for, congresses):
    client = client_for("yang", "huaxi")
    client.handler.enforce_csrf_checks = True
    with congresses["huaxi"]:
        before = Suggestion.objects.count()
    response = client.post(
        "/suggestions/new/",
        {"title": "关于增加公交班次的建议", "body": FIVE_MB_OF_TEXT},
        HTTP_REFERER=f"http://{host_of('huaxi')}/suggestions/new/",
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容过大" in html
    # Without JavaScript, "返回上一页" follows the page the form was on (a page of this host only).
    assert f'href="http://{host_of("huaxi")}/suggestions/new/" data-history-back' in html
    with congresses["huaxi"]:
        assert Suggestion.objects.count() == before


def test_the_back_link_never_leads_to_another_site(db):
    response = browser().post(MESSAGE_FORM, {"text": FIVE_MB_OF_TEXT}, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 413
    assert 'href="/" data-history-back' in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_too_much_json_to_the_api_is_a_json_413(congresses, settings, debug):
    settings.DEBUG = debug
    before = messages_in(congresses["huaxi"])
    body = json.dumps({**SMALL_MESSAGE, "station": "online", "text": FIVE_MB_OF_TEXT})
    response = browser().post(MESSAGE_API, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "上限约 2.5 MB" in response.json()["detail"]
    assert messages_in(congresses["huaxi"]) == before


def test_too_much_text_in_a_multipart_api_request_is_a_json_413(congresses):
    before = messages_in(congresses["huaxi"])
    body = encode_multipart("BoUnDaRy", {**SMALL_MESSAGE, "station": "online", "text": FIVE_MB_OF_TEXT})
    response = browser().post(MESSAGE_API, body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 413
    assert "上限约 2.5 MB" in response.json()["detail"]
    assert messages_in(congresses["huaxi"]) == before


@pytest.mark.usefixtures("clean_side_channels")
def test_a_photo_larger_than_the_text_limit_is_still_accepted(congresses):
    """Files do not count against the text limit: a 3 MB photo (under its own 5 MB) goes through."""
    photo = image_bytes("png", (1024, 1024), noise=True)  # random pixels: about 3 MB however it compresses
    assert len(photo) > 3 * 1024 * 1024
    upload = SimpleUploadedFile("photo.png", photo, content_type="image/png")
    client = Client(HTTP_HOST=host_of("huaxi"))
    before = messages_in(congresses["huaxi"])
    response = client.post(MESSAGE_FORM, {**SMALL_MESSAGE, "photos": [upload]}, content_type=MULTIPART_CONTENT)
    assert response.status_code == 302, response.content.decode()[:500]
    assert messages_in(congresses["huaxi"]) == before + 1


# -- 400, 403 (and the CSRF failure), 404, 500 ------------------------------------------------------------------


def test_too_many_fields_is_a_friendly_400(db):
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = browser().post(MESSAGE_FORM, fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请求无法处理" in html and "data-history-back" in html
    assert 'rel="manifest"' in html  # the site's layout


def test_an_expired_form_is_a_friendly_403(db):
    response = browser().post(MESSAGE_FORM, SMALL_MESSAGE)
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and "返回上一页" in html


def test_a_forbidden_page_is_the_friendly_403(client_for):
    response = client_for("wu", "huaxi").get("/registry/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


@pytest.mark.parametrize("subdomain", [None, "huaxi"])
def test_a_missing_page_is_the_friendly_404_with_debug_off(client_for, settings, subdomain):
    settings.DEBUG = False
    response = client_for(None, subdomain).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'href="/"' in html
    assert "Using the URLconf" not in html  # not Django's debug page


@pytest.mark.parametrize("subdomain", [None, "huaxi"])
def test_a_missing_api_endpoint_answers_json(client_for, subdomain):
    response = client_for(None, subdomain).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_the_500_page_needs_no_request_context_nor_database(django_assert_num_queries):
    request = RequestFactory().get("/suggestions/", HTTP_HOST=host_of("huaxi"))
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务暂时不可用" in html and "css/site.css" in html and 'href="/"' in html


def test_a_500_under_the_api_is_json():
    response = errors.server_error(RequestFactory().get("/api/v1/suggestions/"))
    assert response.status_code == 500
    assert "detail" in json.loads(response.content)


def test_a_suspicious_request_under_the_api_is_a_json_400():
    response = errors.bad_request(RequestFactory().post("/api/v1/suggestions/"), SuspiciousOperation("odd"))
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "请求无效。"}
