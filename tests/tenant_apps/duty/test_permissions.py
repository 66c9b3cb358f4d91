"""Every duty endpoint and page, for every persona: the allowed succeed, the rest — a member of another congress,
a user without the role, the public — are refused and nothing changes."""

import pytest
from django_tenants.utils import schema_context

from shared_apps.ledger.models import DutyRecord
from shared_apps.notifications.models import Notification
from tenant_apps.duty.models import Activity, DutyEntry, Invitation, LedgerPrint, Opinion
from tests.support.duty import deputy, make_activity
from tests.support.personas import PERSONAS

pytestmark = pytest.mark.usefixtures("clean_side_channels")

EVERYONE = sorted([*PERSONAS, None], key=str)
OFFICE = {"li", "zhang"}
MEMBERS = {"li", "zhang", "liu", "chen", "zhao", "sun", "yang"}


@pytest.fixture
def stage(api_for, congresses):
    """A published activity (Yang and Luo invited), a draft one, and an entry Yang reported."""
    live = make_activity(api_for, invite=[deputy("杨秀英").pk, deputy("罗国华").pk], publish=True)
    draft = make_activity(api_for, invite=[deputy("罗国华").pk], title="代表小组活动")
    entry = (
        api_for("yang", "huaxi")
        .post(
            "/api/v1/duty/entries/",
            {"kind": "constituent_visit", "title": "走访青岩村选民", "occurred_on": "2026-03-02"},
            format="json",
        )
        .json()
    )
    with schema_context(congresses["huaxi"].schema_name):
        mine = Invitation.objects.get(activity_id=live["id"], deputy=deputy("杨秀英")).pk
        luo = Invitation.objects.get(activity_id=live["id"], deputy=deputy("罗国华")).pk
    return {"live": live["id"], "draft": draft["id"], "entry": entry["id"], "mine": mine, "luo": luo}


def state(congresses):
    with schema_context(congresses["huaxi"].schema_name):
        tenant = (
            list(Activity.objects.order_by("pk").values_list("status", "title", "signin_secret")),
            list(Invitation.objects.order_by("pk").values_list("status", "leave_reason")),
            list(DutyEntry.objects.order_by("pk").values_list("status", "title")),
            Opinion.objects.count(),
            LedgerPrint.objects.count(),
        )
    return tenant, DutyRecord.objects.count(), Notification.objects.count()


# (method, path, payload, allowed, success)
API = [
    ("get", "/api/v1/duty/activities/", None, set(EVERYONE), 200),
    ("post", "/api/v1/duty/activities/", "new", OFFICE, 201),
    ("get", "/api/v1/duty/activities/{draft}/", None, OFFICE, 200),
    ("patch", "/api/v1/duty/activities/{draft}/", {"place": "花溪区政府"}, OFFICE, 200),
    ("post", "/api/v1/duty/activities/{draft}/transition/", {"action": "cancel", "note": "改期"}, OFFICE, 200),
    ("post", "/api/v1/duty/activities/{draft}/invitations/", {"tiers": ["county"]}, OFFICE, 201),
    ("get", "/api/v1/duty/activities/{live}/invitations/", None, MEMBERS, 200),
    (
        "post",
        "/api/v1/duty/activities/{live}/invitations/{mine}/transition/",
        {"action": "ask_leave", "note": "出差"},
        {"yang"},
        200,
    ),
    (
        "post",
        "/api/v1/duty/activities/{live}/invitations/{luo}/transition/",
        {"action": "confirm_attendance"},
        OFFICE,
        200,
    ),
    ("get", "/api/v1/duty/activities/{live}/sign-in-code/", None, OFFICE, 200),
    ("post", "/api/v1/duty/activities/{live}/sign-in-code/", None, OFFICE, 200),
    ("get", "/api/v1/duty/activities/{live}/opinions/", None, MEMBERS, 200),
    ("post", "/api/v1/duty/activities/{live}/opinions/", {"kind": "suggestion", "text": "增设公交线路"}, OFFICE, 201),
    ("get", "/api/v1/duty/deputies/?q=杨", None, OFFICE, 200),
    ("get", "/api/v1/duty/entries/", None, OFFICE | {"yang"}, 200),
    ("get", "/api/v1/duty/entries/{entry}/", None, OFFICE | {"yang"}, 200),
    ("post", "/api/v1/duty/entries/{entry}/transition/", {"action": "confirm"}, OFFICE, 200),
    ("post", "/api/v1/duty/entries/{entry}/transition/", {"action": "withdraw"}, {"yang"}, 200),
    ("get", "/api/v1/duty/prints/", None, OFFICE, 200),
    ("post", "/api/v1/duty/prints/", {"year": 2026}, OFFICE, 202),
]


@pytest.mark.parametrize(("method", "path", "payload", "allowed", "success"), API, ids=[f"{m} {p}" for m, p, *_ in API])
def test_api(api_for, congresses, stage, method, path, payload, allowed, success):
    from tests.support.duty import activity_data

    url = path.format(**stage)
    body = activity_data() if payload == "new" else payload
    for persona in EVERYONE:
        if persona in allowed:
            continue
        before = state(congresses)
        client = api_for(persona, "huaxi")  # Ma is the administrator of another congress
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        assert response.status_code in (401, 403, 404), (persona, response.status_code)
        if persona is None and response.status_code != 404:
            assert response.status_code == 401
        assert state(congresses) == before, persona
    for persona in sorted(allowed, key=str):
        client = api_for(persona, "huaxi")
        response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
        assert response.status_code == success, (persona, response.content[:300])
        break  # the first allowed persona changes the state; the others' turn is the page matrix's business


PAGES = [
    ("/duty/", set(EVERYONE)),
    ("/duty/activities/new/", OFFICE),
    ("/duty/activities/{live}/", set(EVERYONE)),
    ("/duty/activities/{draft}/", OFFICE),
    ("/duty/activities/{draft}/edit/", OFFICE),
    ("/duty/activities/{live}/qr/", OFFICE),
    ("/duty/mine/", {"yang"}),
    ("/duty/entries/new/", {"yang"}),
    ("/duty/entries/record/", OFFICE),
    ("/duty/entries/{entry}/", OFFICE | {"yang"}),
    ("/duty/office/", OFFICE),
    ("/duty/dashboard/", OFFICE),
]


@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[p for p, _ in PAGES])
def test_pages(client_for, stage, path, allowed):
    url = path.format(**stage)
    for persona in EVERYONE:
        response = client_for(persona, "huaxi").get(url)
        if persona in allowed:
            assert response.status_code == 200, (persona, response.status_code)
        elif persona is None and response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), (persona, response.status_code)


def test_a_switched_off_module_answers_404(api_for, client_for, congresses):
    huaxi = congresses["huaxi"]
    huaxi.enabled_modules = [m for m in huaxi.enabled_modules if m != "duty"]
    huaxi.save(update_fields=["enabled_modules"])
    assert api_for("zhang", "huaxi").get("/api/v1/duty/activities/").status_code == 404
    assert client_for("zhang", "huaxi").get("/duty/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/duty/?year=99999&status=nonsense",
        "/duty/dashboard/?year=abc&delegation=99999999999999999999&group=-1&tier=moon",
        "/duty/deputies/99999999999999999999999/ledger/?year=1900",
        "/duty/activities/99999999999999999999999/",
        "/showcase/deputies/99999999999999999999999/",
        "/reports/99999999999999999999999/",
    ],
)
def test_odd_parameters_never_answer_500(client_for, path):
    response = client_for("zhang", "huaxi").get(path)
    assert response.status_code in (200, 400, 404), response.status_code
