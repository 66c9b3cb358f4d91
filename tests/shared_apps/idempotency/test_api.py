"""`Idempotency-Key` on every API write (issue 16, part 4): a retry with the same key and request gets the first
answer and writes nothing; another request under the key is refused (422); a key is one caller's in one
congress; a key in flight answers 409; the answer is stored in the transaction of the write, or not at all."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.response import Response

from shared_apps.idempotency import services
from shared_apps.idempotency.models import IdempotencyKey, KeyKind
from shared_apps.idempotency.tasks import purge_keys
from shared_apps.registry.selectors import term_current
from tenant_apps.suggestions import api as suggestions_api
from tenant_apps.suggestions.models import Suggestion
from tenants.models import Congress
from tests.support.registry import seated_deputy

pytestmark = pytest.mark.usefixtures("clean_side_channels")

KEY = "3f9a6c1e-2b7d-4e8f-9a0b-1c2d3e4f5a6b"
DRAFTS = "/api/v1/suggestions/"
TITLE = "关于青岩古镇保护的建议"


def drafts(subdomain: str = "huaxi") -> list[str]:
    with Congress.objects.get(subdomain=subdomain):
        return list(Suggestion.objects.order_by("pk").values_list("title", flat=True))


def post_draft(api, title: str = TITLE, key: str | None = KEY, path: str = DRAFTS):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(
        path, {"kind": "suggestion", "title": title, "body": "……", "category": "文化"}, format="json", **headers
    )


def test_a_retry_gets_the_first_answer_and_writes_nothing(api_for):
    yang = api_for("yang", "huaxi")
    before = drafts()
    first = post_draft(yang, TITLE)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = post_draft(yang, TITLE)
    assert again.status_code == 201
    assert again.json() == first.json() and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert drafts() == [*before, TITLE]


def test_a_refusal_is_an_answer_too(api_for):
    """A 400 (here: no title) is given again as it was: the retry does not run the write later, half-fixed."""
    yang = api_for("yang", "huaxi")
    refused = yang.post(DRAFTS, {"body": "……"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert refused.status_code == 400
    again = yang.post(DRAFTS, {"body": "……"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 400 and again.json() == refused.json() and again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_or_path_is_refused_and_changes_nothing(api_for, congresses):
    yang = api_for("yang", "huaxi")
    assert post_draft(yang, TITLE).status_code == 201
    before = drafts()
    other_body = post_draft(yang, "关于花溪公园的建议")
    assert other_body.status_code == 422
    assert "Idempotency-Key" in other_body.json()["detail"] and "另一个请求" in other_body.json()["detail"]
    other_path = post_draft(yang, path="/api/v1/groups/")
    assert other_path.status_code == 422
    assert drafts() == before
    with congresses["huaxi"]:
        assert IdempotencyKey.objects.filter(key=KEY).count() == 1


@pytest.mark.parametrize("key", ["", " ", "a b", "x" * 256, "clé", "tab\tbed"])
def test_an_invalid_key_is_refused_with_400(api_for, key):
    yang = api_for("yang", "huaxi")
    before = drafts()
    response = post_draft(yang, TITLE, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert drafts() == before
    assert not IdempotencyKey.objects.exists()


def test_the_longest_valid_key_is_taken(api_for):
    yang = api_for("yang", "huaxi")
    assert post_draft(yang, TITLE, key="~" * 255).status_code == 201


def test_without_the_header_nothing_changes(api_for):
    yang = api_for("yang", "huaxi")
    before = drafts()
    assert post_draft(yang, TITLE, key=None).status_code == 201
    assert post_draft(yang, TITLE, key=None).status_code == 201
    assert drafts() == [*before, TITLE, TITLE]
    assert not IdempotencyKey.objects.exists()


def test_another_user_with_the_same_key_is_not_a_replay(api_for, congresses):
    """Yang and another Huaxi deputy use one key and one body: two drafts, neither sees the other's answer."""
    other = seated_deputy(1, term_current(congresses["huaxi"]), "deputy1@example.org")
    before = drafts()
    first = post_draft(api_for("yang", "huaxi"), TITLE)
    client = api_for(None, "huaxi")
    client.force_login(other.user)
    second = post_draft(client, TITLE)
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second and second.json()["id"] != first.json()["id"]
    assert drafts() == [*before, TITLE, TITLE]


def test_another_congress_with_the_same_key_is_not_a_replay(api_for):
    """Yang (a deputy of Huaxi and Qingyan) marks his notices read on both hosts and on the root with one key."""
    answers = [
        api_for("yang", host).post("/api/v1/me/notices/read/", {}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        for host in ("huaxi", "qingyan", None)
    ]
    assert [a.status_code for a in answers] == [answers[0].status_code] * 3 and answers[0].status_code < 300
    assert all("Idempotent-Replayed" not in a for a in answers)
    connection.set_schema_to_public()
    schemas = set(IdempotencyKey.objects.filter(key=KEY).values_list("schema_name", flat=True))
    assert len(schemas) == 3 and "public" in schemas


def test_a_member_of_another_congress_cannot_reach_the_answer_and_is_refused(api_for):
    """Ma (Honghuagang's admin), Wu (no membership) and anonymous callers on Huaxi with Yang's key and body: refused
    as before (401/403), never given Yang's answer."""
    assert post_draft(api_for("yang", "huaxi"), TITLE).status_code == 201
    before = drafts()
    for persona in ("ma", "wu", None):
        refused = post_draft(api_for(persona, "huaxi"), TITLE)
        assert refused.status_code in (401, 403), persona
        assert "Idempotent-Replayed" not in refused
    assert drafts() == before


def test_a_key_in_flight_answers_409_and_runs_nothing(api_for, users, congresses):
    """Another connection holds the key's lock, as the first request does while it runs."""
    scope = services.Scope(KeyKind.API, congresses["huaxi"].schema_name, users["yang"].pk, KEY)
    db = connection.settings_dict
    params = {
        "dbname": db["NAME"],
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    before = drafts()
    with psycopg.connect(**params, autocommit=True) as other:  # type: ignore[call-overload]
        other.execute("SELECT pg_advisory_lock(%s)", [services._lock_id(scope)])
        busy = post_draft(api_for("yang", "huaxi"), TITLE)
    assert busy.status_code == 409 and busy["Retry-After"] == "1"
    assert "正在处理" in busy.json()["detail"]
    assert drafts() == before and not IdempotencyKey.objects.exists()
    # Once the first is done (here: gone), the retry runs.
    assert post_draft(api_for("yang", "huaxi"), TITLE).status_code == 201


def test_the_answer_is_stored_in_the_transaction_of_the_write(api_for, monkeypatch):
    """A failure after the write but before the commit (as a killed process) leaves neither the group nor the key;
    the retry then runs afresh and makes exactly one group."""
    before = drafts()

    def crash(*args, **kwargs):
        raise RuntimeError("killed before the commit")

    monkeypatch.setattr(services, "answer_save", crash)
    with pytest.raises(RuntimeError):
        post_draft(api_for("yang", "huaxi"), TITLE)
    assert drafts() == before and not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert post_draft(api_for("yang", "huaxi"), TITLE).status_code == 201
    assert post_draft(api_for("yang", "huaxi"), TITLE)["Idempotent-Replayed"] == "true"
    assert drafts() == [*before, TITLE]


def test_a_server_error_is_not_stored_and_rolls_the_call_back(api_for, monkeypatch):
    before = drafts()
    original = suggestions_api.SuggestionListApi.post

    def failing(self, request, *args, **kwargs):
        original(self, request, *args, **kwargs)
        return Response({"detail": "unavailable"}, status=503)

    monkeypatch.setattr(suggestions_api.SuggestionListApi, "post", failing)
    assert post_draft(api_for("yang", "huaxi"), TITLE).status_code == 503
    assert drafts() == before and not IdempotencyKey.objects.exists()


def test_a_retried_upload_is_the_same_request_whatever_its_encoding(rf):
    """A form or an upload is encoded afresh on each try (another multipart boundary): the fingerprint reads the
    parsed fields and the files' content, not the bytes on the wire."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.parsers import FormParser, MultiPartParser
    from rest_framework.request import Request

    from shared_apps.idempotency.api import request_fingerprint

    def fingerprint(boundary: str, content: bytes) -> str:
        upload = SimpleUploadedFile("a.txt", content)
        django_request = rf.post("/api/v1/x/", {"b": "2", "a": "1", "file": upload})
        body = django_request.body.replace(b"BoUnDaRyStRiNg", boundary.encode())
        django_request = rf.generic(
            "POST", "/api/v1/x/", body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        return request_fingerprint(Request(django_request, parsers=[MultiPartParser(), FormParser()]))

    assert fingerprint("one", b"content") == fingerprint("two", b"content")
    assert fingerprint("one", b"content") != fingerprint("one", b"other content")


def test_expired_keys_are_purged_by_the_hourly_job_and_can_be_used_afresh(api_for, settings):
    yang = api_for("yang", "huaxi")
    assert post_draft(yang, TITLE).status_code == 201
    IdempotencyKey.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS, minutes=1)
    )
    # Expired but not yet purged: the key is free again, the request runs.
    again = post_draft(yang, TITLE)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert IdempotencyKey.objects.count() == 1
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS + 1))
    kept = post_draft(yang, "关于花溪公园的建议", key="another-key")
    assert kept.status_code == 201
    assert purge_keys(timestamp=0) == 1
    connection.set_schema_to_public()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["another-key"]


def test_the_purge_is_a_periodic_job_with_a_queueing_lock():
    from procrastinate.contrib.django import app

    periodic = {task.periodic_id: task for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["idempotency_purge_keys"].task.name == "idempotency.purge_keys"
    assert periodic["idempotency_purge_keys"].task.queueing_lock == "idempotency_purge_keys"


# -- the schema --------------------------------------------------------------------------------------------


def _key_headers(operation: dict) -> list[dict]:
    return [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]


@pytest.mark.parametrize("subdomain", ["huaxi", None])
def test_the_schema_documents_the_header_on_every_write(api_for, subdomain):
    schema = api_for(None, subdomain).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    writes = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"}
    ]
    assert len(writes) >= (100 if subdomain else 15)
    # Signing in for a token is the one write without it: its answer, a new token, is never kept for a replay.
    exempt = [w for w in writes if w[0] == "/api/v1/auth/token/"]
    assert len(exempt) == 1 and not _key_headers(exempt[0][2])
    for path, method, operation in writes:
        if (path, method, operation) in exempt:
            continue
        headers = _key_headers(operation)
        assert len(headers) == 1 and not headers[0]["required"], (method, path)
        assert headers[0]["schema"]["maxLength"] == 255
        responses = operation["responses"]
        assert {"400", "409", "422"} <= set(responses), (method, path)
        assert "Retry-After" in responses["409"]["headers"]
        assert all("Idempotent-Replayed" in r.get("headers", {}) for c, r in responses.items() if c.startswith("2"))
    reads = [op for item in schema["paths"].values() for m, op in item.items() if m == "get"]
    assert not any(p["name"] == "Idempotency-Key" for op in reads for p in op.get("parameters", []))


def test_signing_in_for_a_token_ignores_the_header_and_keeps_no_answer(api_for):
    from tests.support.personas import PASSWORD

    anonymous = api_for(None, "huaxi")
    body = {"email": "yang@example.org", "password": PASSWORD, "device": "phone"}
    first = anonymous.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = anonymous.post("/api/v1/auth/token/", body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert first.json()["token"] != again.json()["token"] and "Idempotent-Replayed" not in again
    assert not IdempotencyKey.objects.filter(key=KEY).exists()
