"""Hostile input is a clear 400 (or, for a filter, no filter), never a 500 (issue 12, defects 2–4): NUL
characters anywhere in a query string, a form or a JSON body; numbers in other scripts' digits or thousands of
digits long; JSON nested deep enough to exhaust the interpreter."""

import json

import pytest

from tenant_apps.liaison.models import PublicMessage

NUL_PAGES = [
    (None, None, "/deputies/?q=%00"),
    (None, None, "/api/v1/deputies/?q=%00"),
    (None, "huaxi", "/deputies/?constituency=a%00b"),
    (None, "huaxi", "/suggestions/public/?kind=%00"),
    ("zhang", "huaxi", "/liaison/inbox/?status=%00"),
    ("zhang", "huaxi", "/suggestions/overview/?q=%00"),
]


@pytest.mark.parametrize(("persona", "host", "path"), NUL_PAGES)
def test_a_nul_in_a_query_string_is_a_clear_400(client_for, persona, host, path):
    response = client_for(persona, host).get(path)
    assert response.status_code == 400
    said = response.json()["detail"] if "json" in response["Content-Type"] else response.content.decode()
    assert "空字符" in said


def test_a_nul_in_a_form_is_refused_and_saves_nothing(client_for, congresses):
    from django_tenants.utils import schema_context

    huaxi = congresses["huaxi"]
    with schema_context(huaxi.schema_name):
        before = PublicMessage.objects.count()
    form = {"category": "problem", "text": "路灯坏了\x00", "sender_name": "王", "mobile": "13900001111"}
    response = client_for(None, "huaxi").post("/liaison/s/online/message/", form)
    assert response.status_code == 400 and "空字符" in response.content.decode()
    with schema_context(huaxi.schema_name):
        assert PublicMessage.objects.count() == before


DIGITS = ["²", "٣", "9" * 5000, "2026²"]


@pytest.mark.parametrize("value", DIGITS, ids=["superscript", "arabic-indic", "5000-digits", "trailing"])
@pytest.mark.parametrize(
    ("persona", "path"),
    [
        (None, "/suggestions/public/?year={}"),
        ("zhang", "/liaison/figures/?year={}"),
        ("zhang", "/suggestions/overview/?q={}"),
        ("zhang", "/suggestions/key/?committee={}"),
        ("zhang", "/suggestions/commitments/?unit={}"),
        (None, "/deputies/?congress={}"),
    ],
)
def test_numbers_in_other_digits_are_no_number_not_a_500(client_for, persona, path, value):
    response = client_for(persona, "huaxi").get(path.format(value))
    assert response.status_code in (200, 400), response.status_code


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("persona", "path"),
    [(None, "/api/v1/auth/token/"), (None, "/api/v1/liaison/messages/"), ("li", "/api/v1/groups/")],
)
@pytest.mark.parametrize("body", [_deep(100_000), json.dumps({"a": json.loads(_deep(40))}), '{"text": "a\\u0000b"}'])
def test_hostile_json_is_a_clear_400(api_for, persona, path, body):
    response = api_for(persona, "huaxi").post(path, body, content_type="application/json")
    assert response.status_code == 400, (path, response.status_code)
    assert response.json()["detail"]


def test_ordinary_json_still_parses(api_for):
    """A body of ordinary depth reaches the view: here a token request with the wrong password, refused by it."""
    nested = {"email": "nobody@example.org", "password": "x", "extra": json.loads(_deep(10))}
    response = api_for(None, "huaxi").post("/api/v1/auth/token/", nested, format="json")
    assert response.status_code in (400, 401) and "JSON" not in json.dumps(response.json(), ensure_ascii=False)


def test_the_class_of_defect_stays_closed():
    """No code reads numbers with str.isdigit() (which takes "²" and "٣", then int() breaks or misreads them)
    and no API view parses JSON with DRF's unbounded parser: tenants.params and tenants.parsers are the ways."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("tenants", "shared_apps", "tenant_apps", "platform"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if ".isdigit()" in text.replace("`str.isdigit()`", ""):
                offenders.append(f"{path.relative_to(root)}: isdigit")
            if "JSONParser" in text and path.name != "parsers.py" and "BoundedJSONParser" not in text:
                offenders.append(f"{path.relative_to(root)}: JSONParser")
    assert offenders == []
