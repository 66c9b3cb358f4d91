"""Reminders and urgings (issue 4 item 6): owed by the working-day calendar, sent by the worker's daily sweep as
in-app notices and SMS, each once however often the sweep runs."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from console.services import congress_configure, congress_set_status
from shared_apps.accounts.sms import MemorySmsSender, SmsError
from shared_apps.memberships.permissions import Access
from shared_apps.memberships.selectors import roles_for
from shared_apps.notifications.models import Notification
from shared_apps.workdays import services as workdays
from tenant_apps.suggestions import reminders, services, tasks
from tenant_apps.suggestions.models import Reminder, Status, SuggestionEvent
from tenant_apps.units import services as units
from tests.support.jobs import queued_jobs, run_queued_jobs
from tests.support.suggestions import World, at

BUREAU_MOBILE = "13808510000"
YANG_MOBILE = "13885012345"  # tests/support/personas.py
ASSIGNED_ON = datetime.date(2026, 2, 11)  # a Wednesday: reply due Monday 11 May, joint opinions Wednesday 11 March


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    yield MemorySmsSender.outbox
    MemorySmsSender.outbox.clear()


@pytest.fixture
def handled(world, monkeypatch, sms):
    """World with the lead unit's contact phone a mobile number (the court's is a landline)."""
    with world.huaxi:
        units.unit_update(access=world.as_("li"), unit=world.bureau, data={"contact_phone": "138 0851 0000"})
        units.unit_update(access=world.as_("li"), unit=world.court, data={"contact_phone": "0851-83811111"})
    at(monkeypatch, ASSIGNED_ON)
    return world


def lead_only(world: World):
    """An item assigned on ASSIGNED_ON to the education bureau alone (no joint unit, so no joint reminders)."""
    with world.huaxi:
        item = world.drive(Status.ACCEPTED)
        return world.act(item, "zhang", "assign", units=[{"unit": world.bureau.pk, "role": "lead"}])


def sweep(monkeypatch, day: datetime.date) -> int:
    """The worker on `day`: the periodic sweep (public schema), then the jobs it queued and their SMS jobs."""
    at(monkeypatch, day)
    tasks.sweep_reminders(timestamp=int(timezone.now().timestamp()))
    return run_queued_jobs("suggestions.send_reminders") + run_queued_jobs("suggestions.send_reminder_sms")


def sent(world: World, item) -> list[tuple[str, datetime.date]]:
    with world.huaxi:
        return list(Reminder.objects.filter(suggestion=item).order_by("id").values_list("kind", "due"))


# The reminders' own notices; the workflow's steps (assigned, replied, …) notify too, with kinds "suggestion_…".
REMINDERS = Notification.objects.exclude(kind__startswith="suggestion_")


def notices(world: World, persona: str) -> list[str]:
    return list(
        REMINDERS.filter(user=world.users[persona], congress=world.huaxi).order_by("id").values_list("kind", flat=True)
    )


def set_day(world: World, day: datetime.date, kind: str) -> None:
    workdays.calendar_day_set(access=world.as_("li"), congress_or_none=world.huaxi, date=day, kind=kind, name="测试")


# -- urging after the deadline: once ---------------------------------------------------------------------


def test_an_overdue_reply_is_urged_once_however_often_the_sweep_runs(handled, monkeypatch, sms):
    world = handled
    item = lead_only(world)
    assert item.reply_due == datetime.date(2026, 5, 11)
    sweep(monkeypatch, datetime.date(2026, 5, 12))  # the first working day after the deadline
    assert sent(world, item) == [("reply_overdue:1", item.reply_due)]
    assert notices(world, "liu") == ["reply_overdue:1"]
    assert notices(world, "zhang") == ["reply_overdue:1"]  # the office's copy of the urging
    assert notices(world, "kong") == notices(world, "hu") == []
    assert sms == [(BUREAU_MOBILE, sms[0][1])] and "已逾期1个工作日" in sms[0][1]
    assert "关于改善青岩古镇交通的建议" not in sms[0][1]  # the SMS carries no item text
    with world.huaxi:
        reminder = Reminder.objects.get(suggestion=item)
        assert (reminder.recipients, reminder.sms_sent) == (2, 1)
        event = SuggestionEvent.objects.filter(suggestion=item).latest("id")
        assert (event.action, event.actor, event.to_status, event.data["kind"]) == (
            "urge",
            None,
            Status.ASSIGNED,
            "reply_overdue:1",
        )
    notice = REMINDERS.get(user=world.users["liu"])
    assert notice.url.endswith(f"/suggestions/{item.pk}/") and "huaxi." in notice.url
    assert "关于改善青岩古镇交通的建议" in notice.body and notice.read_at is None

    # The same day again (twice: two sweeps, and the job run twice), then the next day: nothing new.
    sweep(monkeypatch, datetime.date(2026, 5, 12))
    with world.huaxi:
        tasks.send_reminders(schema_name=world.huaxi.schema_name, today="2026-05-12")
    sweep(monkeypatch, datetime.date(2026, 5, 13))
    assert sent(world, item) == [("reply_overdue:1", item.reply_due)]
    assert REMINDERS.filter(congress=world.huaxi).count() == 2 and len(sms) == 1

    # Every five working days overdue, the next round: Tuesday 19 May is the sixth working day after the 11th.
    sweep(monkeypatch, datetime.date(2026, 5, 18))
    assert len(sent(world, item)) == 1
    sweep(monkeypatch, datetime.date(2026, 5, 19))
    assert sent(world, item) == [("reply_overdue:1", item.reply_due), ("reply_overdue:2", item.reply_due)]
    assert notices(world, "liu") == ["reply_overdue:1", "reply_overdue:2"] and len(sms) == 2


def test_a_sweep_queues_one_job_per_active_congress_with_the_module_and_never_twice(handled, congresses, users):
    li = Access(user=users["li"], congress=congresses["huaxi"], roles=roles_for(users["li"], congresses["huaxi"]))
    modules = [m for m in congresses["huaxi"].enabled_modules if m != "suggestions"]
    congress_configure(access=li, congress=congresses["huaxi"], modules=modules, preferences={})
    root = Access(user=users["wang"], congress=None, is_platform_admin=True)
    congress_set_status(access=root, congress=congresses["zunyi"], status="suspended")
    now = int(timezone.now().timestamp())
    assert tasks.sweep_reminders(timestamp=now) == 4
    assert tasks.sweep_reminders(timestamp=now) == 0  # the queueing lock: each congress's job is still waiting
    queued = sorted(args["schema_name"] for _pk, _name, args in queued_jobs("suggestions.send_reminders"))
    expected = sorted(c.schema_name for k, c in congresses.items() if k not in ("huaxi", "zunyi"))
    assert queued == expected
    assert {args["today"] for _pk, _name, args in queued_jobs("suggestions.send_reminders")} == {"2026-02-11"}


def test_a_congress_switched_off_after_the_sweep_sends_nothing(handled, monkeypatch, congresses, users):
    item = lead_only(handled)
    at(monkeypatch, datetime.date(2026, 5, 12))
    tasks.sweep_reminders(timestamp=int(timezone.now().timestamp()))
    root = Access(user=users["wang"], congress=None, is_platform_admin=True)
    congress_set_status(access=root, congress=congresses["huaxi"], status="suspended")
    run_queued_jobs("suggestions.send_reminders")
    assert sent(handled, item) == []


# -- reminders before the deadline, in working days -------------------------------------------------------


def test_the_reminder_window_counts_working_days_across_a_holiday(handled, monkeypatch, sms):
    world = handled
    item = lead_only(world)
    # Friday 1 May: six working days until Monday 11 May, one more than the five-day window.
    sweep(monkeypatch, datetime.date(2026, 5, 1))
    assert sent(world, item) == []
    set_day(world, datetime.date(2026, 5, 5), "holiday")  # now five working days remain
    sweep(monkeypatch, datetime.date(2026, 5, 1))
    assert sent(world, item) == [("reply_due_soon", item.reply_due)]
    assert notices(world, "liu") == ["reply_due_soon"]
    assert notices(world, "zhang") == []  # the office is copied on urgings only
    assert [m for m, _text in sms] == [BUREAU_MOBILE] and "2026-05-11" in sms[0][1]
    with world.huaxi:
        assert SuggestionEvent.objects.filter(suggestion=item).latest("id").action == "remind"
    sweep(monkeypatch, datetime.date(2026, 5, 6))
    assert len(sent(world, item)) == 1  # once per deadline, not every day of the window


def test_reminders_go_out_on_working_days_including_a_make_up_saturday(handled, monkeypatch):
    world = handled
    item = lead_only(world)
    saturday = datetime.date(2026, 5, 9)  # within the window, but not a working day
    sweep(monkeypatch, saturday)
    assert sent(world, item) == []
    set_day(world, saturday, "workday")  # 调休: worked in exchange for a holiday
    sweep(monkeypatch, saturday)
    assert sent(world, item) == [("reply_due_soon", item.reply_due)]


def test_an_approved_extension_is_a_new_deadline_with_its_own_reminder(handled, monkeypatch):
    world = handled
    item = lead_only(world)
    sweep(monkeypatch, datetime.date(2026, 5, 6))
    assert sent(world, item) == [("reply_due_soon", datetime.date(2026, 5, 11))]
    with world.huaxi:
        services.extension_request(access=world.as_("liu"), suggestion=item, months=2, reason="需协调多个部门。")
        services.extension_decide(access=world.as_("zhang"), suggestion=item, approved=True)
        item.refresh_from_db()
    assert item.reply_due == datetime.date(2026, 7, 13)  # 11 July is a Saturday
    sweep(monkeypatch, datetime.date(2026, 5, 12))
    assert len(sent(world, item)) == 1  # no longer overdue: no urging
    sweep(monkeypatch, datetime.date(2026, 7, 6))
    assert sent(world, item) == [
        ("reply_due_soon", datetime.date(2026, 5, 11)),
        ("reply_due_soon", datetime.date(2026, 7, 13)),
    ]
    assert notices(world, "liu") == ["reply_due_soon", "reply_due_soon"]


def test_a_replied_item_is_no_longer_reminded(handled, monkeypatch):
    world = handled
    item = lead_only(world)
    at(monkeypatch, datetime.date(2026, 5, 8))
    with world.huaxi:
        world.act(item, "liu", "reply")
    sweep(monkeypatch, datetime.date(2026, 5, 12))
    assert [kind for kind, _due in sent(world, item)] == []


# -- joint opinions and evaluations ---------------------------------------------------------------------


def test_joint_units_without_an_opinion_are_reminded_then_urged(handled, monkeypatch, sms):
    world = handled
    with world.huaxi:
        item = world.drive(Status.ASSIGNED)  # the bureau leads, the court joins
        due = services.joint_opinion_due(world.as_("zhang"), item)
    assert due == datetime.date(2026, 3, 11)
    sweep(monkeypatch, datetime.date(2026, 3, 4))
    assert sent(world, item) == [("joint_opinion_due_soon", due)]
    assert notices(world, "kong") == ["joint_opinion_due_soon"] and notices(world, "liu") == []
    assert sms == []  # the court's contact phone is a landline: in-app only
    sweep(monkeypatch, datetime.date(2026, 3, 12))
    assert sent(world, item)[-1] == ("joint_opinion_overdue:1", due)
    assert notices(world, "zhang") == ["joint_opinion_overdue:1"]
    at(monkeypatch, datetime.date(2026, 3, 13))
    with world.huaxi:
        services.joint_opinion_submit(access=world.as_("kong"), suggestion=item, text="同意主办单位的方案。")
    sweep(monkeypatch, datetime.date(2026, 3, 19))  # would be round 2, but the opinion is in
    assert len(sent(world, item)) == 2


def test_deputies_who_have_not_evaluated_are_reminded(handled, monkeypatch, sms):
    world = handled
    with world.huaxi:
        item = world.drive(Status.REPLIED)  # replied on 11 February
    # Evaluation within 20 working days of the reply: Wednesday 11 March.
    [owed] = [o for o in _owed(world, datetime.date(2026, 3, 4)) if o.item.pk == item.pk and o.topic == "evaluation"]
    assert owed.due == datetime.date(2026, 3, 11)
    sweep(monkeypatch, datetime.date(2026, 3, 3))
    assert sent(world, item) == []
    sweep(monkeypatch, datetime.date(2026, 3, 4))
    assert sent(world, item) == [("evaluation_due_soon", datetime.date(2026, 3, 11))]
    assert notices(world, "yang") == ["evaluation_due_soon"]
    assert [m for m, _text in sms] == [YANG_MOBILE] and "请于2026-03-11前评价" in sms[0][1]


def _owed(world: World, day: datetime.date):
    with world.huaxi:
        return reminders.due_reminders(world.huaxi, day)


# -- SMS failures, the command, classified items ----------------------------------------------------------


class FailingSender:
    def send(self, mobile: str, text: str) -> None:
        raise SmsError("gateway down")


def test_a_failed_sms_fails_its_job_for_a_retry_and_keeps_the_notice(handled, monkeypatch, settings):
    world = handled
    item = lead_only(world)
    settings.SMS_BACKEND = f"{__name__}.FailingSender"
    at(monkeypatch, datetime.date(2026, 5, 12))
    tasks.sweep_reminders(timestamp=int(timezone.now().timestamp()))
    run_queued_jobs("suggestions.send_reminders")
    [(_pk, _name, args)] = queued_jobs("suggestions.send_reminder_sms")
    assert args["target"] == "unit" and BUREAU_MOBILE not in str(args)  # no clear number in the queue
    with pytest.raises(SmsError):
        tasks.send_reminder_sms(**args)
    with world.huaxi:
        assert Reminder.objects.get(suggestion=item).sms_sent == 0
    assert notices(world, "liu") == ["reply_overdue:1"]
    settings.SMS_BACKEND = "shared_apps.accounts.sms.MemorySmsSender"
    assert tasks.send_reminder_sms(**args) is True  # the retry
    with world.huaxi:
        assert Reminder.objects.get(suggestion=item).sms_sent == 1


def test_the_command_sends_for_one_congress_and_refuses_bad_input(handled, monkeypatch):
    world = handled
    item = lead_only(world)
    call_command("send_suggestion_reminders", "--congress", "huaxi", "--today", "2026-05-12")
    call_command("send_suggestion_reminders", "--congress", "huaxi", "--today", "2026-05-12")
    assert sent(world, item) == [("reply_overdue:1", item.reply_due)]
    with pytest.raises(CommandError):
        call_command("send_suggestion_reminders", "--today", "12/05/2026")
    with pytest.raises(CommandError):
        call_command("send_suggestion_reminders", "--congress", "nowhere")


def test_a_classified_items_title_stays_out_of_the_notice(handled, monkeypatch):
    world = handled
    item = lead_only(world)
    with world.huaxi:
        type(item).objects.filter(pk=item.pk).update(confidentiality="classified")
    sweep(monkeypatch, datetime.date(2026, 5, 12))
    notice = REMINDERS.get(user=world.users["liu"])
    assert item.title not in notice.body and item.title not in notice.title


def test_unit_mobile_accepts_only_mobile_numbers():
    assert reminders.unit_mobile("138 0851-0000") == "13808510000"
    assert reminders.unit_mobile("+86 138 0851 0000") == "13808510000"
    assert reminders.unit_mobile("0851-83811111") == ""
    assert reminders.unit_mobile("0851-83811111转8001") == ""
    assert reminders.unit_mobile("") == ""
