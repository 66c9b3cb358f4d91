"""`Idempotency-Key` on every API write (POST, PUT, PATCH, DELETE): a caller whose connection dropped sends the
same request again with the same key and gets the first answer, never a second write.

Built into the API base classes (shared_apps.memberships.api_base), so no view can forget it. With the header,
the whole call runs in one transaction: authenticate, take the key's lock (busy: 409 with Retry-After), look the
key up (the same request: the stored answer, marked `Idempotent-Replayed: true`; another request: 422), run the
view, store its answer. An answer of 5xx is not stored and rolls the call back (the retry runs afresh); neither
are 409 and 429, which ask the caller to come back and wrote nothing. Without the header nothing changes.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError

from shared_apps.idempotency import services
from shared_apps.idempotency.models import KeyKind

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_AFTER_SECONDS = 1
# Answers that say "not done, come back": storing them would refuse the retry they ask for.
NOT_STORED = frozenset({status.HTTP_409_CONFLICT, status.HTTP_429_TOO_MANY_REQUESTS})


class KeyInvalid(ParseError):
    default_detail = _("Idempotency-Key 应为 1 至 255 个可打印 ASCII 字符（不含空格），建议使用 UUID。")


class KeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("使用同一 Idempotency-Key 的请求正在处理中，请稍后重试。")
    default_code = "idempotency_key_in_flight"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "这个 Idempotency-Key 已用于另一个请求（地址或内容不同），未执行本次请求。新的请求请换一个新的键。"
    )
    default_code = "idempotency_key_reused"


class KeyAnswerLost(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("这个 Idempotency-Key 的首次应答已无法读取，未执行本次请求。请核对结果后换一个新的键。")
    default_code = "idempotency_answer_unreadable"


class _Replay(Exception):
    """Raised once the key's stored answer is found: DRF's dispatch turns it into that answer."""

    def __init__(self, response: HttpResponse):
        self.response = response


@dataclass(frozen=True)
class _Pending:
    scope: services.Scope
    fingerprint: str


def _canonical(data) -> bytes:
    """The parsed body in one spelling: a retry of a form or an upload is encoded afresh (another multipart
    boundary, another field order) and must still count as the same request."""
    if hasattr(data, "lists"):  # a QueryDict: a form or the text fields of an upload
        data = sorted([name, [str(value) for value in values]] for name, values in data.lists())
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")).encode()


def _files(request) -> bytes:
    listed = []
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            listed.append([name, upload.name, upload.size, digest.hexdigest()])
    return json.dumps(listed, ensure_ascii=False).encode()


def request_fingerprint(request) -> str:
    """Method, path with its query and the parsed body (files by their content)."""
    data = request.data
    if hasattr(data, "lists") and request.FILES:
        data = data.copy()
        for name in request.FILES:
            data.pop(name, None)
    return services.fingerprint(
        request.method.encode(), request.get_full_path().encode(), _canonical(data), _files(request)
    )


def _replay_response(row) -> HttpResponse:
    try:
        body = services.answer_body(row)
    except ValueError:
        raise KeyAnswerLost() from None
    response = HttpResponse(body, status=row.status_code, content_type=row.content_type or None)
    if row.location:
        response["Location"] = row.location
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotentApiMixin:
    """Gives an APIView the `Idempotency-Key` behaviour described above. A view whose answer must never be
    stored sets `idempotent = False`: the header is then ignored there, and the schema does not offer it."""

    idempotent = True
    _idempotency: _Pending | None = None

    @classmethod
    def takes_idempotency_key(cls, method: str) -> bool:
        return cls.idempotent and method.upper() in WRITE_METHODS

    def dispatch(self, request, *args, **kwargs):
        self._idempotency = None
        if HEADER not in request.headers or not self.takes_idempotency_key(request.method):
            return super().dispatch(request, *args, **kwargs)
        # One transaction for the lock, the write and its stored answer: exactly once even across a killed process.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            self._idempotency_finish(response)
        return response

    def idempotency_begin(self, request) -> None:
        """After authentication, before the handler: answer from the stored row, or refuse, or note the key so
        that the answer is stored. Raises KeyInvalid (400), KeyInFlight (409), KeyReused (422) or _Replay."""
        if self._idempotency is not None or HEADER not in request.headers:
            return
        if not self.takes_idempotency_key(request.method):
            return
        key = request.headers[HEADER]
        if not services.key_is_valid(key):
            raise KeyInvalid()
        scope = services.Scope.of(KeyKind.API, request.user, key)
        fingerprint = request_fingerprint(request)
        if not services.key_lock(scope, wait=False):
            raise KeyInFlight()
        row = services.answer_get(scope)
        if row is not None:
            if row.fingerprint != fingerprint:
                raise KeyReused()
            raise _Replay(_replay_response(row))
        self._idempotency = _Pending(scope, fingerprint)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        response = super().handle_exception(exc)
        if isinstance(exc, KeyInFlight):
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def _idempotency_finish(self, response) -> None:
        pending, self._idempotency = self._idempotency, None
        if response.status_code >= 500:
            # Nothing half-done may stay behind an answer that is not stored: the retry runs the write afresh.
            transaction.set_rollback(True)
            return
        if pending is None or response.status_code in NOT_STORED or getattr(response, "streaming", False):
            return
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        services.answer_save(
            pending.scope,
            fingerprint=pending.fingerprint,
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            location=response.get("Location", ""),
            body=response.content,
        )
