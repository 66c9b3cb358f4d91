"""Pages of reported duties (履职登记) and of the deputy's own duty page: report, record (the office), confirm or
return with a reason, send again, withdraw."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.models import Deputy
from tenant_apps.duty import inbox, selectors, services
from tenant_apps.duty.forms import EntryForm, OfficeEntryForm
from tenant_apps.duty.models import EntryStatus
from tenant_apps.duty.permissions import (
    can_manage_activities,
    can_record_duty,
    can_report_duty,
    can_see_entry,
    viewer_for,
)
from tenant_apps.duty.workflow import ENTRIES, ENTRY_TRANSITIONS
from tenants.forms import action_panels, errors_of, save_form
from tenants.shortcuts import or_404


def _is_deputy(who) -> bool:
    return who.deputy_id is not None


@require_access(_is_deputy, relation=viewer_for)
def mine(request, who):
    """The deputy's own page here: invitations to answer, their activities, the duties they reported, the ledger."""
    invitations = list(selectors.my_invitations(who.deputy_id)[:100])
    return render(
        request,
        "duty/mine.html",
        {
            "waiting": [i for i in invitations if i in set(inbox.deputy_invitations(who.deputy_id))],
            "invitations": invitations,
            "entries": list(selectors.entry_list(who)[:100]),
            "can_report": can_report_duty(who),
            "deputy_id": who.deputy_id,
        },
    )


@require_access(can_report_duty, relation=viewer_for)
def entry_create(request, who):
    form = EntryForm(request.POST or None, request.FILES or None)
    saved = save_form(
        request,
        form,
        lambda: services.entry_report(
            access=request.access, data=form.service_data(), files=request.FILES.getlist("files")
        ),
        _("已登记，待人大机关确认后记入履职档案。"),
    )
    if saved:
        return redirect("duty:entry", pk=saved.result.pk)
    return render(request, "duty/entry_form.html", {"form": form, "title": _("登记履职事项"), "files": True})


def _seated_deputies(congress):
    seats = selectors.invitable_seats(congress, [congress.pk]).values("deputy_id")
    return Deputy.objects.filter(pk__in=seats).order_by("name", "id")


@require_access(can_record_duty, relation=viewer_for)
def entry_record(request, who):
    """The office records a duty it witnessed (a speech in deliberation, attendance at a session)."""
    form = OfficeEntryForm(request.POST or None, deputies=_seated_deputies(request.access.congress))
    saved = save_form(
        request,
        form,
        lambda: services.entry_record(
            access=request.access,
            deputy_id=form.cleaned_data["deputy"],
            data=form.service_data(),
            public=form.cleaned_data.get("public", False),
        ),
        _("已记入代表的履职档案。"),
    )
    if saved:
        return redirect("duty:entry", pk=saved.result.pk)
    return render(request, "duty/entry_form.html", {"form": form, "title": _("记录代表履职")})


def _render(request, entry, *, posted_action="", posted=None, errors=None, status=200):
    who = viewer_for(request.access)
    if not can_see_entry(who, entry):
        raise Http404
    posted, errors = posted or {}, errors or {}
    panels = action_panels(
        services.entry_actions(who, entry),
        ENTRY_TRANSITIONS,
        posted_action=posted_action,
        posted=posted,
        errors=errors,
    )
    form = None
    if any(p["action"] == "resubmit" for p in panels):
        initial = {f: getattr(entry, f) for f in ("kind", "title", "occurred_on", "place", "text")}
        form = EntryForm(posted or None, initial=initial) if posted_action == "resubmit" else EntryForm(initial=initial)
        if posted_action == "resubmit":
            form.is_valid()
            for field, problems in errors.items():
                if field in form.fields:
                    form.add_error(field, problems)
    return render(
        request,
        "duty/entry.html",
        {
            "entry": entry,
            "panels": panels,
            "resubmit_form": form,
            "files": list(selectors.files_of(entry=entry)),
            "history": ENTRIES.history(entry.events.select_related("actor")),
            "office": who.is_office,
            "public_default": entry.public,
        },
        status=status,
    )


def entry(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _render(request, or_404(selectors.entry_get(pk)))


def entry_act(request, pk: int):
    if request.method != "POST":
        return redirect("duty:entry", pk=pk)
    entry = or_404(selectors.entry_get(pk))
    action = request.POST.get("action", "")
    fields = ("note", "kind", "title", "occurred_on", "place", "text", "public")
    posted = {f: request.POST.get(f, "") for f in fields if f in request.POST}
    data = dict(posted)
    if action == "confirm":
        data = {"note": posted.get("note", ""), "public": bool(request.POST.get("public"))}
    elif action != "resubmit":
        data = {"note": posted.get("note", "")}
    try:
        services.entry_transition(access=request.access, entry=entry, action=action, data=data)
    except ValidationError as exc:
        errors = errors_of(exc)
        return _render(request, entry, posted_action=action, posted=posted, errors=errors, status=400)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    messages.success(request, _("已%(action)s。") % {"action": ENTRY_TRANSITIONS[action].label})
    return redirect("duty:entry", pk=pk)


@require_access(can_manage_activities, relation=viewer_for)
def office(request, who):
    """The office's desk: leave to decide, reported duties to confirm, the deputies' ledgers, the yearly print."""
    from django.utils import timezone

    from tenant_apps.duty.models import LedgerPrint

    year = timezone.localdate().year
    return render(
        request,
        "duty/office.html",
        {
            "leave": list(inbox.office_leave()[:100]),
            "entries": list(inbox.office_entries()[:100]),
            "deputies": list(_seated_deputies(request.access.congress)[:500]),
            "prints": list(LedgerPrint.objects.all()[:10]),
            "years": list(range(year, year - 5, -1)),
            "submitted": EntryStatus.SUBMITTED,
        },
    )
