"""Pages: the list of the items the caller may see (with what awaits a deputy on top), drafting and editing,
co-signers, and one item with a button (form) per allowed action. Every button posts to the one transition
view, which calls services.suggestion_transition; the forms call the other services, nothing else writes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared_apps.idempotency.forms import ALREADY_SUBMITTED, form_once
from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.models import Role
from shared_apps.registry.models import Seat, SeatStatus
from tenant_apps.suggestions import inbox, selectors, services
from tenant_apps.suggestions.action_panels import CONFIRM, action_panels
from tenant_apps.suggestions.attachments import reply_letter_present
from tenant_apps.suggestions.models import AssignmentRole, ContactKind, Extension, Kind, RaisedDuring, Status
from tenant_apps.suggestions.panels import panels_for
from tenant_apps.suggestions.permissions import (
    can_create_draft,
    can_edit_draft,
    can_view_handling,
    can_view_suggestions,
    deputy_id_of,
    is_assigned_unit_staff,
    is_joint_unit_staff,
    is_lead_unit_staff,
    is_office,
)
from tenant_apps.suggestions.workflow import SUGGESTIONS, TRANSITIONS, allowed_actions
from tenant_apps.units.models import HandlingUnit
from tenants.forms import add_service_errors, report_outcome
from tenants.params import is_number
from tenants.selectors import effective_settings
from tenants.shortcuts import or_404

# How many serving deputies a search lists at most (a city congress has some 500).
DEPUTY_MATCHES = 50


def _own_deputy_id(access) -> int | None:
    return deputy_id_of(access.user) if Role.DEPUTY in access.roles else None


def _serving_seats(congress, find: str = "", *, exclude=()) -> tuple[list[Seat], bool]:
    """Serving seats of this congress whose deputy's name contains `find` (all when empty), by name, at most
    DEPUTY_MATCHES, with their deputy and constituency; and whether more matched than are listed."""
    seats = (
        Seat.objects.filter(congress=congress, status=SeatStatus.SERVING)
        .exclude(deputy_id__in=exclude)
        .select_related("deputy", "constituency")
        .order_by("deputy__name", "deputy_id")
    )
    if find:
        seats = seats.filter(deputy__name__icontains=find)
    found = list(seats[: DEPUTY_MATCHES + 1])
    return found[:DEPUTY_MATCHES], len(found) > DEPUTY_MATCHES


@require_access(can_view_suggestions)
def index(request):
    """The items the caller may see, optionally of one status; for a deputy, first what awaits them
    (co-signatures to confirm, replies to evaluate)."""
    status = request.GET.get("status", "")
    items = selectors.suggestion_list(request.access, status=status)
    own = _own_deputy_id(request.access)
    context = {
        "items": items,
        "statuses": Status.choices,
        "status": status,
        "awaiting": list(inbox.awaiting(own)) if own is not None else None,
        "cosign_statuses": inbox.COSIGN_STATUSES,
        "can_draft": can_create_draft(request.access),
    }
    return render(request, "suggestions/index.html", context)


class DraftForm(forms.Form):
    """A draft's text. The service checks everything again (it is the one way in)."""

    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Kind.choices, initial=Kind.SUGGESTION)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX)
    body = forms.CharField(label=gettext_lazy("内容"), widget=forms.Textarea(attrs={"rows": 12}))
    category = forms.CharField(label=gettext_lazy("分类"), max_length=services.CATEGORY_MAX, required=False)
    raised_during = forms.ChoiceField(
        label=gettext_lazy("提出时间"), choices=RaisedDuring.choices, initial=RaisedDuring.BETWEEN_SESSIONS
    )


class NewDraftForm(DraftForm):
    """A new draft; delegation staff also name the lead deputy, found by name among this congress's deputies."""

    find = forms.CharField(label=gettext_lazy("按姓名查找领衔代表"), required=False)
    lead_deputy = forms.CharField(label=gettext_lazy("领衔代表"), required=False, widget=forms.Select)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.picks_lead = Role.DELEGATION_STAFF in access.roles
        self.more_matches = False
        if not self.picks_lead:
            del self.fields["find"], self.fields["lead_deputy"]
            return
        source = self.data if self.is_bound else self.initial
        own = _own_deputy_id(access)  # a deputy who is also delegation staff leads by default
        chosen = str(source.get("lead_deputy") or own or "")
        seats, self.more_matches = _serving_seats(access.congress, str(source.get("find") or "").strip())
        if is_number(chosen) and len(chosen) <= 9 and all(str(seat.deputy_id) != chosen for seat in seats):
            # Keep the one chosen listed, whatever the search (the service checks it serves here).
            seats += Seat.objects.filter(
                congress=access.congress, status=SeatStatus.SERVING, deputy_id=int(chosen)
            ).select_related("deputy", "constituency")
        self.fields["lead_deputy"].widget.choices = [("", _("请选择")), *(_deputy_choice(seat) for seat in seats)]
        self.fields["lead_deputy"].required = own is None
        if not self.is_bound:
            self.initial["lead_deputy"] = chosen


def _deputy_choice(seat: Seat) -> tuple[str, str]:
    where = f"（{seat.constituency.name}）" if seat.constituency else ""
    return str(seat.deputy_id), f"{seat.deputy.name}{where}"


def _draft_data(form: DraftForm) -> dict:
    return {key: form.cleaned_data[key] for key in services.DRAFT_FIELDS}


@require_access(can_create_draft)
def draft_create(request):
    """Draft a motion or suggestion: a deputy as its lead deputy, delegation staff for the deputy they pick.
    The "find" button only re-lists the deputies, keeping what was typed."""
    finding = request.method == "POST" and "find_deputies" in request.POST
    if finding:
        form = NewDraftForm(initial=request.POST.dict(), access=request.access)
    else:
        form = NewDraftForm(request.POST or None, access=request.access)
    if request.method == "POST" and not finding and form.is_valid():
        try:
            # A double submit with the form's one-time token makes no second draft.
            with form_once(request, form="suggestions.draft") as once:
                if once.done is None:
                    item = services.suggestion_draft_create(
                        access=request.access,
                        data=_draft_data(form),
                        lead_deputy_id=form.cleaned_data.get("lead_deputy"),
                    )
                    once.record(reverse("suggestions:detail", kwargs={"pk": item.pk}))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if once.done is not None:
                messages.info(request, ALREADY_SUBMITTED)
                return redirect(once.done)
            messages.success(request, _("已保存草稿。可以邀请附议代表，再提交。"))
            return redirect(once.location)
    return render(request, "suggestions/form.html", {"form": form, "item": None})


@require_access(can_view_suggestions)
def draft_update(request, pk: int):
    """Change a draft (its lead deputy, or the delegation staff member who drafted it)."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    if not can_edit_draft(request.access, item):
        raise PermissionDenied
    if item.status != Status.DRAFT:
        messages.error(request, _("只有草稿可以修改。"))
        return redirect("suggestions:detail", pk=pk)
    initial = {key: getattr(item, key) for key in services.DRAFT_FIELDS}
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_draft_update(access=request.access, suggestion=item, data=_draft_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("suggestions:detail", pk=pk)
    return render(request, "suggestions/form.html", {"form": form, "item": item})


class CoSignerForm(forms.Form):
    deputy = forms.CharField(label=gettext_lazy("附议代表"), widget=forms.HiddenInput)


@require_POST
@require_access(can_view_suggestions)
def cosigner_add(request, pk: int):
    """Name a co-signer on a draft; on an error the item's page shows it on the co-signer form."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    form = CoSignerForm(request.POST)
    if form.is_valid():
        try:
            services.cosigner_add(access=request.access, suggestion=item, deputy_id=form.cleaned_data["deputy"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已邀请附议代表，待其本人确认。"))
            return redirect("suggestions:detail", pk=pk)
    return _render_detail(request, item, cosigner_form=form)


@require_POST
@require_access(can_view_suggestions)
def cosigner_confirm(request, pk: int):
    """The co-signer confirms their own co-signature."""
    return run_item_service(request, pk, services.cosigner_confirm, _("已确认附议。"))


@require_access(can_view_suggestions)
def detail(request, pk: int):
    """One item, its co-signers and units, the caller's action buttons, and (for the office) its history."""
    return _render_detail(request, or_404(selectors.suggestion_get_for_user(request.access, pk)))


def _cosigner_search(request, item, cosigners) -> dict | None:
    """The co-signer search of a draft's page, for whoever may name co-signers (None for everyone else)."""
    if item.status != Status.DRAFT or not can_edit_draft(request.access, item):
        return None
    find = request.GET.get("find", "").strip()
    taken = [item.lead_deputy_id, *(c.deputy_id for c in cosigners)]
    seats, more = _serving_seats(request.access.congress, find, exclude=taken) if find else ([], False)
    return {"find": find, "seats": seats, "more": more}


def _render_detail(request, item, *, cosigner_form=None, failed: tuple[str, dict] | None = None, status=200):
    """The item page; `failed` = (action, errors by field) re-shows that action's panel with what was posted."""
    settings = effective_settings(request.access.congress)
    allowed = allowed_actions(request.access, item)
    actions = [(a, TRANSITIONS[a].label) for a in allowed]
    failed_action, errors = failed or ("", {})
    panels = action_panels(allowed, failed_action=failed_action, post=request.POST if failed else None, errors=errors)
    levels = {code: label for code, label in settings["categories.evaluation"]}
    cosigners = list(item.cosigners.select_related("deputy"))
    own = _own_deputy_id(request.access)
    mine = next((c for c in cosigners if own is not None and c.deputy_id == own), None)
    return render(
        request,
        "suggestions/detail.html",
        {
            "item": item,
            "cosigners": cosigners,
            "can_edit": item.status == Status.DRAFT and can_edit_draft(request.access, item),
            "can_confirm": mine is not None and mine.confirmed_at is None and item.status in inbox.COSIGN_STATUSES,
            "cosigner_search": _cosigner_search(request, item, cosigners),
            "cosigner_form": cosigner_form,
            "assignments": item.assignments.select_related("unit"),
            "actions": actions,
            "action_panels": panels,
            "reply_rounds": selectors.reply_rounds(request.access, item, levels),
            "units": HandlingUnit.objects.filter(is_active=True).order_by("name") if "assign" in dict(actions) else (),
            "unit_roles": AssignmentRole.choices,
            "assign_roles": _assign_roles(request.POST if failed_action == "assign" else None),
            "evaluation_axes": [("attitude", _("办理态度")), ("result", _("办理结果"))],
            "reply_checklist": _reply_checklist(item, settings) if "reply" in allowed else None,
            "result_categories": settings["categories.result"],
            "evaluation_levels": settings["categories.evaluation"],
            # The office, the item's deputies and the assigned units follow the whole handling.
            "history": SUGGESTIONS.history(item.events.select_related("actor"))
            if can_view_handling(request.access, item)
            else None,
            "handling": selectors.handling_get_for_user(request.access, item),
            "warnings": selectors.handling_warnings(item),
            "handling_forms": _handling_forms(request.access, item),
            "contact_kinds": ContactKind.choices,
            "panels": panels_for(request, item),
        },
        status=status,
    )


def _reply_checklist(item, settings) -> dict:
    """What the reply panel lists before the reply: the letter and the meeting, done or still to do."""
    return {
        "letter": reply_letter_present(item, item.reply_round + 1),
        "letter_required": settings["reply.letter_required"],
        "meeting": selectors.meeting_held(item),
        "meeting_required": settings["reply.meeting_required"],
    }


def _assign_roles(post) -> list[tuple[str, str, str, set[str]]]:
    """The assignment panel's pickers: (role, legend, input type, the unit ids the failed post had chosen)."""
    chosen = (lambda key: set(post.getlist(key))) if post is not None else (lambda key: set())
    return [
        (AssignmentRole.LEAD, _("主办单位（选一个）"), "radio", chosen("lead_unit")),
        (AssignmentRole.JOINT, _("会办单位（可多选）"), "checkbox", chosen("joint_units")),
        (AssignmentRole.ASSISTING, _("协办单位（可多选）"), "checkbox", chosen("assisting_units")),
        (AssignmentRole.SEPARATE, _("分办单位（可多选）"), "checkbox", chosen("separate_units")),
    ]


def _handling_forms(access, item) -> set[str]:
    """The handling forms to show the caller (the services check again when a form is posted)."""
    if item.status not in services.HANDLING_STATUSES:
        return set()
    extension = Extension.objects.filter(suggestion=item).first()
    shown = {
        "contact": is_assigned_unit_staff(access, item),
        "joint_opinion": is_joint_unit_staff(access, item),
        "extension_request": extension is None and is_lead_unit_staff(access, item),
        "extension_decide": extension is not None and extension.approved is None and is_office(access),
    }
    return {name for name, show in shown.items() if show}


def run_item_service(request, pk: int, service, done: str, **kwargs):
    """Call one handling service for the posted form and come back to the item with the outcome."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    report_outcome(request, lambda: service(access=request.access, suggestion=item, **kwargs), done)
    return redirect("suggestions:detail", pk=pk)


@require_POST
@require_access(can_view_suggestions)
def contact_log(request, pk: int):
    """Log a contact with the deputies (面商 included)."""
    data = {k: request.POST.get(k, "") for k in ("kind", "happened_on", "form", "summary", "unit")}
    return run_item_service(request, pk, services.contact_log, _("已记录沟通情况。"), data=data)


@require_POST
@require_access(can_view_suggestions)
def joint_opinion_submit(request, pk: int):
    """Send the joint unit's opinion to the lead unit."""
    post = request.POST
    return run_item_service(
        request,
        pk,
        services.joint_opinion_submit,
        _("已提交会办意见。"),
        text=post.get("text", ""),
        unit_id=post.get("unit"),
    )


@require_POST
@require_access(can_view_suggestions)
def extension_request(request, pk: int):
    """Ask the office for the item's one extension."""
    post = request.POST
    return run_item_service(
        request,
        pk,
        services.extension_request,
        _("已申请延期。"),
        months=post.get("months"),
        reason=post.get("reason", ""),
    )


@require_POST
@require_access(can_view_suggestions)
def extension_decide(request, pk: int):
    """Approve or refuse the pending extension."""
    approved = {"yes": True, "no": False}.get(request.POST.get("approved", ""))
    return run_item_service(
        request, pk, services.extension_decide, _("已审批延期。"), approved=approved, note=request.POST.get("note", "")
    )


def _transition_data(post) -> dict:
    """The transition's input from the posted form (the same keys as the API's)."""
    data = {
        k: post[k]
        for k in (
            "note",
            "into",
            "result_category",
            "reply_public_text",
            "commitment_text",
            "attitude",
            "result",
            "reason",
        )
        if post.get(k)
    }
    if post.get("all_cosigners_agree"):
        data["all_cosigners_agree"] = True
    units = [{"unit": post["lead_unit"], "role": AssignmentRole.LEAD}] if post.get("lead_unit") else []
    for role in (AssignmentRole.JOINT, AssignmentRole.ASSISTING, AssignmentRole.SEPARATE):
        units += [{"unit": unit, "role": role} for unit in post.getlist(f"{role}_units") if unit]
    if units:
        data["units"] = units
    return data


@require_POST
@require_access(can_view_suggestions)
def transition(request, pk: int):
    """Apply the posted `action` and come back to the item, with the outcome as a message. Refused input comes
    back as the item's page with the action's panel holding what was typed and the errors by field (400); a
    step that cannot be undone must carry the panel's confirmation."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    action = request.POST.get("action", "")
    transition = TRANSITIONS.get(action)  # an unknown one is refused by the service
    try:
        if action in CONFIRM and request.POST.get("confirm") != "1":
            raise ValidationError({"confirm": [_("请勾选确认后再提交。")]})
        # The reply's panel carries a one-time token: a double submit answers nothing twice.
        with form_once(request, form=f"suggestions.{action}") as once:
            if once.done is None:
                services.suggestion_transition(
                    access=request.access, suggestion=item, action=action, **_transition_data(request.POST)
                )
                once.record(reverse("suggestions:detail", kwargs={"pk": pk}))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render_detail(request, item, failed=(action, errors), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行这项操作。"))
    else:
        if once.done is not None:
            messages.info(request, ALREADY_SUBMITTED)
        else:
            messages.success(request, _("已%(action)s。") % {"action": transition.label} if transition else "")
    if selectors.suggestion_get_for_user(request.access, pk) is None:
        return redirect("suggestions:index")
    return redirect("suggestions:detail", pk=pk)
