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


# -- the on-the-spot code --------------------------------------------------------------------------------


@pytest.fixture
def live(api_for):
    """A published activity in Huaxi that began ten minutes ago, Yang and Luo invited."""
    return make_activity(api_for, invite=[deputy("杨秀英").pk, deputy("罗国华").pk], publish=True)


def _model(congresses, pk):
    with schema_context(congresses["huaxi"].schema_name):
        return Activity.objects.get(pk=pk)


def sign_in(api_for, persona, pk, code):
    return api_for(persona, "huaxi").post(f"/api/v1/duty/activities/{pk}/sign-in/", {"code": code}, format="json")


def test_a_code_too_old_is_refused_and_a_fresh_one_signs_in(api_for, congresses, live, monkeypatch):
    model = _model(congresses, live["id"])
    real = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - signin.CODE_SECONDS - 5)
    old = signin.code_for(model)
    monkeypatch.setattr(signing.time, "time", real)
    refused = sign_in(api_for, "yang", live["id"], old)
    assert refused.status_code == 400 and "code" in refused.json()
    assert sign_in(api_for, "yang", live["id"], signin.code_for(model)).status_code == 200
    again = sign_in(api_for, "yang", live["id"], signin.code_for(model))
    assert again.status_code == 400  # signed in already: nothing changes


def test_a_code_signs_in_only_the_invited_and_only_for_its_activity(api_for, congresses, live):
    other = make_activity(api_for, invite=[deputy("杨秀英").pk], publish=True, title="专题调研乡村振兴")
    code = signin.code_for(_model(congresses, other["id"]))
    assert sign_in(api_for, "yang", live["id"], code).status_code == 400  # another activity's code
    assert sign_in(api_for, "zhang", live["id"], signin.code_for(_model(congresses, live["id"]))).status_code == 403
    assert sign_in(api_for, None, live["id"], "x").status_code == 401


def test_renewing_the_codes_voids_those_shown(api_for, congresses, live):
    code = signin.code_for(_model(congresses, live["id"]))
    renewed = api_for("zhang", "huaxi").post(f"/api/v1/duty/activities/{live['id']}/sign-in-code/")
    assert renewed.status_code == 200 and renewed.json()["open"]
    assert sign_in(api_for, "yang", live["id"], code).status_code == 400
    assert sign_in(api_for, "yang", live["id"], renewed.json()["code"]).status_code == 200


def test_no_sign_in_outside_the_window(api_for, congresses):
    later = timezone.now() + datetime.timedelta(days=2)
    activity = make_activity(
        api_for,
        invite=[deputy("杨秀英").pk],
        publish=True,
        starts_at=later.isoformat(),
        ends_at=(later + datetime.timedelta(hours=2)).isoformat(),
    )
    code = signin.code_for(_model(congresses, activity["id"]))
    refused = sign_in(api_for, "yang", activity["id"], code)
    assert refused.status_code == 400 and "签到尚未开始" in str(refused.json())
    screen = api_for("zhang", "huaxi").get(f"/api/v1/duty/activities/{activity['id']}/sign-in-code/").json()
    assert screen == {"open": False, "code": "", "url": "", "valid_seconds": 0}


def test_the_qr_screen_shows_a_code_that_opens_the_sign_in_page(client_for, live):
    page = client_for("zhang", "huaxi").get(f"/duty/activities/{live['id']}/qr/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and 'data-reload-seconds="30"' in body
    assert client_for("yang", "huaxi").get(f"/duty/activities/{live['id']}/qr/").status_code == 403


# -- answers and refusals ----------------------------------------------------------------------------------


def test_closing_before_the_start_is_refused_and_changes_nothing(api_for):
    later = timezone.now() + datetime.timedelta(days=1)
    activity = make_activity(
        api_for,
        invite=[deputy("罗国华").pk],
        publish=True,
        starts_at=later.isoformat(),
        ends_at=(later + datetime.timedelta(hours=1)).isoformat(),
    )
    refused = act(api_for("zhang", "huaxi"), activity["id"], "close")
    assert refused.status_code == 400 and "活动开始后才能结束" in str(refused.json())
    detail = api_for("zhang", "huaxi").get(f"/api/v1/duty/activities/{activity['id']}/").json()
    assert detail["status"] == "published" and detail["invitations"][0]["status"] == "invited"


def test_publishing_needs_an_invitation_and_cancelling_a_reason(api_for, users):
    activity = make_activity(api_for)
    office = api_for("zhang", "huaxi")
    refused = act(office, activity["id"], "publish")
    assert refused.status_code == 400 and "invitations" in refused.json()
    assert act(office, activity["id"], "cancel").status_code == 400
    assert act(office, activity["id"], "cancel", "天气原因").json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "picnic"),
        ("title", ""),
        ("place", " "),
        ("ends_at", "2020-01-01T08:00:00+08:00"),
        ("starts_at", "soon"),
    ],
)
def test_bad_activity_input_is_refused_by_field(api_for, field, value):
    from tests.support.duty import activity_data

    response = api_for("zhang", "huaxi").post(
        "/api/v1/duty/activities/", activity_data(**{field: value}), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert api_for("zhang", "huaxi").get("/api/v1/duty/activities/").json() == []


def test_only_deputies_of_this_congress_and_below_can_be_invited(api_for):
    activity = make_activity(api_for)
    refused = api_for("zhang", "huaxi").post(
        f"/api/v1/duty/activities/{activity['id']}/invitations/", {"deputies": [deputy("田芳").pk]}, format="json"
    )
    assert refused.status_code == 400 and "deputies" in refused.json()


def test_inviting_a_tier_reaches_the_townships_below(api_for, township_deputy):
    activity = make_activity(api_for)
    response = api_for("zhang", "huaxi").post(
        f"/api/v1/duty/activities/{activity['id']}/invitations/", {"tiers": ["township"]}, format="json"
    )
    assert response.status_code == 201
    assert {i["name"] for i in response.json()["invitations"]} == {"杨秀英", "代表901"}


def test_the_deputy_page_answers_with_a_reason_kept_on_error(client_for, live, congresses):
    with schema_context(congresses["huaxi"].schema_name):
        mine = Invitation.objects.get(activity_id=live["id"], deputy=deputy("杨秀英"))
    client = client_for("yang", "huaxi")
    page = client.get(f"/duty/activities/{live['id']}/")
    assert page.status_code == 200 and "请假" in page.content.decode()
    refused = client.post(f"/duty/activities/{live['id']}/invitations/{mine.pk}/action/", {"action": "ask_leave"})
    assert refused.status_code == 400
    done = client.post(
        f"/duty/activities/{live['id']}/invitations/{mine.pk}/action/", {"action": "ask_leave", "note": "出差"}
    )
    assert done.status_code == 302
    with schema_context(congresses["huaxi"].schema_name):
        assert Invitation.objects.get(pk=mine.pk).leave_reason == "出差"


def test_the_office_page_asks_to_confirm_before_closing(client_for, live):
    client = client_for("zhang", "huaxi")
    refused = client.post(f"/duty/activities/{live['id']}/action/", {"action": "close"})
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    done = client.post(f"/duty/activities/{live['id']}/action/", {"action": "close", "confirm": "1"})
    assert done.status_code == 302


def test_the_workspace_counts_what_waits(api_for, live, users, congresses):
    from shared_apps.exchange.models import InboxCount

    waiting = InboxCount.objects.get(user=users["yang"], congress=congresses["huaxi"], kind="duty")
    assert waiting.count == 1 and waiting.items[0]["title"] == live["title"]
    mine = api_for("yang", "huaxi").get(f"/api/v1/duty/activities/{live['id']}/").json()["mine"]
    answer(api_for("yang", "huaxi"), live["id"], mine["id"], "ask_leave", "开会")
    assert not InboxCount.objects.filter(user=users["yang"], kind="duty").exists()
    office = InboxCount.objects.get(user=users["zhang"], congress=congresses["huaxi"], kind="duty_office")
    assert office.count == 1


def test_opinions_and_files_of_an_activity(api_for, client_for, live):
    from tests.support.images import image_bytes

    office = api_for("zhang", "huaxi")
    opinion = office.post(
        f"/api/v1/duty/activities/{live['id']}/opinions/",
        {"kind": "sentiment", "text": "群众反映停水频繁"},
        format="json",
    )
    assert opinion.status_code == 201
    assert (
        api_for("yang", "huaxi").get(f"/api/v1/duty/activities/{live['id']}/opinions/").json()[0]["kind"] == "sentiment"
    )
    assert api_for(None, "huaxi").get(f"/api/v1/duty/activities/{live['id']}/opinions/").status_code == 401
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场.png", image_bytes("png"), content_type="image/png")
    uploaded = office.post(f"/api/v1/duty/activities/{live['id']}/files/", {"file": photo}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    assert (
        office.post(f"/api/v1/duty/activities/{live['id']}/files/", {"file": fake}, format="multipart").status_code
        == 400
    )
    shown = client_for(None, "huaxi").get(f"/duty/files/{uploaded.json()['id']}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"


def test_the_office_records_leave_asked_by_telephone_with_its_reason(api_for, live, users):
    office = api_for("zhang", "huaxi")
    yang = next(i for i in live["invitations"] if i["name"] == "杨秀英")
    assert answer(office, live["id"], yang["id"], "record_leave").status_code == 400  # the reason is required
    done = answer(office, live["id"], yang["id"], "record_leave", "电话请假：出差")
    assert done.status_code == 200
    mine = api_for("yang", "huaxi").get(f"/api/v1/duty/activities/{live['id']}/").json()["mine"]
    assert mine["status"] == "excused" and mine["leave_reason"] == "电话请假：出差"
    assert Notification.objects.filter(kind="duty_leave_recorded", user=users["yang"]).exists()
    assert records_of(deputy("杨秀英")) == [("activity_leave", "huaxi", False)]
    # A deputy records no one's leave.
    luo = next(i for i in live["invitations"] if i["name"] == "罗国华")
    assert answer(api_for("yang", "huaxi"), live["id"], luo["id"], "record_leave", "x").status_code == 403


@pytest.mark.parametrize(
    "status",
    ["invited", "attending", "leave_requested", "excused", "attended", "absent"],
)
def test_every_invitation_action_starts_only_from_its_sources(api_for, congresses, live, status):
    """The (status × action) grid of INVITATIONS: from any other status an action is refused on "status" and
    nothing changes."""
    from tenant_apps.duty.workflow import INVITATION_TRANSITIONS

    luo = next(i for i in live["invitations"] if i["name"] == "罗国华")
    with schema_context(congresses["huaxi"].schema_name):
        Invitation.objects.filter(pk=luo["id"]).update(status=status)
    office = api_for("zhang", "huaxi")
    for action, transition in INVITATION_TRANSITIONS.items():
        if action in ("attend", "ask_leave", "sign_in", "mirror") or status in transition.sources:
            continue  # the deputy's own actions are refused to the office by permission; mirror is the system's
        refused = answer(office, live["id"], luo["id"], action, "理由")
        assert refused.status_code == 400 and "status" in refused.json(), (status, action)
        with schema_context(congresses["huaxi"].schema_name):
            assert Invitation.objects.get(pk=luo["id"]).status == status


def test_a_deputy_takes_up_a_gathered_suggestion_as_her_draft(api_for, client_for, live, congresses):
    office = api_for("zhang", "huaxi")
    made = office.post(
        f"/api/v1/duty/activities/{live['id']}/opinions/",
        {"kind": "suggestion", "text": "增设学校周边交通信号灯"},
        format="json",
    ).json()
    sentiment = office.post(
        f"/api/v1/duty/activities/{live['id']}/opinions/",
        {"kind": "sentiment", "text": "群众反映噪音扰民"},
        format="json",
    ).json()
    url = f"/api/v1/duty/activities/{live['id']}/opinions/{{}}/suggestion/"
    assert api_for("zhang", "huaxi").post(url.format(made["id"])).status_code == 403  # staff draft no suggestions
    assert api_for("yang", "huaxi").post(url.format(sentiment["id"])).status_code == 400
    taken = api_for("yang", "huaxi").post(url.format(made["id"]))
    assert taken.status_code == 201
    draft = api_for("yang", "huaxi").get(f"/api/v1/suggestions/{taken.json()['suggestion']}/").json()
    assert draft["status"] == "draft" and "增设学校周边交通信号灯" in draft["body"]
    assert api_for("yang", "huaxi").post(url.format(made["id"])).status_code == 400  # once
    page = client_for("yang", "huaxi").get(f"/duty/activities/{live['id']}/")
    assert "已提为建议" in page.content.decode()


def test_files_are_added_to_a_reported_duty_through_the_api(api_for, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.images import image_bytes

    entry = (
        api_for("yang", "huaxi")
        .post(
            "/api/v1/duty/entries/",
            {"kind": "constituent_visit", "title": "走访选民", "occurred_on": "2026-06-01"},
            format="json",
        )
        .json()
    )
    photo = SimpleUploadedFile("走访.png", image_bytes("png"), content_type="image/png")
    added = api_for("yang", "huaxi").post(
        f"/api/v1/duty/entries/{entry['id']}/files/", {"file": photo}, format="multipart"
    )
    assert added.status_code == 201, added.content
    other = SimpleUploadedFile("x.png", image_bytes("png"), content_type="image/png")
    assert api_for("sun", "huaxi").post(
        f"/api/v1/duty/entries/{entry['id']}/files/", {"file": other}, format="multipart"
    ).status_code in (403, 404)
    assert client_for("zhang", "huaxi").get(f"/duty/files/{added.json()['id']}/").status_code == 200
    assert client_for(None, "huaxi").get(f"/duty/files/{added.json()['id']}/").status_code == 404


def test_a_published_activity_changed_tells_the_invited_and_the_copies_below(api_for, congresses, township_deputy):
    activity = make_activity(api_for, invite=[deputy("杨秀英").pk, township_deputy.pk], publish=True)
    run_queued_jobs("exchange.deliver_transfer")
    changed = api_for("zhang", "huaxi").patch(
        f"/api/v1/duty/activities/{activity['id']}/", {"place": "花溪区人民政府三楼会议室"}, format="json"
    )
    assert changed.status_code == 200
    assert Notification.objects.filter(kind="duty_changed", user__email="yang@example.org").exists()
    run_queued_jobs("exchange.deliver_transfer")
    with schema_context(congresses["qingyan"].schema_name):
        assert Activity.objects.get(origin_activity_id=activity["id"]).place == "花溪区人民政府三楼会议室"


def test_a_received_copy_is_answered_at_the_organiser_not_here(api_for, congresses, township_deputy, client_for):
    activity = make_activity(api_for, invite=[township_deputy.pk], publish=True)
    run_queued_jobs("exchange.deliver_transfer")
    with schema_context(congresses["qingyan"].schema_name):
        copy = Activity.objects.get(origin_activity_id=activity["id"])
        invitation = copy.invitations.get()
    client = api_for(None, "qingyan")
    client.force_login(township_deputy.user)
    mine = client.get(f"/api/v1/duty/activities/{copy.pk}/").json()["mine"]
    assert mine["allowed_actions"] == []
    refused = client.post(
        f"/api/v1/duty/activities/{copy.pk}/invitations/{invitation.pk}/transition/",
        {"action": "ask_leave", "note": "出差"},
        format="json",
    )
    assert refused.status_code in (400, 403)


def test_no_leave_is_decided_on_a_cancelled_activity(api_for):
    activity = make_activity(api_for, invite=[deputy("罗国华").pk], publish=True)
    office = api_for("zhang", "huaxi")
    act(office, activity["id"], "cancel", "改期")
    luo = activity["invitations"][0]
    assert answer(office, activity["id"], luo["id"], "record_leave", "出差").status_code == 400
    assert records_of(deputy("罗国华")) == []
