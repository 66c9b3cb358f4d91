"""The OpenAPI schema told truly: every operation may answer with the platform's error bodies, and the schema
says so (drf-spectacular postprocessing hook), so that generated clients and tests/platform/test_schema_fuzz.py
expect them.

- 400 where the call carries input (a body or query parameters): the errors by field (`{"field": ["…"]}`), or
  `{"detail": "…"}`;
- 401 without credentials where they are needed, 403 without the role, 404 for what does not exist or is not
  the caller's to see (and every endpoint of a module the congress has switched off);
- 429 where the one limiter may refuse (the sign-in endpoints), with `Retry-After`;
- on every write (POST, PUT, PATCH, DELETE): the optional `Idempotency-Key` header (shared_apps.idempotency.api),
  its 409 (the same key still in flight, with `Retry-After`) and 422 (the key used for another request), and
  the `Idempotent-Replayed` header of a stored answer given again.
Responses a view documents itself are kept as they are.
"""

from shared_apps.idempotency.api import HEADER, REPLAYED_HEADER, RETRY_AFTER_SECONDS, WRITE_METHODS

ERROR = {
    "type": "object",
    "description": "`detail` (one message) or, for invalid input, the messages by field.",
    "additionalProperties": True,
}

STANDARD = {
    "401": "Not signed in (or an expired, revoked token).",
    "403": "Signed in without the role this needs here.",
    "404": "Not found, not the caller's to see, or the module is switched off in this congress.",
}


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Makes a retried write safe: a key chosen by the caller (a UUID is best), 1–255 printable ASCII characters "
        "without spaces, kept for IDEMPOTENCY_KEY_HOURS (default 24 h) per congress and caller. The same key with "
        "the same request (method, path and body) gets the first answer again (status, body, `Location`), marked "
        f"`{REPLAYED_HEADER}: true`, and nothing is done twice; the same key with another request is refused (422); "
        "while the first is still running, 409. Answers of 5xx, 409 and 429 are not kept (the retry runs afresh)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
IDEMPOTENCY_RESPONSES = {
    "409": (
        "A request with the same Idempotency-Key is still being handled: nothing was done, retry after "
        "`Retry-After` seconds.",
        {"Retry-After": {"schema": {"type": "integer", "example": RETRY_AFTER_SECONDS}}},
    ),
    "422": ("The Idempotency-Key was used for another request (path or body): nothing was done.", None),
}
REPLAYED = {
    "description": "`true` when this is the stored first answer to the same Idempotency-Key.",
    "schema": {"type": "string"},
}


def _takes_idempotency_key(generator) -> dict[tuple[str, str], bool]:
    """(path, method) → whether its view honours the header (every API base class does, unless a view opts out)."""
    found = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        takes = getattr(view_class, "takes_idempotency_key", None)
        found[(path, method.lower())] = takes(method) if takes is not None else False
    return found


def _add_idempotency(path: str, method: str, operation: dict, takes: dict, reference: dict) -> None:
    if method.upper() not in WRITE_METHODS or not takes.get((path, method), True):
        return
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
        parameters.append(IDEMPOTENCY_PARAMETER)
    responses = operation.setdefault("responses", {})
    for code, (description, headers) in IDEMPOTENCY_RESPONSES.items():
        answer: dict = {"description": description, "content": {"application/json": {"schema": reference}}}
        if headers:
            answer["headers"] = headers
        responses.setdefault(code, answer)
    for code, answer in responses.items():
        if code.startswith("2") and isinstance(answer, dict):
            answer.setdefault("headers", {}).setdefault(REPLAYED_HEADER, REPLAYED)


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    reference = {"$ref": "#/components/schemas/Error"}
    takes = _takes_idempotency_key(generator)
    for url, path in result.get("paths", {}).items():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _add_idempotency(url, method, operation, takes, reference)
            responses = operation.setdefault("responses", {})
            wanted = dict(STANDARD)
            # A header counts: an invalid Idempotency-Key is refused with 400.
            takes_input = "requestBody" in operation or any(
                p.get("in") in {"query", "header"} for p in operation.get("parameters", [])
            )
            if takes_input:
                wanted["400"] = "Invalid input: nothing was changed."
            for code, description in wanted.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result


def load_extensions() -> None:
    """Import every drf-spectacular extension's target class now, in one thread. drf-spectacular does it on the
    first schema request, and two threads doing it at once (gunicorn's gthread workers, a fresh process) race:
    one sets a missing target (an app not installed, e.g. simplejwt) to None while the other still reads it, and
    that request fails with a 500 (seen in tests/test_faults_db.py). Called by the WSGI entry point."""
    import drf_spectacular.openapi  # noqa: F401 (registers the contributed extensions, simplejwt's among them)
    from drf_spectacular.plumbing import OpenApiGeneratorExtension

    for family in OpenApiGeneratorExtension.__subclasses__():
        for extension in vars(family)["_registry"]:  # each family's own list (vars: mypy reads it as generic)
            if isinstance(extension.target_class, str):
                extension._load_class()
