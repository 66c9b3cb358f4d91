"""Writes to motions and suggestions. Every write checks permission and leaves a SuggestionEvent.

Each service raises PermissionDenied, or ValidationError keyed by field; on error nothing changes (each runs in
one transaction and works on a locked copy of the item). Status changes go only through suggestion_transition.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.memberships.models import Role
from shared_apps.memberships.permissions import Access
from shared_apps.registry.models import Seat, SeatStatus
from tenant_apps.suggestions import permissions as perms
from tenant_apps.suggestions.models import CoSigner, Kind, RaisedDuring, Status, Suggestion, SuggestionEvent
from tenant_apps.suggestions.workflow import TRANSITIONS, Step

DRAFT_FIELDS = ("kind", "title", "body", "category", "raised_during")
TITLE_MAX = Suggestion._meta.get_field("title").max_length
CATEGORY_MAX = Suggestion._meta.get_field("category").max_length


# -- helpers -------------------------------------------------------------------------------------------


def _require_here(access: Access) -> None:
    # SECURITY: an Access of one congress must never write into another congress's schema.
    if access.congress is None or connection.schema_name != access.congress.schema_name:
        raise PermissionDenied(_("只能在本级人大的平台上办理议案建议。"))


def _locked(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


def _record(access: Access, item: Suggestion, action: str, from_status: str, note: str = "", **data) -> None:
    SuggestionEvent.objects.create(
        suggestion=item,
        actor=access.user,
        action=action,
        from_status=from_status,
        to_status=item.status,
        note=note,
        data=data,
    )


def _serving_here(access: Access, deputy_id) -> bool:
    """Whether the deputy holds a serving seat in the caller's congress."""
    return Seat.objects.filter(deputy_id=deputy_id, congress=access.congress, status=SeatStatus.SERVING).exists()


def _clean_draft(data: dict, *, partial: bool) -> dict:
    """The draft fields of `data`, stripped and checked; ValidationError by field."""
    cleaned = {k: ("" if data[k] is None else str(data[k]).strip()) for k in DRAFT_FIELDS if k in data}
    errors: dict[str, list[str]] = {}
    for key in ("title", "body"):
        if (key in cleaned or not partial) and not cleaned.get(key):
            errors[key] = [_("此项不能为空。")]
    if len(cleaned.get("title", "")) > TITLE_MAX:
        errors["title"] = [_("标题不能超过%(n)d个字。") % {"n": TITLE_MAX}]
    if len(cleaned.get("category", "")) > CATEGORY_MAX:
        errors["category"] = [_("分类不能超过%(n)d个字。") % {"n": CATEGORY_MAX}]
    if "kind" in cleaned and cleaned["kind"] not in Kind.values:
        errors["kind"] = [_("请选择议案或建议。")]
    if "raised_during" in cleaned and cleaned["raised_during"] not in RaisedDuring.values:
        errors["raised_during"] = [_("请选择大会期间或闭会期间。")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# -- drafts and co-signers -------------------------------------------------------------------------------


@transaction.atomic
def suggestion_draft_create(*, access: Access, data: dict, lead_deputy_id=None) -> Suggestion:
    """Start a draft. A deputy drafts as its lead deputy; delegation staff name the lead deputy
    (`lead_deputy_id`), who must hold a serving seat here. Raises PermissionDenied or ValidationError."""
    _require_here(access)
    if not perms.can_create_draft(access):
        raise PermissionDenied(_("只有本级人大代表或代表团工作人员可以起草议案建议。"))
    own = perms.deputy_id_of(access.user) if Role.DEPUTY in access.roles else None
    if lead_deputy_id in (None, ""):
        lead_deputy_id = own
    elif own is not None and str(lead_deputy_id) != str(own) and Role.DELEGATION_STAFF not in access.roles:
        raise PermissionDenied(_("代表只能以本人为领衔代表起草。"))
    if lead_deputy_id is None or not _serving_here(access, lead_deputy_id):
        raise ValidationError({"lead_deputy": [_("领衔代表须是本级人大的在任代表。")]})
    cleaned = _clean_draft(data, partial=False)
    item = Suggestion.objects.create(lead_deputy_id=int(lead_deputy_id), created_by=access.user, **cleaned)
    _record(access, item, "create", "")
    return item


@transaction.atomic
def suggestion_draft_update(*, access: Access, suggestion: Suggestion, data: dict) -> Suggestion:
    """Change a draft's text, kind, category or occasion. The lead deputy or the delegation staff who drafted it."""
    _require_here(access)
    item = _locked(suggestion)
    if not perms.can_edit_draft(access, item):
        raise PermissionDenied(_("只有领衔代表可以修改草稿。"))
    if item.status != Status.DRAFT:
        raise ValidationError({"status": [_("只有草稿可以修改。")]})
    cleaned = _clean_draft(data, partial=True)
    changed = [k for k, v in cleaned.items() if getattr(item, k) != v]
    for key in changed:
        setattr(item, key, cleaned[key])
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
        _record(access, item, "update", item.status, fields=changed)
    return item


@transaction.atomic
def cosigner_add(*, access: Access, suggestion: Suggestion, deputy_id) -> CoSigner:
    """Name a co-signer on a draft: a deputy with a serving seat here, other than the lead deputy.
    The lead deputy or the delegation staff who drafted it. The co-signer then confirms (cosigner_confirm)."""
    _require_here(access)
    item = _locked(suggestion)
    if not perms.can_edit_draft(access, item):
        raise PermissionDenied(_("只有领衔代表可以邀请附议代表。"))
    if item.status != Status.DRAFT:
        raise ValidationError({"status": [_("只有草稿可以增加附议代表。")]})
    try:
        deputy_id = int(deputy_id)
    except (TypeError, ValueError):
        raise ValidationError({"deputy": [_("请选择代表。")]}) from None
    if deputy_id == item.lead_deputy_id:
        raise ValidationError({"deputy": [_("领衔代表不必再作为附议代表。")]})
    if not _serving_here(access, deputy_id):
        raise ValidationError({"deputy": [_("附议代表须是本级人大的在任代表。")]})
    if item.cosigners.filter(deputy_id=deputy_id).exists():
        raise ValidationError({"deputy": [_("这位代表已经是附议代表。")]})
    cosigner = CoSigner.objects.create(suggestion=item, deputy_id=deputy_id)
    _record(access, item, "cosigner_add", item.status, deputy=deputy_id)
    return cosigner


@transaction.atomic
def cosigner_confirm(*, access: Access, suggestion: Suggestion) -> CoSigner:
    """The co-signer themself confirms signing (while the item is a draft or awaits review)."""
    _require_here(access)
    item = _locked(suggestion)
    deputy_id = perms.deputy_id_of(access.user) if Role.DEPUTY in access.roles else None
    cosigner = item.cosigners.filter(deputy_id=deputy_id).first() if deputy_id else None
    if cosigner is None:
        raise PermissionDenied(_("只有被邀请的附议代表本人可以确认附议。"))
    if item.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ValidationError({"status": [_("这件议案建议已不能再确认附议。")]})
    if cosigner.confirmed_at is not None:
        raise ValidationError({"deputy": [_("您已确认附议。")]})
    cosigner.confirmed_at = timezone.now()
    cosigner.save(update_fields=["confirmed_at"])
    _record(access, item, "cosigner_confirm", item.status, deputy=deputy_id)
    return cosigner


# -- the workflow ----------------------------------------------------------------------------------------


@transaction.atomic
def suggestion_transition(*, access: Access, suggestion: Suggestion, action: str, **data) -> Suggestion:
    """Apply one action of workflow.TRANSITIONS to the item, as `access`; returns the updated item.

    Checks, in order: the action exists, the item's status is one it starts from, the caller passes its
    predicate, the item qualifies, the note is given where required; then the action's effect validates its
    input (`data`) and changes the locked item, which is saved with update_fields and logged. Raises
    ValidationError (by field, "status" for a wrong status) or PermissionDenied; on error nothing changes.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": [_("未知的操作。")]})
    _require_here(access)
    item = _locked(suggestion)
    from_status = item.status
    if from_status not in transition.sources:
        raise ValidationError(
            {
                "status": [
                    _("“%(status)s”的议案建议不能%(action)s。")
                    % {"status": item.get_status_display(), "action": transition.label_zh}
                ]
            }
        )
    if not transition.predicate(access, item):
        raise PermissionDenied(_("您无权%(action)s这件议案建议。") % {"action": transition.label_zh})
    if transition.applies is not None and not transition.applies(item):
        raise ValidationError({"action": [_("这件议案建议不能%(action)s。") % {"action": transition.label_zh}]})
    note = str(data.pop("note", "") or "").strip()
    if transition.note_required and not note:
        raise ValidationError({"note": [_("请写明理由。")]})
    step = Step(access=access, item=item, data=data)
    target = transition.effect(step)
    assert target in transition.targets, (action, target)
    if target != from_status:
        step.set(status=target)
    if step.fields:
        item.save(update_fields=[*dict.fromkeys(step.fields), "updated_at"])
    _record(access, item, action, from_status, note, **step.event_data)
    return item
