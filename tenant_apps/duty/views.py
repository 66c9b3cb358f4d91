"""Pages of duty activities: the list, an activity with everything each person may do on it (answer, ask leave,
decide leave, confirm attendance, invite, publish, close), the sign-in screen and the deputy's sign-in, opinions,
photos and files. Each parses input and calls one service; a refusal shows the page again with what was typed."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.duty import selectors, services, signin
from tenant_apps.duty.forms import ActivityForm, MinutesForm
from tenant_apps.duty.models import ActivityStatus, InvitationStatus, OpinionKind
from tenant_apps.duty.permissions import can_edit_activity, can_manage_activities, can_see_activity, viewer_for
from tenant_apps.duty.workflow import ACTIVITIES, ACTIVITY_TRANSITIONS, INVITATION_TRANSITIONS
from tenants.files import private_file_response
from tenants.forms import action_panels, add_service_errors, errors_of, report_outcome, save_form
from tenants.params import int_param
from tenants.shortcuts import or_404

# Actions that cannot be undone: the page asks for a confirmation before them.
CONFIRM = {
    "cancel": _("取消后不能恢复，已邀请的代表会收到通知。"),
    "close": _("结束后出勤情况即确定，未签到且未准假的代表记为缺席。"),
}


def _who(request):
    return viewer_for(request.access)


def index(request):
    """Activities: the office's drafts too; the public's when they are public. `?status=`, `?year=`."""
    who = _who(request)
    status = request.GET.get("status", "")
    status = status if status in ActivityStatus.values else ""
    year = int_param(request.GET.get("year"), low=2000, high=2100)
    return render(
        request,
        "duty/index.html",
        {
            "activities": list(selectors.activity_list(who, status=status, year=year)[:200]),
            "status": status,
            "statuses": ActivityStatus.choices if who.is_office else ActivityStatus.choices[1:],
            "can_manage": can_manage_activities(who),
            "is_deputy": who.deputy_id is not None,
        },
    )


@require_access(can_manage_activities, relation=viewer_for)
def activity_create(request, who):
    kinds = services.activity_kinds(request.access.congress)
    form = ActivityForm(request.POST or None, kinds=kinds)
    saved = save_form(
        request,
        form,
        lambda: services.activity_create(access=request.access, data=form.service_data()),
        _("活动已建立（草稿），请邀请代表，然后发布。"),
    )
    if saved:
        return redirect("duty:activity", pk=saved.result.pk)
    return render(request, "duty/activity_form.html", {"form": form, "title": _("组织履职活动")})


@require_access(can_manage_activities, relation=viewer_for)
def activity_edit(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    if not can_edit_activity(who, activity):
        raise PermissionDenied
    kinds = services.activity_kinds(request.access.congress)
    initial = {
        f: getattr(activity, f) for f in ("kind", "title", "starts_at", "ends_at", "place", "organiser", "description")
    }
    initial["starts_at"] = timezone.localtime(activity.starts_at)
    initial["ends_at"] = timezone.localtime(activity.ends_at)
    initial["public"] = activity.public
    form = ActivityForm(request.POST or None, kinds=kinds, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: services.activity_update(access=request.access, activity=activity, data=form.service_data()),
        _("活动已修改。"),
    )
    if saved:
        return redirect("duty:activity", pk=pk)
    return render(request, "duty/activity_form.html", {"form": form, "title": _("修改履职活动"), "activity": activity})


def _panels(actions, transitions, posted_action: str, posted: dict, errors: dict) -> list[dict]:
    return action_panels(
        actions, transitions, confirm=CONFIRM, posted_action=posted_action, posted=posted, errors=errors
    )


def _render(request, activity, *, posted_action="", posted=None, errors=None, target=None, status=200):
    who = _who(request)
    mine = selectors.invitation_of(activity, who.deputy_id)
    if not can_see_activity(who, activity, invited=mine is not None):
        raise Http404
    posted, errors = posted or {}, errors or {}
    office = can_manage_activities(who) and not activity.is_received
    # The office sees every invitation with its reasons; everyone else, who attended (a public fact of a public
    # activity, or one of this congress for its members) — never anyone's reason for leave.
    invitations = selectors.invitation_list(activity) if (office or who.access.is_member or activity.public) else []
    rows = []
    for invitation in invitations if office else []:
        invitation.activity = activity
        actions = services.invitation_actions(who, invitation) if office else []
        rows.append(
            {
                "invitation": invitation,
                "panels": _panels(
                    actions,
                    INVITATION_TRANSITIONS,
                    posted_action if target == invitation.pk else "",
                    posted,
                    errors,
                ),
            }
        )
    my_panels = []
    if mine is not None and not activity.is_received:
        mine.activity = activity
        my_panels = _panels(
            [a for a in services.invitation_actions(who, mine) if a != "sign_in"],
            INVITATION_TRANSITIONS,
            posted_action if target == mine.pk else "",
            posted,
            errors,
        )
    counts = {s: 0 for s in InvitationStatus.values}
    for invitation in invitations:
        counts[invitation.status] += 1
    public_attended = [i for i in invitations if i.status == InvitationStatus.ATTENDED]
    return render(
        request,
        "duty/activity.html",
        {
            "activity": activity,
            "mine": mine,
            "my_panels": my_panels,
            "office": office,
            "rows": rows,
            "counts": counts,
            "statuses": InvitationStatus.choices,
            "attended": public_attended,
            "activity_panels": _panels(
                services.activity_actions(who, activity) if office else [],
                ACTIVITY_TRANSITIONS,
                posted_action if target is None else "",
                posted,
                errors,
            ),
            "invite_choices": selectors.invite_choices(request.access.congress) if office else None,
            "search": selectors.deputy_search(request.access.congress, request.GET.get("q", "")) if office else [],
            "q": request.GET.get("q", ""),
            "opinions": list(selectors.opinions(activity)) if (office or who.access.is_member) else [],
            "can_take_up": who.seated_here and "suggestions" in request.access.congress.enabled_modules,
            "opinion_kinds": OpinionKind.choices,
            "files": list(selectors.files_of(activity=activity))
            if (office or who.access.is_member or activity.public)
            else [],
            "minutes_form": MinutesForm(initial={"minutes": activity.minutes}) if office else None,
            "history": ACTIVITIES.history(activity.events.select_related("actor")) if office else [],
            "signin_open": signin.is_open(activity),
            "can_sign_in": mine is not None and "sign_in" in services.invitation_actions(who, mine),
        },
        status=status,
    )


def activity(request, pk: int):
    return _render(request, or_404(selectors.activity_get(pk)))


def _posted(request, *names) -> dict:
    return {n: request.POST.get(n, "") for n in names}


@require_POST
def activity_act(request, pk: int):
    """An action on the activity itself (publish, cancel, close), with its reason and confirmation."""
    activity = or_404(selectors.activity_get(pk))
    action = request.POST.get("action", "")
    posted = _posted(request, "note", "confirm")
    if action in CONFIRM and not request.POST.get("confirm"):
        errors = {"confirm": [_("请勾选确认。")]}
        return _render(request, activity, posted_action=action, posted=posted, errors=errors, status=400)
    try:
        services.activity_transition(
            access=request.access, activity=activity, action=action, data={"note": posted["note"]}
        )
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render(request, activity, posted_action=action, posted=posted, errors=errors, status=400)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    transition = ACTIVITY_TRANSITIONS.get(action)
    messages.success(request, _("已%(action)s。") % {"action": transition.label if transition else action})
    return redirect("duty:activity", pk=pk)


@require_POST
def invitation_act(request, pk: int, invitation_id: int):
    """An answer (attend, ask leave) by the invited deputy, or the office's decision on one invitation."""
    activity = or_404(selectors.activity_get(pk))
    invitation = or_404(selectors.invitation_get(activity, invitation_id))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    posted = _posted(request, "note")
    try:
        services.invitation_transition(
            access=request.access, invitation=invitation, action=action, data={"note": posted["note"]}
        )
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render(
            request, activity, posted_action=action, posted=posted, errors=errors, target=invitation.pk, status=400
        )
    transition = INVITATION_TRANSITIONS.get(action)
    messages.success(request, _("已%(action)s。") % {"action": transition.label if transition else action})
    return redirect(f"{activity_path(pk)}#invitations")


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def invite(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    report_outcome(
        request,
        lambda: services.invite(
            access=request.access,
            activity=activity,
            deputy_ids=request.POST.getlist("deputy"),
            delegation_ids=request.POST.getlist("delegation"),
            group_ids=request.POST.getlist("group"),
            tiers=request.POST.getlist("tier"),
        ),
        _("已邀请。"),
    )
    return redirect("duty:activity", pk=pk)


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def uninvite(request, pk: int, invitation_id: int, who):
    activity = or_404(selectors.activity_get(pk))
    invitation = or_404(selectors.invitation_get(activity, invitation_id))
    report_outcome(
        request,
        lambda: services.uninvite(access=request.access, activity=activity, invitation=invitation),
        _("已取消邀请。"),
    )
    return redirect("duty:activity", pk=pk)


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def minutes(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.activity_update(access=request.access, activity=activity, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("纪要已保存。"))
            return redirect("duty:activity", pk=pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return _render(request, activity, status=400)


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def opinion_add(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    report_outcome(
        request,
        lambda: services.opinion_add(
            access=request.access,
            activity=activity,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
        ),
        _("意见已记录。"),
    )
    return redirect(f"{activity_path(pk)}#opinions")


@require_POST
def opinion_to_suggestion(request, pk: int, opinion_id: int):
    """A deputy of this congress turns a gathered suggestion into a draft of theirs, and goes on to finish it."""
    activity = or_404(selectors.activity_get(pk))
    opinion = or_404(activity.opinions.filter(pk=opinion_id).first())
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        draft = services.opinion_to_suggestion(access=request.access, activity=activity, opinion=opinion)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect(f"{activity_path(pk)}#opinions")
    messages.success(request, _("已生成建议草稿，请修改完善后提交。"))
    return redirect("suggestions:draft_update", pk=draft.pk)


def activity_path(pk: int) -> str:
    from django.urls import reverse

    return reverse("duty:activity", kwargs={"pk": pk})


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def file_add(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    report_outcome(
        request,
        lambda: services.activity_file_add(
            access=request.access, activity=activity, uploaded_file=request.FILES.get("file")
        ),
        _("已上传。"),
    )
    return redirect(f"{activity_path(pk)}#files")


@require_GET
def file_download(request, pk: int):
    """A photo or document of an activity (as the activity is visible), or of a reported duty (its deputy,
    the office)."""
    from tenant_apps.duty.permissions import can_see_entry

    stored = or_404(selectors.file_get(pk))
    who = _who(request)
    if stored.activity is not None:
        mine = selectors.invitation_of(stored.activity, who.deputy_id)
        allowed = can_see_activity(who, stored.activity, invited=mine is not None)
    else:
        allowed = stored.entry is not None and can_see_entry(who, stored.entry)
    if not allowed:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = stored.is_image and request.GET.get("download") is None
    return private_file_response(handle, content_type=stored.content_type, filename=None if inline else stored.name)


# -- on the spot -------------------------------------------------------------------------------------------


@require_access(can_manage_activities, relation=viewer_for)
def qr_screen(request, pk: int, who):
    """The screen shown at the activity: its current sign-in code, renewed every REFRESH_SECONDS."""
    from tenant_apps.liaison.posters import qr_svg

    activity = or_404(selectors.activity_get(pk))
    if not can_edit_activity(who, activity):
        raise Http404
    open_now = signin.is_open(activity)
    url = signin.url_for(request.access.congress, activity, signin.code_for(activity)) if open_now else ""
    svg = qr_svg(url, title=_("扫码签到")).decode() if url else ""
    signed = activity.invitations.filter(status=InvitationStatus.ATTENDED).count()
    return render(
        request,
        "duty/qr.html",
        {
            "activity": activity,
            "open_now": open_now,
            "svg": mark_safe(svg),  # noqa: S308 — segno's own SVG of our URL
            "url": url,
            "refresh": signin.REFRESH_SECONDS,
            "signed": signed,
            "invited": activity.invitations.count(),
            "opens": signin.window(activity)[0],
        },
    )


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def renew_codes(request, pk: int, who):
    activity = or_404(selectors.activity_get(pk))
    report_outcome(request, lambda: services.renew_codes(access=request.access, activity=activity), _("签到码已更换。"))
    return redirect("duty:qr", pk=pk)


def sign_in(request, pk: int):
    """The scanned code's page: the deputy, signed in as themself, confirms; their invitation is marked attended."""
    activity = or_404(selectors.activity_get(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("code", "")
    code = str(code or "")[:300]
    errors: dict = {}
    if request.method == "POST":
        try:
            services.sign_in(access=request.access, activity=activity, code=code)
        except ValidationError as exc:
            errors = errors_of(exc, "code")
        except PermissionDenied as exc:
            errors = {"code": [str(exc)]}
        else:
            messages.success(request, _("签到成功，出席已记入您的履职档案。"))
            return redirect("duty:activity", pk=pk)
    who = _who(request)
    return render(
        request,
        "duty/sign_in.html",
        {
            "activity": activity,
            "code": code,
            "errors": errors,
            "invited": selectors.invitation_of(activity, who.deputy_id),
        },
        status=400 if errors else 200,
    )
