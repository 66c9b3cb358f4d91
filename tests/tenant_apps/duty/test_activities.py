"""Duty activities: organised by Huaxi's office, answered by the invited deputies (attend, or leave with a reason
the office grants or refuses), attendance by QR sign-in on the spot or the office's confirmation, closed; each
attendance and leave reaches the deputies' duty record; deputies of the township below are invited through the
exchange and their congress receives the invitation and the attendance."""

import datetime

import pytest
from django.core import signing
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.notifications.models import Notification
from tenant_apps.duty import signin
from tenant_apps.duty.models import Activity, Invitation
from tests.support.duty import deputy, make_activity, records_of
from tests.support.jobs import run_queued_jobs
from tests.support.registry import seated_deputy

pytestmark = pytest.mark.usefixtures("clean_side_channels")


@pytest.fixture
def township_deputy(congresses, users):
    """A deputy who sits only in Qingyan (the township below Huaxi), with an account."""
    term = congresses["qingyan"].terms.get(status="open")
    return seated_deputy(901, term, email="township-deputy@example.org")


def act(client, activity_id, action, note=""):
    return client.post(
        f"/api/v1/duty/activities/{activity_id}/transition/", {"action": action, "note": note}, format="json"
    )


def answer(client, activity_id, invitation_id, action, note=""):
    return client.post(
        f"/api/v1/duty/activities/{activity_id}/invitations/{invitation_id}/transition/",
        {"action": action, "note": note},
        format="json",
    )


def invitation_id(activity: dict, name: str) -> int:
    return next(i["id"] for i in activity["invitations"] if i["name"] == name)


def test_an_activity_from_invitation_to_the_ledger(api_for, client_for, congresses, users, township_deputy):
    yang, luo = deputy("杨秀英"), deputy("罗国华")
    absentee = seated_deputy(902, congresses["huaxi"].terms.get(status="open"))
    activity = make_activity(api_for, invite=[yang.pk, luo.pk, township_deputy.pk, absentee.pk])
    assert {i["congress"] for i in activity["invitations"]} == {congresses["huaxi"].name, congresses["qingyan"].name}
    assert activity["status"] == "draft"
    office = api_for("zhang", "huaxi")
    published = act(office, activity["id"], "publish")
    assert published.status_code == 200 and published.json()["status"] == "published"

    # The invited are told in-app (and by SMS / e-mail, by preference), with a link to the activity.
    invited = Notification.objects.filter(kind="duty_invited").values_list("user__email", flat=True)
    assert set(invited) == {"yang@example.org", "township-deputy@example.org"}

    # Yang asks for leave: a reason is required; the office is told; refusing asks for a reason too.
    deputy_client = api_for("yang", "huaxi")
    mine = deputy_client.get(f"/api/v1/duty/activities/{activity['id']}/").json()["mine"]
    assert mine["allowed_actions"] == ["attend", "ask_leave", "sign_in"]
    assert answer(deputy_client, activity["id"], mine["id"], "ask_leave").status_code == 400
    assert answer(deputy_client, activity["id"], mine["id"], "ask_leave", "参加省人大培训").status_code == 200
    assert Notification.objects.filter(kind="duty_leave", user=users["zhang"]).exists()
    assert answer(office, activity["id"], mine["id"], "refuse_leave").status_code == 400
    assert answer(office, activity["id"], mine["id"], "grant_leave").status_code == 200
    assert Notification.objects.filter(kind="duty_leave_granted", user=users["yang"]).exists()
    assert records_of(yang) == [("activity_leave", "huaxi", False)]

    # Luo has no account: the office confirms his attendance.
    done = answer(office, activity["id"], invitation_id(activity, "罗国华"), "confirm_attendance")
    assert done.status_code == 200, done.content
    assert records_of(luo) == [("activity_attended", "huaxi", True)]

    # The township deputy scans the screen's code on the spot, on Huaxi's host.
    township = client_for(None, "huaxi")
    township.force_login(township_deputy.user)
    with schema_context(congresses["huaxi"].schema_name):
        model = Activity.objects.get(pk=activity["id"])
    code = signin.code_for(model)
    page = township.get(f"/duty/activities/{model.pk}/sign-in/?code={code}")
    assert page.status_code == 200
    signed = township.post(f"/duty/activities/{model.pk}/sign-in/", {"code": code})
    assert signed.status_code == 302
    with schema_context(congresses["huaxi"].schema_name):
        assert Invitation.objects.get(activity=model, deputy=township_deputy).status == "attended"
    assert records_of(township_deputy) == [("activity_attended", "huaxi", True)]

    # Closing: the deputies still to answer would be marked absent; the township receives the outcome.
    closed = act(office, activity["id"], "close")
    assert closed.status_code == 200, closed.content
    statuses = {i["name"]: i["status"] for i in closed.json()["invitations"]}
    assert statuses == {"杨秀英": "excused", "罗国华": "attended", "代表901": "attended", "代表902": "absent"}
    assert records_of(absentee) == []
    assert run_queued_jobs("exchange.deliver_transfer") >= 1
    with schema_context(congresses["qingyan"].schema_name):
        copy = Activity.objects.get(origin_activity_id=activity["id"])
        assert copy.origin_congress == congresses["huaxi"]
        assert list(copy.invitations.values_list("deputy_id", "status")) == [(township_deputy.pk, "attended")]
        assert copy.status == "closed"
    assert Notification.objects.filter(kind="duty_received", user=users["zhou"]).exists()
