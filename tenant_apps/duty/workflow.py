"""The duty module's transition tables, run by the one workflow core (tenants.workflow):

- ACTIVITIES: an activity from draft to published (the invited are told, in-app and by SMS / e-mail) to closed
  (whoever had not come is marked absent) or cancelled (with a reason).
- INVITATIONS: one deputy's answer (attend, or ask leave with a reason), the office's decision on the leave (a
  refusal gives its reason), and attendance: the deputy's QR sign-in on the spot, or the office's confirmation.
- ENTRIES: a duty a deputy reports, confirmed by the office or returned with a reason, and sent again.
- PRINTS: the worker's print of every ledger of a year (queued → running → done or failed).

Hooks write what each step means for the duty record (records.py) and what waits for whom (inbox.py).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.duty import exchange, inbox, notices, records, signin
from tenant_apps.duty.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    DutyEntry,
    DutyEntryEvent,
    EntryStatus,
    Invitation,
    InvitationEvent,
    InvitationStatus,
    LedgerPrint,
    LedgerPrintEvent,
    PrintStatus,
    SignInVia,
)
from tenant_apps.duty.permissions import (
    can_answer,
    can_decide,
    can_edit_activity,
    is_author,
    relation,
)
from tenants.workflow import NO_ONE, Notify, Refusals, Transition, Workflow, allowed_actions, apply_transition

A, IS, E, P = ActivityStatus, InvitationStatus, EntryStatus, PrintStatus

# -- activities ------------------------------------------------------------------------------------------


def _publish(step) -> str:
    if not step.obj.invitations.exists():
        raise ValidationError({"invitations": [_("请先邀请参加活动的代表。")]})
    exchange.send_invitations(step)
    return A.PUBLISHED


def _cancel(step) -> str:
    exchange.send_update(step, "cancelled")
    return A.CANCELLED


def _close(step) -> str:
    """Whoever has neither come nor been excused is marked absent (each a step of their own invitation)."""
    activity = step.obj
    for invitation in activity.invitations.filter(status__in=(IS.INVITED, IS.ATTENDING, IS.LEAVE_REQUESTED)):
        apply_transition(INVITATIONS, access=step.access, obj=invitation, action="mark_absent")
    exchange.send_update(step, "closed")
    return A.CLOSED


def _started(who, activity) -> bool:
    return timezone.now() >= activity.starts_at


def _editable(who, activity) -> bool:
    return not activity.is_received


def _system_on_copy(who, obj) -> bool:
    """The worker delivering what the organiser above decided, on this congress's copy."""
    activity = obj if isinstance(obj, Activity) else obj.activity
    return who.access.user is None and activity.is_received


def _refresh_records(step) -> None:
    records.refresh_activity(step.access.congress, step.obj)


ACTIVITY_TRANSITIONS = {
    "publish": Transition(
        gettext_lazy("发布并通知代表"),
        frozenset({A.DRAFT}),
        (A.PUBLISHED,),
        can_edit_activity,
        _publish,
        applies=_editable,
        refusal=gettext_lazy("上级人大组织的活动由组织方管理"),
        notify=Notify(notices.invitees, "duty_invited", notices.INVITED),
    ),
    "cancel": Transition(
        gettext_lazy("取消活动"),
        frozenset({A.DRAFT, A.PUBLISHED}),
        (A.CANCELLED,),
        can_edit_activity,
        _cancel,
        note_required=True,
        applies=_editable,
        refusal=gettext_lazy("上级人大组织的活动由组织方管理"),
        notify=Notify(notices.invitees_still_coming, "duty_cancelled", gettext_lazy("履职活动已取消：%(title)s")),
    ),
    "close": Transition(
        gettext_lazy("结束活动并确定出勤"),
        frozenset({A.PUBLISHED}),
        (A.CLOSED,),
        can_edit_activity,
        _close,
        applies=lambda who, activity: _editable(who, activity) and _started(who, activity),
        refusal=gettext_lazy("活动开始后才能结束"),
        # Each deputy marked absent is told by their own invitation's step; the closing itself changes nothing
        # anyone else must act on.
        notify=NO_ONE,
    ),
    # The system's steps on a received copy, when the organiser above closes or cancels it (exchange.py).
    "mirror_close": Transition(
        gettext_lazy("上级人大已结束活动"),
        frozenset({A.PUBLISHED}),
        (A.CLOSED,),
        _system_on_copy,
        lambda step: A.CLOSED,
        # The office follows the copy on its page; its deputies were told by the organiser.
        notify=NO_ONE,
    ),
    "mirror_cancel": Transition(
        gettext_lazy("上级人大已取消活动"),
        frozenset({A.PUBLISHED}),
        (A.CANCELLED,),
        _system_on_copy,
        lambda step: A.CANCELLED,
        notify=Notify(notices.office, "duty_cancelled", gettext_lazy("上级人大取消了履职活动：%(title)s")),
    ),
}

ACTIVITIES = Workflow(
    name="duty.activities",
    model=Activity,
    event_model=ActivityEvent,
    transitions=ACTIVITY_TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大处理本级的履职活动。"),
        wrong_status=gettext_lazy("活动%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("这项活动不能%(action)s。"),
        not_applicable_because=gettext_lazy("不能%(action)s：%(reason)s。"),
    ),
    relation=relation,
    hooks=(_refresh_records, inbox.on_step),
    deliver=notices.deliver,
    event_labels={
        "created": gettext_lazy("建立活动"),
        "updated": gettext_lazy("修改活动"),
        "invited": gettext_lazy("邀请代表"),
        "uninvited": gettext_lazy("取消邀请"),
        "received": gettext_lazy("收到上级人大的活动"),
        "attendance_received": gettext_lazy("收到上级人大的出勤情况"),
        "opinion_added": gettext_lazy("记录意见"),
        "opinion_taken_up": gettext_lazy("代表将意见提为建议"),
        "file_added": gettext_lazy("上传照片或材料"),
        "minutes": gettext_lazy("填写纪要"),
        "codes_renewed": gettext_lazy("更换签到码"),
    },
)


# -- invitations ----------------------------------------------------------------------------------------

OPEN = frozenset({IS.INVITED, IS.ATTENDING, IS.LEAVE_REQUESTED, IS.EXCUSED})


def _live(who, invitation) -> bool:
    """The activity is published and not over, and organised here: the deputy may still answer (a copy of an
    activity above is answered at the organiser's)."""
    activity = invitation.activity
    return activity.status == A.PUBLISHED and timezone.now() < activity.ends_at and not activity.is_received


def _organised_here(who, invitation) -> bool:
    """Leave is decided by the organiser, for an activity that takes place (published, or closed since)."""
    activity = invitation.activity
    return not activity.is_received and activity.status in (A.PUBLISHED, A.CLOSED)


def _attend(step) -> str:
    step.set(answered_at=step.now, leave_reason="")
    return IS.ATTENDING


def _ask_leave(step) -> str:
    step.set(answered_at=step.now, leave_reason=step.note)
    return IS.LEAVE_REQUESTED


def _grant(step) -> str:
    return IS.EXCUSED


def _record_leave(step) -> str:
    step.set(leave_reason=step.note, answered_at=step.obj.answered_at or step.now, signed_in_at=None, signed_in_via="")
    return IS.EXCUSED


def _refuse(step) -> str:
    return IS.ATTENDING


def _sign_in(step) -> str:
    """On the spot: the code scanned must be the activity's current one, within its time window."""
    signin.check(step.obj.activity, str(step.data.get("code") or ""), at=step.now)
    step.set(signed_in_at=step.now, signed_in_via=SignInVia.QR)
    return IS.ATTENDED


def _confirm(step) -> str:
    step.set(signed_in_at=step.obj.signed_in_at or step.now, signed_in_via=step.obj.signed_in_via or SignInVia.OFFICE)
    return IS.ATTENDED


def _absent(step) -> str:
    step.set(signed_in_at=None, signed_in_via="")
    return IS.ABSENT


def _mirror(step) -> str:
    status = str(step.data.get("status") or "")
    if status not in IS.values:
        raise ValidationError({"status": [_("未知的出勤状态。")]})
    return status


def _after_start(who, invitation) -> bool:
    activity = invitation.activity
    return (
        activity.status in (A.PUBLISHED, A.CLOSED)
        and timezone.now() >= activity.starts_at
        and not (activity.is_received)
    )


def _refresh_invitation(step) -> None:
    records.refresh_invitation(step.access.congress, step.obj)


def _invitation_inbox(step) -> None:
    inbox.refresh_deputies(step.access.congress, {step.obj.deputy_id})
    inbox.refresh_office(step.access.congress)


INVITATION_TRANSITIONS = {
    "attend": Transition(
        gettext_lazy("确认参加"),
        frozenset({IS.INVITED, IS.LEAVE_REQUESTED, IS.EXCUSED}),
        (IS.ATTENDING,),
        can_answer,
        _attend,
        applies=_live,
        refusal=gettext_lazy("活动已结束或未发布"),
        # An answer that the deputy will come asks nothing of anyone: the office reads the count on the page.
        notify=NO_ONE,
    ),
    "ask_leave": Transition(
        gettext_lazy("请假"),
        frozenset({IS.INVITED, IS.ATTENDING}),
        (IS.LEAVE_REQUESTED,),
        can_answer,
        _ask_leave,
        note_required=True,
        applies=_live,
        refusal=gettext_lazy("活动已结束或未发布"),
        notify=Notify(notices.office, "duty_leave", gettext_lazy("%(name)s代表请假：%(title)s")),
    ),
    "grant_leave": Transition(
        gettext_lazy("准假"),
        frozenset({IS.LEAVE_REQUESTED}),
        (IS.EXCUSED,),
        can_decide,
        _grant,
        applies=_organised_here,
        refusal=gettext_lazy("由组织活动的人大决定"),
        notify=Notify(notices.invitee, "duty_leave_granted", gettext_lazy("您的请假已获准：%(title)s")),
    ),
    "refuse_leave": Transition(
        gettext_lazy("不准假"),
        frozenset({IS.LEAVE_REQUESTED}),
        (IS.ATTENDING,),
        can_decide,
        _refuse,
        note_required=True,
        applies=_organised_here,
        refusal=gettext_lazy("由组织活动的人大决定"),
        notify=Notify(notices.invitee, "duty_leave_refused", gettext_lazy("您的请假未获准，请按时参加：%(title)s")),
    ),
    # Leave asked by telephone or in person: the office records it, with the reason given.
    "record_leave": Transition(
        gettext_lazy("登记请假"),
        frozenset({IS.INVITED, IS.ATTENDING, IS.ABSENT}),
        (IS.EXCUSED,),
        can_decide,
        _record_leave,
        note_required=True,
        applies=_organised_here,
        refusal=gettext_lazy("由组织活动的人大决定"),
        notify=Notify(
            notices.invitee, "duty_leave_recorded", gettext_lazy("已为您登记请假：%(title)s"), immediate=False
        ),
    ),
    "sign_in": Transition(
        gettext_lazy("签到"),
        OPEN,
        (IS.ATTENDED,),
        can_answer,
        _sign_in,
        applies=_live,
        refusal=gettext_lazy("活动已结束或未发布"),
        # The deputy signs in for themself, on the spot; the office sees it on the activity's page.
        notify=NO_ONE,
    ),
    "confirm_attendance": Transition(
        gettext_lazy("确认出席"),
        OPEN | {IS.ABSENT},
        (IS.ATTENDED,),
        can_decide,
        _confirm,
        applies=_after_start,
        refusal=gettext_lazy("活动开始后才能确认出勤"),
        notify=Notify(
            notices.invitee, "duty_attended", gettext_lazy("您参加“%(title)s”的出席已记入履职档案"), immediate=False
        ),
    ),
    "mark_absent": Transition(
        gettext_lazy("记为缺席"),
        frozenset({IS.INVITED, IS.ATTENDING, IS.LEAVE_REQUESTED, IS.ATTENDED}),
        (IS.ABSENT,),
        can_decide,
        _absent,
        applies=_after_start,
        refusal=gettext_lazy("活动开始后才能确认出勤"),
        notify=Notify(notices.invitee, "duty_absent", gettext_lazy("您未出席履职活动：%(title)s"), immediate=False),
    ),
    "mirror": Transition(
        gettext_lazy("上级人大确定出勤"),
        frozenset(IS.values),
        tuple(IS.values),
        _system_on_copy,
        _mirror,
        # The deputy was told by the organiser; the copy only keeps this congress's office informed.
        notify=NO_ONE,
    ),
}

INVITATIONS = Workflow(
    name="duty.invitations",
    model=Invitation,
    event_model=InvitationEvent,
    transitions=INVITATION_TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在组织活动的人大答复邀请。"),
        wrong_status=gettext_lazy("邀请%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("现在不能%(action)s。"),
        not_applicable_because=gettext_lazy("不能%(action)s：%(reason)s。"),
    ),
    relation=relation,
    hooks=(_refresh_invitation, _invitation_inbox),
    deliver=notices.deliver,
)


# -- reported duties --------------------------------------------------------------------------------------


def _confirm_entry(step) -> str:
    if "public" in step.data:
        step.set(public=bool(step.data["public"]))
    return E.CONFIRMED


def _return_entry(step) -> str:
    return E.RETURNED


def _resubmit(step) -> str:
    from tenant_apps.duty import entries

    entries.apply_changes(step)
    return E.SUBMITTED


def _withdraw(step) -> str:
    return E.WITHDRAWN


def _refresh_entry(step) -> None:
    records.refresh_entry(step.access.congress, step.obj)


def _entry_office(who, entry) -> bool:
    return who.is_office


ENTRY_TRANSITIONS = {
    "confirm": Transition(
        gettext_lazy("确认"),
        frozenset({E.SUBMITTED}),
        (E.CONFIRMED,),
        _entry_office,
        _confirm_entry,
        notify=Notify(
            notices.invitee, "duty_entry_confirmed", gettext_lazy("您登记的履职事项已确认：%(title)s"), immediate=False
        ),
    ),
    "return": Transition(
        gettext_lazy("退回"),
        frozenset({E.SUBMITTED, E.CONFIRMED}),
        (E.RETURNED,),
        _entry_office,
        _return_entry,
        note_required=True,
        notify=Notify(notices.invitee, "duty_entry_returned", gettext_lazy("您登记的履职事项被退回：%(title)s")),
    ),
    "resubmit": Transition(
        gettext_lazy("修改后重新提交"),
        frozenset({E.RETURNED}),
        (E.SUBMITTED,),
        is_author,
        _resubmit,
        notify=Notify(notices.office, "duty_entry", gettext_lazy("%(name)s代表登记了履职事项：%(title)s")),
    ),
    "withdraw": Transition(
        gettext_lazy("撤回"),
        frozenset({E.SUBMITTED, E.RETURNED}),
        (E.WITHDRAWN,),
        is_author,
        _withdraw,
        # The deputy takes back their own report before anyone acted on it; the office's list simply loses it.
        notify=NO_ONE,
    ),
}

ENTRIES = Workflow(
    name="duty.entries",
    model=DutyEntry,
    event_model=DutyEntryEvent,
    transitions=ENTRY_TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大处理本级的履职登记。"),
        wrong_status=gettext_lazy("履职登记%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("现在不能%(action)s。"),
    ),
    relation=relation,
    hooks=(_refresh_entry, inbox.on_step),
    deliver=notices.deliver,
    event_labels={"submitted": gettext_lazy("登记"), "recorded": gettext_lazy("机关记录")},
)


# -- prints (the worker's steps) --------------------------------------------------------------------------


def _system(who, job) -> bool:
    return who.access.user is None


def _start(step) -> str:
    step.set(total=int(step.data.get("total") or 0), done=0)
    return P.RUNNING


def _finish(step) -> str:
    step.set(file=step.data["file"], done=step.obj.total)
    return P.DONE


def _fail(step) -> str:
    step.set(error=str(step.data.get("error") or "")[:2000])
    return P.FAILED


PRINT_TRANSITIONS = {
    "start": Transition(
        gettext_lazy("开始生成"),
        frozenset({P.QUEUED, P.RUNNING}),
        (P.RUNNING,),
        _system,
        _start,
        # The requester watches the progress bar; they are told the outcome.
        notify=NO_ONE,
    ),
    "finish": Transition(
        gettext_lazy("生成完成"),
        frozenset({P.RUNNING}),
        (P.DONE,),
        _system,
        _finish,
        notify=Notify(notices.requester, "duty_print_done", gettext_lazy("履职账单已生成，可以下载打印")),
    ),
    "fail": Transition(
        gettext_lazy("生成失败"),
        frozenset({P.QUEUED, P.RUNNING}),
        (P.FAILED,),
        _system,
        _fail,
        notify=Notify(notices.requester, "duty_print_failed", gettext_lazy("履职账单生成失败，请重试")),
    ),
}

PRINTS = Workflow(
    name="duty.prints",
    model=LedgerPrint,
    event_model=LedgerPrintEvent,
    transitions=PRINT_TRANSITIONS,
    refusals=Refusals(
        elsewhere=gettext_lazy("只能在本级人大生成履职账单。"),
        wrong_status=gettext_lazy("打印任务%(status)s，不能%(action)s。"),
        forbidden=gettext_lazy("您无权%(action)s。"),
        not_applicable=gettext_lazy("现在不能%(action)s。"),
    ),
    relation=relation,
    deliver=notices.deliver,
    event_labels={"requested": gettext_lazy("申请打印")},
)


def actions_of(workflow: Workflow, access, obj) -> list[str]:
    return allowed_actions(workflow, access, obj)
