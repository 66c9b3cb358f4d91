"""Writes of the duty module. Each checks permission, runs in one transaction and raises PermissionDenied or
ValidationError by field; on either nothing changes. Status changes go through the workflow core only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.permissions import Access
from tenant_apps.duty import entries, exchange, inbox, notices, records, selectors
from tenant_apps.duty.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    DutyEntry,
    DutyEntryEvent,
    DutyFile,
    EntryStatus,
    Invitation,
    InvitationStatus,
    LedgerPrint,
    LedgerPrintEvent,
    Opinion,
    OpinionKind,
    new_secret,
)
from tenant_apps.duty.permissions import (
    Viewer,
    can_edit_activity,
    can_manage_activities,
    can_record_duty,
    can_report_duty,
    can_see_entry,
    viewer_for,
)
from tenant_apps.duty.tasks import print_ledgers
from tenant_apps.duty.workflow import ACTIVITIES, ENTRIES, INVITATIONS
from tenants.fields import max_length
from tenants.selectors import effective_settings
from tenants.workflow import allowed_actions, apply_transition, lock, require_here
from tenants.workflow.history import record_event

TITLE_MAX = max_length(Activity, "title")
PLACE_MAX = max_length(Activity, "place")
ORGANISER_MAX = max_length(Activity, "organiser")
TEXT_MAX = 10000
OPINION_MAX = 2000
FILES_MAX = 20
ELSEWHERE = _("只能在本级人大处理本级的履职活动。")


def activity_kinds(congress) -> list[list[str]]:
    return effective_settings(congress).get("duty.activity_kinds") or []


def _require_office(who: Viewer) -> None:
    require_here(who.access, ELSEWHERE)
    if not can_manage_activities(who):
        raise PermissionDenied(_("只有人大机关工作人员可以组织履职活动。"))


def _aware(value, field: str, errors: dict) -> datetime.datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        errors[field] = [_("请填写日期和时间（如2026-05-01 09:00）。")]
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def clean_activity(congress, data: dict, *, partial: bool = False, current: Activity | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if not partial or "kind" in data:
        kinds = dict((code, label) for code, label in activity_kinds(congress))
        kind = str(data.get("kind") or "")
        if kind not in kinds:
            errors["kind"] = [_("请选择活动类型。")]
        else:
            cleaned["kind"], cleaned["kind_label"] = kind, kinds[kind]
    for name, limit, required, message in (
        ("title", TITLE_MAX, True, _("请填写活动主题。")),
        ("place", PLACE_MAX, True, _("请填写活动地点。")),
        ("organiser", ORGANISER_MAX, True, _("请填写组织单位。")),
        ("description", TEXT_MAX, False, ""),
        ("minutes", TEXT_MAX, False, ""),
    ):
        if partial and name not in data:
            continue
        text = str(data.get(name) or "").strip()
        if required and not text:
            errors[name] = [message]
        elif len(text) > limit:
            errors[name] = [_("不能超过%(n)d个字。") % {"n": limit}]
        cleaned[name] = text
    for name in ("starts_at", "ends_at"):
        if not partial or name in data:
            cleaned[name] = _aware(data.get(name), name, errors)
    if "public" in data:
        cleaned["public"] = bool(data.get("public"))
    starts = cleaned.get("starts_at") or (current.starts_at if current else None)
    ends = cleaned.get("ends_at") or (current.ends_at if current else None)
    if starts and ends and ends <= starts and "starts_at" not in errors and "ends_at" not in errors:
        errors["ends_at"] = [_("结束时间必须晚于开始时间。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def activity_create(*, access: Access, data: dict) -> Activity:
    who = viewer_for(access)
    _require_office(who)
    cleaned = clean_activity(access.congress, data)
    activity = Activity.objects.create(created_by=access.user, **cleaned)
    record_event(ActivityEvent, activity, actor=access.user, action="created")
    return activity


@transaction.atomic
def activity_update(*, access: Access, activity: Activity, data: dict) -> Activity:
    """Change an activity not yet over (time, place, topic …), or its minutes afterwards."""
    who = viewer_for(access)
    _require_office(who)
    locked = lock(activity)
    if not can_edit_activity(who, locked):
        raise PermissionDenied(_("上级人大组织的活动由组织方管理。"))
    if locked.status == ActivityStatus.CANCELLED:
        raise ValidationError({"status": [_("活动已取消，不能修改。")]})
    if locked.status == ActivityStatus.CLOSED:
        data = {k: v for k, v in data.items() if k in ("minutes", "public")}
        if not data:
            raise ValidationError({"status": [_("活动已结束，只能填写纪要。")]})
    cleaned = clean_activity(access.congress, data, partial=True, current=locked)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*cleaned, "updated_at"])
    record_event(ActivityEvent, locked, actor=access.user, action="updated", data={"fields": sorted(cleaned)})
    records.refresh_activity(access.congress, locked)
    details = {"title", "place", "starts_at", "ends_at", "kind", "organiser", "description"} & set(cleaned)
    if locked.status == ActivityStatus.PUBLISHED and details:
        # What the invited planned around has changed: they are told, and the copies below follow.
        notices.tell_changed(access.congress, locked)
        exchange.send_changes(access, locked)
    return locked


@transaction.atomic
def invite(
    *,
    access: Access,
    activity: Activity,
    deputy_ids=(),
    delegation_ids=(),
    group_ids=(),
    tiers=(),
) -> list[Invitation]:
    """Invite deputies by name, delegation, group or tier: any deputy serving in this congress or below. New
    invitations of a published activity are told at once."""
    who = viewer_for(access)
    _require_office(who)
    locked = lock(activity)
    if not can_edit_activity(who, locked):
        raise PermissionDenied(_("上级人大组织的活动由组织方管理。"))
    if locked.status not in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED):
        raise ValidationError({"status": [_("活动已结束或已取消，不能再邀请。")]})
    congress = access.congress
    assert congress is not None  # _require_office: in this congress's schema
    try:
        wanted = {int(d) for d in deputy_ids}
        wanted |= selectors.deputies_in_delegations(congress, [int(d) for d in delegation_ids])
        wanted |= selectors.deputies_in_groups([int(g) for g in group_ids])
    except (TypeError, ValueError):
        raise ValidationError({"deputies": [_("代表、代表团或小组的编号无效。")]}) from None
    if tiers:
        bad = [t for t in tiers if t not in ("province", "city", "county", "township")]
        if bad:
            raise ValidationError({"tiers": [_("未知的层级。")]})
        wanted |= selectors.deputies_of_tiers(congress, tiers)
    if not wanted:
        raise ValidationError({"deputies": [_("请选择要邀请的代表。")]})
    seat_of = selectors.seat_congress_by_deputy(congress, wanted)
    outside = wanted - set(seat_of)
    if outside and deputy_ids and not (delegation_ids or group_ids or tiers):
        raise ValidationError({"deputies": [_("只能邀请本级及下级人大的在任代表。")]})
    already = set(locked.invitations.values_list("deputy_id", flat=True))
    new = [
        Invitation(activity=locked, deputy_id=d, seat_congress_id=seat_of[d]) for d in sorted(set(seat_of) - already)
    ]
    if not new:
        raise ValidationError({"deputies": [_("所选代表都已邀请。")]})
    if locked.status == ActivityStatus.PUBLISHED and any(n.seat_congress_id != congress.pk for n in new):
        raise ValidationError({"deputies": [_("活动发布后只能再邀请本级代表；下级人大代表请在发布前邀请。")]})
    created = Invitation.objects.bulk_create(new)
    record_event(
        ActivityEvent, locked, actor=access.user, action="invited", data={"deputies": [n.deputy_id for n in new]}
    )
    if locked.status == ActivityStatus.PUBLISHED:
        notices.tell_invited(congress, locked, [n.deputy_id for n in new])
        inbox.refresh_deputies(congress, [n.deputy_id for n in new])
    return created


@transaction.atomic
def uninvite(*, access: Access, activity: Activity, invitation: Invitation) -> None:
    """Withdraw an invitation before the activity is published."""
    who = viewer_for(access)
    _require_office(who)
    locked = lock(activity)
    if not can_edit_activity(who, locked) or locked.status != ActivityStatus.DRAFT:
        raise ValidationError({"status": [_("只能在活动发布前取消邀请。")]})
    deleted = Invitation.objects.filter(pk=invitation.pk, activity=locked).delete()[0]
    if deleted:
        record_event(
            ActivityEvent, locked, actor=access.user, action="uninvited", data={"deputy": invitation.deputy_id}
        )


def activity_transition(*, access: Access, activity: Activity, action: str, data: dict | None = None) -> Activity:
    return apply_transition(ACTIVITIES, access=access, obj=activity, action=action, data=data)


def invitation_transition(*, access: Access, invitation: Invitation, action: str, data: dict | None = None):
    if action.startswith("mirror"):
        raise ValidationError({"action": [_("未知的操作。")]})
    return apply_transition(INVITATIONS, access=access, obj=invitation, action=action, data=data)


def activity_actions(access, activity: Activity) -> list[str]:
    return allowed_actions(ACTIVITIES, access, activity)


def invitation_actions(access, invitation: Invitation) -> list[str]:
    return allowed_actions(INVITATIONS, access, invitation)


def sign_in(*, access: Access, activity: Activity, code: str) -> Invitation:
    """The signed-in deputy scans the activity's code on the spot: their own invitation is marked attended."""
    who = viewer_for(access)
    invitation = selectors.invitation_of(activity, who.deputy_id)
    if invitation is None:
        raise PermissionDenied(_("您不在这项活动的邀请名单中。"))
    if invitation.status == InvitationStatus.ATTENDED:
        raise ValidationError({"code": [_("您已经签到。")]})
    return apply_transition(INVITATIONS, access=who, obj=invitation, action="sign_in", data={"code": code})


@transaction.atomic
def renew_codes(*, access: Access, activity: Activity) -> Activity:
    """A new secret: every code shown so far stops working (a code was seen where it should not be)."""
    who = viewer_for(access)
    _require_office(who)
    locked = lock(activity)
    if not can_edit_activity(who, locked):
        raise PermissionDenied(_("上级人大组织的活动由组织方管理。"))
    locked.signin_secret = new_secret()
    locked.save(update_fields=["signin_secret", "updated_at"])
    record_event(ActivityEvent, locked, actor=access.user, action="codes_renewed")
    return locked


@transaction.atomic
def opinion_add(*, access: Access, activity: Activity, kind: str, text: str) -> Opinion:
    """An opinion gathered at the activity: a suggestion, or a public-sentiment item (社情民意)."""
    who = viewer_for(access)
    _require_office(who)
    if kind not in OpinionKind.values:
        raise ValidationError({"kind": [_("请选择意见类别。")]})
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写意见内容。")]})
    if len(text) > OPINION_MAX:
        raise ValidationError({"text": [_("不能超过%(n)d个字。") % {"n": OPINION_MAX}]})
    locked = lock(activity)
    if locked.status in (ActivityStatus.DRAFT, ActivityStatus.CANCELLED):
        raise ValidationError({"status": [_("活动开展后才能记录收集到的意见。")]})
    opinion = Opinion.objects.create(activity=locked, kind=kind, text=text, created_by=access.user)
    record_event(ActivityEvent, locked, actor=access.user, action="opinion_added", data={"opinion": opinion.pk})
    return opinion


@transaction.atomic
def opinion_to_suggestion(*, access: Access, activity: Activity, opinion: Opinion):
    """A deputy of this congress takes up a suggestion gathered at the activity: a draft of theirs, to finish and
    submit as any other (the suggestions module)."""
    from tenant_apps.suggestions.services import suggestion_draft_create

    who = viewer_for(access)
    require_here(access, ELSEWHERE)
    if not who.seated_here:
        raise PermissionDenied(_("只有本级人大代表可以把收集的意见提为建议。"))
    assert access.congress is not None  # require_here: in this congress's schema
    if "suggestions" not in access.congress.enabled_modules:
        raise ValidationError({"opinion": [_("本级人大没有开通议案建议模块。")]})
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk, activity=activity)
    if locked.kind != OpinionKind.SUGGESTION:
        raise ValidationError({"opinion": [_("社情民意不作为代表建议提出。")]})
    if locked.suggestion_id is not None:
        raise ValidationError({"opinion": [_("这条意见已经提为建议。")]})
    words = " ".join(locked.text.split())
    draft = suggestion_draft_create(
        access=access,
        data={"title": f"关于{words[:40]}的建议", "body": f"{locked.text}\n\n（{activity.title}中收集的意见）"},
    )
    locked.suggestion_id = draft.pk
    locked.save(update_fields=["suggestion_id"])
    record_event(
        ActivityEvent,
        activity,
        actor=access.user,
        action="opinion_taken_up",
        data={"opinion": locked.pk, "suggestion": draft.pk},
    )
    return draft


def _store_file(uploaded_file, user, **owner) -> DutyFile:
    from tenant_apps.suggestions.attachments import prepare_upload

    name, file_type = prepare_upload(uploaded_file)
    return DutyFile.objects.create(
        file=uploaded_file,
        name=name,
        size=uploaded_file.size,
        content_type=file_type.content_type,
        uploaded_by=user,
        **owner,
    )


@transaction.atomic
def activity_file_add(*, access: Access, activity: Activity, uploaded_file) -> DutyFile:
    """A photo or a document (the minutes, a report) of an activity the office organised."""
    who = viewer_for(access)
    _require_office(who)
    locked = lock(activity)
    if not can_edit_activity(who, locked) or locked.status == ActivityStatus.CANCELLED:
        raise ValidationError({"file": [_("这项活动不能再上传材料。")]})
    if locked.files.count() >= FILES_MAX:
        raise ValidationError({"file": [_("每项活动最多上传%(n)d个文件。") % {"n": FILES_MAX}]})
    stored = _store_file(uploaded_file, access.user, activity=locked)
    record_event(ActivityEvent, locked, actor=access.user, action="file_added", data={"name": stored.name})
    return stored


# -- reported duties --------------------------------------------------------------------------------------


def _deputy_seated_here(congress, deputy_id) -> bool:
    return selectors.invitable_seats(congress, [congress.pk]).filter(deputy_id=deputy_id).exists()


@transaction.atomic
def entry_report(*, access: Access, data: dict, files=()) -> DutyEntry:
    """A deputy reports a duty the platform cannot see; the office confirms it."""
    who = viewer_for(access)
    require_here(access, ELSEWHERE)
    if not can_report_duty(who):
        raise PermissionDenied(_("只有本级人大代表可以登记履职事项。"))
    cleaned = entries.clean(data)
    assert who.deputy_id is not None  # can_report_duty: a deputy seated here
    entry = DutyEntry.objects.create(deputy_id=who.deputy_id, created_by=access.user, **cleaned)
    for uploaded in files:
        _store_file(uploaded, access.user, entry=entry)
    record_event(DutyEntryEvent, entry, actor=access.user, action="submitted")
    inbox.refresh_office(access.congress)
    notices.tell_office_of_entry(access.congress, entry)
    return entry


@transaction.atomic
def entry_record(*, access: Access, deputy_id, data: dict, public: bool | None = None) -> DutyEntry:
    """The office records a deputy's duty it witnessed (attendance and speeches at sessions): confirmed at once."""
    who = viewer_for(access)
    require_here(access, ELSEWHERE)
    if not can_record_duty(who):
        raise PermissionDenied(_("只有人大机关工作人员可以记录代表履职。"))
    try:
        deputy_id = int(deputy_id)
    except (TypeError, ValueError):
        raise ValidationError({"deputy": [_("请选择代表。")]}) from None
    cleaned = entries.clean(data)
    if not _deputy_seated_here(access.congress, deputy_id):
        raise ValidationError({"deputy": [_("只能记录本级人大在任代表的履职。")]})
    assert access.congress is not None  # require_here: in this congress's schema
    if public is None:
        public = bool(effective_settings(access.congress).get("duty.entries_public", True))
    entry = DutyEntry.objects.create(
        deputy_id=deputy_id, created_by=access.user, status=EntryStatus.CONFIRMED, public=public, **cleaned
    )
    record_event(DutyEntryEvent, entry, actor=access.user, action="recorded")
    records.refresh_entry(access.congress, entry)
    return entry


def entry_transition(*, access: Access, entry: DutyEntry, action: str, data: dict | None = None) -> DutyEntry:
    return apply_transition(ENTRIES, access=access, obj=entry, action=action, data=data)


def entry_actions(access, entry: DutyEntry) -> list[str]:
    return allowed_actions(ENTRIES, access, entry)


@transaction.atomic
def entry_file_add(*, access: Access, entry: DutyEntry, uploaded_file) -> DutyFile:
    who = viewer_for(access)
    require_here(access, ELSEWHERE)
    locked = lock(entry)
    if not can_see_entry(who, locked) or (not who.is_office and locked.status not in ("submitted", "returned")):
        raise PermissionDenied(_("您不能为这项履职登记上传材料。"))
    if locked.files.count() >= FILES_MAX:
        raise ValidationError({"file": [_("每项登记最多上传%(n)d个文件。") % {"n": FILES_MAX}]})
    return _store_file(uploaded_file, access.user, entry=locked)


# -- the yearly print ------------------------------------------------------------------------------------


@transaction.atomic
def print_request(*, access: Access, year) -> LedgerPrint:
    """Queue the print of every deputy's ledger of `year` (one PDF), made by the worker with its progress."""
    who = viewer_for(access)
    _require_office(who)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("请选择年份。")]}) from None
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("请选择年份。")]})
    job = LedgerPrint.objects.create(year=year, requested_by=access.user)
    record_event(LedgerPrintEvent, job, actor=access.user, action="requested")
    assert access.congress is not None  # _require_office: in this congress's schema
    print_ledgers.defer(schema_name=access.congress.schema_name, print_id=job.pk)
    return job
