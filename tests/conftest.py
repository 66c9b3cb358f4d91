import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils.functional import empty
from rest_framework.test import APIClient

from console.services import provision_now
from console.specs import CongressSpec
from shared_apps.accounts.sms import MemorySmsSender
from shared_apps.memberships.services import membership_grant
from tenant_apps.suggestions.models import private_storage
from tenants.models import Congress
from tests.support.liaison import Desk
from tests.support.personas import CONGRESSES, DEPUTIES, PASSWORD, PERSONAS, TERMS
from tests.support.suggestions import World
from tests.support.web import host_of


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The congresses and personas are provisioned once per test session (by cloning the template)."""
    with django_db_blocker.unblock():
        made = {}
        for key, tier, parent_key, code, name, subdomain in CONGRESSES:
            spec = CongressSpec(
                tier=tier, parent=made.get(parent_key), division_code=code, name=name, subdomain=subdomain
            )
            record = provision_now(access=None, spec=spec, source="demo")
            assert record.status == "succeeded", record.error
            made[key] = record.congress
        user_model = get_user_model()
        for persona, seats in PERSONAS.items():
            user = user_model.objects.create_user(email=f"{persona}@example.org", password=PASSWORD, name=persona)
            for key, role in seats:
                membership_grant(actor=None, user=user, congress=made[key], role=role)
        _registry(made)


def _registry(made: dict) -> None:
    """Open terms and register the persona deputies (through the services, as an office would)."""
    import datetime

    from shared_apps.memberships.permissions import Access
    from shared_apps.registry import services as registry

    root = Access(user=None, congress=None, is_platform_admin=True)
    terms = {
        key: registry.term_open(access=root, congress=made[key], number=number, starts_on=datetime.date(2021, 1, 1))
        for key, number in TERMS.items()
    }
    user_model = get_user_model()
    for _key, name, id_number, mobile, persona, seats in DEPUTIES:
        deputy, _created = registry.deputy_register(
            actor=None, data={"name": name, "id_number": id_number, "mobile": mobile}
        )
        if persona:
            deputy.user = user_model.objects.get(email=f"{persona}@example.org")
            deputy.save(update_fields=["user"])
        for congress_key, constituency in seats:
            term = terms[congress_key]
            registry.seat_add(
                access=root,
                deputy=deputy,
                term=term,
                starts_on=term.starts_on,
                constituency=registry.constituency_get_or_create(term, constituency),
            )


@pytest.fixture(autouse=True)
def _second_factor_policy(request, settings):
    """The second factor is asked of no role, unless a test is marked `mfa_enforced` (tests/shared_apps/security/
    test_mfa.py holds the production default and its enforcement): the modules' tests make staff of their own
    by the dozen, and signing in is not what they test."""
    if request.node.get_closest_marker("mfa_enforced") is None:
        settings.MFA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _hosts_looked_up(settings):
    """Tests change congresses directly and roll back: the hosts' memory (tenants.middleware) is off unless a
    test turns it on."""
    settings.CONGRESS_HOST_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _public_schema(db):
    """Every test starts (and ends) in the public schema."""
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def congresses(db) -> dict[str, Congress]:
    return {c.subdomain: c for c in Congress.objects.all()}


@pytest.fixture
def users(db):
    user_model = get_user_model()
    return {persona: user_model.objects.get(email=f"{persona}@example.org") for persona in PERSONAS}


@pytest.fixture
def client_for(users):
    """client_for(persona or None, subdomain or None) → a signed-in Django test client on that host."""

    def make(persona: str | None, subdomain: str | None = None) -> Client:
        client = Client(HTTP_HOST=host_of(subdomain))
        if persona is not None:
            client.force_login(users[persona])
        return client

    return make


@pytest.fixture
def api_for(users):
    """api_for(persona or None, subdomain or None) → a DRF client with a session on that host."""

    def make(persona: str | None, subdomain: str | None = None) -> APIClient:
        client = APIClient(HTTP_HOST=host_of(subdomain))
        if persona is not None:
            client.force_login(users[persona])
        return client

    return make


# -- shared by the modules' tests (suggestions, liaison) and the read-model rebuild in tests/tenants ----------


@pytest.fixture
def world(users, congresses, clean_side_channels) -> World:
    """Huaxi's World; its reply letters go to a temporary private storage (clean_side_channels)."""
    return World(users, congresses["huaxi"])


@pytest.fixture
def desk(users, congresses) -> Desk:
    made = Desk(users, congresses)
    connection.set_schema_to_public()
    return made


@pytest.fixture
def clean_side_channels(settings, tmp_path):
    """SMS into memory, photos into a temporary private storage, and a fresh lookup limit per test.

    Not autouse: the modules built on the liaison desk ask for it with `pytestmark = usefixtures(...)`."""
    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    root = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    private_storage._wrapped = empty
    MemorySmsSender.outbox.clear()
    cache.clear()
    yield
    MemorySmsSender.outbox.clear()
    private_storage._wrapped = empty
    cache.clear()


def pytest_collection_modifyitems(items):
    """The browser suite (tests/browser, marker "browser") runs last: Playwright's event loop stays in the
    main thread until the session ends, and Django refuses database calls from a thread that runs one."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
