"""Notices beyond the in-app list: SMS and e-mail by each account's preferences and the congress's channels,
sent by the worker after commit, exactly once per channel; the preferences page and API on every host."""

import pytest
from django.core import mail

from shared_apps.accounts.sms import MemorySmsSender, SmsError
from shared_apps.notifications import services
from shared_apps.notifications.models import DeliveryPreference, Notification
from tests.support.jobs import queued_jobs, run_queued_jobs

pytestmark = pytest.mark.usefixtures("clean_side_channels")
YANG_MOBILE = "13885012345"  # tests.support.personas: Yang's number in the registry


def _tell(users, congress, who="yang", immediate=True) -> Notification:
    services.notify_users(
        user_ids=[users[who].pk],
        congress=congress,
        kind="test",
        title="您的第1号建议已答复，请评价",
        body="关于完善乡村公交线路的建议",
        url=congress.url("/suggestions/1/"),
        immediate=immediate,
    )
    return Notification.objects.filter(user=users[who]).latest("pk")


def test_an_immediate_notice_reaches_a_deputy_by_sms_once(users, congresses):
    notice = _tell(users, congresses["huaxi"])
    assert [args for _pk, _name, args in queued_jobs("notifications.deliver_notice")] == [
        {"notification_id": notice.pk}
    ]
    assert run_queued_jobs() == 1
    [(mobile, text)] = MemorySmsSender.outbox
    assert mobile == YANG_MOBILE and text.startswith("【贵阳市花溪区人民代表大会】") and "已答复" in text
    assert text.endswith(congresses["huaxi"].url("/suggestions/1/"))
    from shared_apps.notifications.delivery import deliver

    assert deliver(notice.pk) == []  # again: nothing more
    assert len(MemorySmsSender.outbox) == 1 and not mail.outbox


def test_a_notice_that_is_not_immediate_stays_in_app(users, congresses):
    _tell(users, congresses["huaxi"], immediate=False)
    assert queued_jobs("notifications.deliver_notice") == []


def test_preferences_choose_the_channels(users, congresses):
    services.preference_set(user=users["yang"], by_sms=False, by_email=True)
    notice = _tell(users, congresses["huaxi"])
    run_queued_jobs()
    assert MemorySmsSender.outbox == []
    [message] = mail.outbox
    assert message.to == [users["yang"].email] and message.subject == notice.title
    assert notice.url in message.body and "乡村公交" in message.body
    notice.refresh_from_db()
    assert notice.email_sent_at is not None and notice.sms_sent_at is None


def test_nothing_is_queued_for_someone_who_wants_neither(users, congresses):
    services.preference_set(user=users["yang"], by_sms=False, by_email=False)
    _tell(users, congresses["huaxi"])
    assert queued_jobs("notifications.deliver_notice") == []


def test_a_congress_can_switch_a_channel_off(users, congresses):
    huaxi = congresses["huaxi"]
    huaxi.preferences = {**huaxi.preferences, "notices.channels": [["email", "电子邮件"]]}
    huaxi.save(update_fields=["preferences"])
    _tell(users, huaxi)  # Yang wants SMS only (the default): Huaxi sends none
    assert queued_jobs("notifications.deliver_notice") == []


def test_an_account_without_a_registry_mobile_gets_no_sms(users, congresses):
    _tell(users, congresses["huaxi"], who="liu")
    run_queued_jobs()
    assert MemorySmsSender.outbox == []


class FlakyGateway:
    calls = 0

    def send(self, mobile: str, text: str) -> None:
        FlakyGateway.calls += 1
        if FlakyGateway.calls == 1:
            raise SmsError("gateway down")
        MemorySmsSender.outbox.append((mobile, text))


def test_a_gateway_failure_is_retried_and_sends_each_channel_once(users, congresses, settings):
    settings.SMS_BACKEND = f"{__name__}.FlakyGateway"
    FlakyGateway.calls = 0
    services.preference_set(user=users["yang"], by_sms=True, by_email=True)
    notice = _tell(users, congresses["huaxi"])
    from shared_apps.notifications.delivery import deliver

    with pytest.raises(SmsError):
        deliver(notice.pk)
    notice.refresh_from_db()
    assert notice.sms_sent_at is None  # rolled back with the failed send
    assert deliver(notice.pk) == ["sms", "email"]
    assert deliver(notice.pk) == []
    assert len(MemorySmsSender.outbox) == 1 and len(mail.outbox) == 1


# -- the page and the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", [None, "huaxi"])
def test_the_preferences_page_shows_where_sms_goes_and_saves(client_for, users, host):
    client = client_for("yang", host)
    page = client.get("/me/notices/preferences/")
    assert page.status_code == 200 and "138****2345" in page.content.decode()
    saved = client.post("/me/notices/preferences/", {"by_email": "on"}, follow=True)
    assert "通知方式已保存" in saved.content.decode()
    preference = DeliveryPreference.objects.get(user=users["yang"])
    assert (preference.by_sms, preference.by_email) == (False, True)


def test_the_preferences_page_is_for_signed_in_users(client_for):
    client = client_for(None, "huaxi")
    response = client.get("/me/notices/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/me/notices/preferences/", {"by_email": "on"}).status_code == 302
    assert not DeliveryPreference.objects.exists()


def test_the_preferences_api(api_for, users):
    api = api_for("liu", "huaxi")
    assert api.get("/api/v1/me/notices/preferences/").json() == {"by_sms": True, "by_email": False, "sms_to": ""}
    answer = api.put("/api/v1/me/notices/preferences/", {"by_sms": False, "by_email": True}, format="json")
    assert answer.status_code == 200 and answer.json()["by_email"] is True
    bad = api.put("/api/v1/me/notices/preferences/", {"by_sms": "maybe"}, format="json")
    assert bad.status_code == 400 and DeliveryPreference.objects.get(user=users["liu"]).by_email is True


def test_the_preferences_api_refuses_anonymous_callers(api_for):
    api = api_for(None, "huaxi")
    assert api.get("/api/v1/me/notices/preferences/").status_code in (401, 403)
    assert api.put(
        "/api/v1/me/notices/preferences/", {"by_sms": False, "by_email": True}, format="json"
    ).status_code in (
        401,
        403,
    )
    assert not DeliveryPreference.objects.exists()
