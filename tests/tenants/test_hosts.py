import pytest
from django.conf import settings

from console.services import congress_set_status
from shared_apps.memberships.permissions import Access


@pytest.fixture
def wang_access(users):
    return Access(user=users["wang"], congress=None, is_platform_admin=True)


def test_root_domain_serves_the_central_platform_with_every_congress(client_for):
    response = client_for(None).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "贵州省人民代表大会" in body and "花溪区青岩镇人民代表大会" in body


def test_congress_host_serves_its_own_front_page(client_for):
    response = client_for(None, "qingyan").get("/")
    assert response.status_code == 200
    assert "花溪区青岩镇人民代表大会" in response.content.decode()


def test_unknown_subdomain_gets_a_friendly_404(client_for):
    response = client_for(None, "nowhere").get("/some/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到这个人大平台" in body and "nowhere." in body
    assert "Traceback" not in body


@pytest.mark.parametrize(("status", "code", "text"), [("suspended", 503, "暂停服务"), ("archived", 410, "已归档")])
def test_suspended_or_archived_congress_shows_a_notice(client_for, congresses, wang_access, status, code, text):
    congress_set_status(access=wang_access, congress=congresses["qingyan"], status=status)
    for path in ("/", "/about/", "/api/v1/congress/"):
        response = client_for(None, "qingyan").get(path)
        assert response.status_code == code
        assert text in response.content.decode()


def test_status_change_writes_a_history_row(congresses, wang_access):
    congress = congress_set_status(access=wang_access, congress=congresses["qingyan"], status="suspended", note="换届")
    event = congress.events.get(kind="status_changed")
    assert event.data == {"from": "active", "to": "suspended", "note": "换届"}
    assert event.actor == wang_access.user


def test_hosts_outside_the_root_domain_are_refused(client_for):
    from django.test import Client

    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code == 400
    assert settings.ROOT_DOMAIN == "congress.localhost"


def test_console_congress_list_exports_to_xlsx(client_for):
    import io

    from openpyxl import load_workbook

    response = client_for("wang").get("/console/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "层级", "区划代码") and rows[4][:3] == (
        "花溪区青岩镇人民代表大会",
        "乡镇级",
        "520111101000",
    )
    assert client_for("li").get("/console/", {"format": "xlsx"}).status_code == 403


def test_a_host_is_remembered_for_a_while_and_forgotten_when_its_congress_changes(
    client_for, congresses, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from console.services import congress_set_status
    from shared_apps.memberships.permissions import Access
    from tenants import middleware

    settings.CONGRESS_HOST_CACHE_SECONDS = 60
    middleware.forget_all_hosts()
    client = client_for(None, "qingyan")
    assert client.get("/accounts/login/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 200
    assert not any("tenants_domain" in q["sql"] for q in queries.captured_queries)
    # A new congress's host is never remembered as unknown; a suspended congress is refused at once.
    wang = Access(user=None, congress=None, is_platform_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        congress_set_status(access=wang, congress=congresses["qingyan"], status="suspended")
    assert client.get("/accounts/login/").status_code == 503
    middleware.forget_all_hosts()


@pytest.fixture
def remembering(settings):
    """The hosts' memory on, with the database's counter raised at each statement rather than at commit (the
    test's transaction never commits)."""
    from django.db import connection

    from tenants import middleware

    settings.CONGRESS_HOST_CACHE_SECONDS = 60
    middleware.forget_all_hosts()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS hosts_generation IMMEDIATE")
    yield middleware
    middleware.forget_all_hosts()


def _looked_up(queries) -> tuple[int, int]:
    sql = [q["sql"] for q in queries.captured_queries]
    return sum("tenants_domain" in q for q in sql), sum("tenants_hostsgeneration" in q for q in sql)


def test_a_process_reads_one_counter_a_period_however_many_hosts_it_serves(client_for, congresses, remembering):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hosts = ["guizhou", "guiyang", "huaxi", "qingyan"]
    for host in hosts:
        assert client_for(None, host).get("/accounts/login/").status_code == 200
    remembering._checked.until = 0.0  # the period has passed; nothing changed
    with CaptureQueriesContext(connection) as queries:
        for host in hosts * 3:
            assert client_for(None, host).get("/accounts/login/").status_code == 200
    assert _looked_up(queries) == (0, 1)


def test_a_change_made_anywhere_reaches_the_process_after_the_period(client_for, congresses, remembering):
    """Not through the console (which forgets at once in its own process): as another process, the admin or
    the shell would change it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.models import Congress, Domain

    client = client_for(None, "qingyan")
    assert client.get("/accounts/login/").status_code == 200
    Congress.objects.filter(pk=congresses["qingyan"].pk).update(status="suspended")
    assert client.get("/accounts/login/").status_code == 200  # still remembered within the period
    remembering._checked.until = 0.0
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 503
    assert _looked_up(queries) == (1, 1)
    Congress.objects.filter(pk=congresses["qingyan"].pk).update(status="active")
    # A domain moved to another host: the old host is unknown once the period is over, the new one answers.
    Domain.objects.filter(tenant=congresses["qingyan"]).update(domain="qingyan-town.congress.localhost")
    remembering._checked.until = 0.0
    assert client.get("/accounts/login/").status_code == 404
    moved = client_for(None, "qingyan-town")
    assert moved.get("/accounts/login/").status_code == 200


def test_the_counter_moves_at_commit_with_any_change_to_a_congress_or_a_domain(congresses):
    from django.db import connection

    from tenants.models import Congress, Domain, HostsGeneration

    before = HostsGeneration.current()
    Congress.objects.filter(pk=congresses["qingyan"].pk).update(name="青岩镇")
    assert HostsGeneration.current() == before  # deferred: not before the change commits
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS hosts_generation IMMEDIATE")  # what commit does
    assert HostsGeneration.current() == before + 1
    Domain.objects.filter(tenant=congresses["qingyan"]).order_by("pk").first().delete()
    assert HostsGeneration.current() == before + 2
    # `migrate` stamping a congress changes nothing a process remembers: the counter stays.
    Congress.objects.filter(pk=congresses["qingyan"].pk).update(migrated_fingerprint="stamped")
    assert HostsGeneration.current() == before + 2


def test_a_lookup_overtaken_by_a_change_is_used_once_and_not_remembered(
    client_for, congresses, remembering, monkeypatch
):
    """gunicorn's threads share the memory: a thread that forgets every host (a change committed) while another
    looks its host up must not see the other store what it read before the change."""
    import types

    real = remembering.Domain

    def overtaken(*fields):
        remembering._forget_all()  # another thread, meanwhile
        return real.objects.select_related(*fields)

    monkeypatch.setattr(
        remembering, "Domain", types.SimpleNamespace(objects=types.SimpleNamespace(select_related=overtaken))
    )
    assert client_for(None, "qingyan").get("/accounts/login/").status_code == 200
    assert "qingyan.congress.localhost" not in remembering._congress_of_host
    monkeypatch.setattr(remembering, "Domain", real)
    assert client_for(None, "qingyan").get("/accounts/login/").status_code == 200
    assert "qingyan.congress.localhost" in remembering._congress_of_host
