"""Headers and cookies (issue 12): a Content-Security-Policy without inline scripts (nonces for the few style
blocks), HSTS over HTTPS, Permissions-Policy, and no-store on whatever a signed-in caller is served."""

import re
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = ["platform", "shared_apps", "tenant_apps", "tenants"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("host", "path"),
    [(None, "/"), ("huaxi", "/"), ("huaxi", "/accounts/login/"), ("qingyan", "/liaison/"), (None, "/api/v1/docs/")],
)
def test_pages_carry_a_policy_without_inline_scripts(client_for, host, path):
    response = client_for(None, host).get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    # Every script is a file of the platform's (or data that is never run: type="application/json").
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    nonces = set(re.findall(r'<style nonce="([^"]+)"', html))
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in policy["style-src"]
    assert "<style>" not in html


def test_no_template_has_inline_script_handlers_or_style_attributes():
    """The class of defect: a template that would need 'unsafe-inline'."""
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text()
            if re.search(r"\son[a-z]+=\"", text) or re.search(r"\sstyle=\"", text):
                offenders.append(str(path.relative_to(ROOT)))
            for tag in re.findall(r"<(?:style|script)\b[^>]*>", text):
                if tag.startswith("<style") and "nonce=" not in tag:
                    offenders.append(f"{path.relative_to(ROOT)}: {tag}")
                if tag.startswith("<script") and "src=" not in tag and "application/json" not in tag:
                    offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not offenders


def test_the_docs_script_is_served_apart_from_the_page(client_for):
    response = client_for(None).get("/api/v1/docs/?script=")
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    assert "SwaggerUIBundle" in response.content.decode()


def test_permissions_policy_and_referrer_policy(client_for):
    response = client_for(None, "huaxi").get("/")
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_and_token_calls_are_not_stored(client_for, db):
    assert "no-store" not in client_for(None, "huaxi").get("/about/").get("Cache-Control", "")
    signed = client_for("li", "huaxi").get("/about/")
    assert "no-store" in signed["Cache-Control"] and "private" in signed["Cache-Control"]
    key = (
        APIClient(HTTP_HOST="huaxi.congress.localhost")
        .post("/api/v1/auth/token/", {"email": "yang@example.org", "password": "Persona-pass-2026"}, format="json")
        .json()["token"]
    )
    api = APIClient(HTTP_HOST="huaxi.congress.localhost", HTTP_AUTHORIZATION=f"Token {key}")
    assert "no-store" in api.get("/api/v1/me/workspace/")["Cache-Control"]


def test_hsts_and_secure_cookies_behind_https(settings, db):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client(HTTP_HOST="huaxi.congress.localhost")
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.cookies["csrftoken"]["secure"]
    response = client.post(
        "/accounts/login/", {"login": "yang@example.org", "password": "Persona-pass-2026"}, secure=True
    )
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
