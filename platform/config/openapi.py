"""The OpenAPI schema told truly: every operation may answer with the platform's error bodies, and the schema
says so (drf-spectacular postprocessing hook), so that generated clients and tests/platform/test_schema_fuzz.py
expect them.

- 400 where the call carries input (a body or query parameters): the errors by field (`{"field": ["…"]}`), or
  `{"detail": "…"}`;
- 401 without credentials where they are needed, 403 without the role, 404 for what does not exist or is not
  the caller's to see (and every endpoint of a module the congress has switched off);
- 429 where the one limiter may refuse (the sign-in endpoints), with `Retry-After`.
Responses a view documents itself are kept as they are.
"""

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


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(STANDARD)
            takes_input = "requestBody" in operation or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            )
            if takes_input:
                wanted["400"] = "Invalid input: nothing was changed."
            for code, description in wanted.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
