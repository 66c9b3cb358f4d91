"""One-time tokens for the web forms that create things (a public message, a suggestion draft, a reply): a
double click, the back button or a retry after a timeout never makes a second row.

The form carries a random token in a hidden field (`{% once_token %}`, issued when the page is drawn; a page
drawn again after an error keeps the posted one, so what was typed and the token stay together). The view runs
its service inside `form_once(request)`: in one transaction the token is locked (a second POST waits for the
first), looked up, and, once the row is made, recorded with where the person was taken. A POST with a token
already used creates nothing and goes where the first one went, with a friendly message.

A POST without a token (or with a malformed one) is taken as a first submission: a page opened before this
was deployed must not lose what was typed; it only lacks the protection.
"""

import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shared_apps.idempotency import services
from shared_apps.idempotency.models import IdempotencyKey, KeyKind

FIELD = "once_token"
TOKEN = re.compile(r"[0-9a-f]{32}")
ALREADY_SUBMITTED = _("这份表单已经提交过，没有重复提交。以下是第一次提交的结果。")


def new_token() -> str:
    return secrets.token_hex(16)


def posted_token(request) -> str | None:
    """The token of the submitted form, if it is one the platform could have issued."""
    if request.method != "POST":
        return None
    token = request.POST.get(FIELD, "")
    return token if isinstance(token, str) and TOKEN.fullmatch(token) else None


class FormOnce:
    """What `form_once` knows of one submission: `done` is where the first submission with this token took the
    person (None: this is the first), `data` what it kept for the page there; `record` notes this one's."""

    def __init__(self, scope: services.Scope | None, previous: IdempotencyKey | None):
        self.scope = scope
        self.previous = previous
        self.location = ""
        self.kept: dict = {}

    @property
    def done(self) -> str | None:
        return self.previous.location if self.previous is not None else None

    @property
    def data(self) -> dict:
        if self.previous is None:
            return {}
        try:
            return json.loads(services.answer_body(self.previous) or b"{}")
        except ValueError:
            return {}

    def record(self, location: str, data: dict | None = None) -> None:
        """Note where this first submission takes the person (and what that page needs: `data`, kept
        encrypted). Stored when the `form_once` block ends, in its transaction."""
        self.location, self.kept = location, data or {}


@contextmanager
def form_once(request, *, form: str) -> Iterator[FormOnce]:
    """Run a form's write at most once per token, in one transaction with the token's record. `form` names the
    form in the record (for whoever reads the table). Without a valid token it is a plain transaction."""
    token = posted_token(request)
    with transaction.atomic():
        scope = services.Scope.of(KeyKind.FORM, request.user, token) if token else None
        # A double click's second POST waits here until the first commits, then finds its record.
        previous = None
        if scope is not None:
            services.key_lock(scope, wait=True)
            previous = services.answer_get(scope)
        once = FormOnce(scope, previous)
        yield once
        if scope is not None and previous is None and once.location:
            services.answer_save(
                scope,
                fingerprint=services.fingerprint(form.encode()),
                status_code=303,
                location=once.location,
                body=json.dumps(once.kept).encode() if once.kept else b"",
            )
