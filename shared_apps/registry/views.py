"""Registry pages: the office's roll of deputies on a congress host, the claim page, the deputy's workspace."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry import claims, selectors, services
from shared_apps.registry.forms import (
    ClaimForm,
    DeputyProfileForm,
    InvitationForm,
    SeatEndForm,
    SeatRegisterForm,
    TermCloseForm,
)
from shared_apps.registry.models import Seat, Term
from shared_apps.registry.permissions import can_manage_registry, can_read_rollup
from shared_apps.registry.workspace import desks_for, workspace_for
from tenants.addresses import client_address
from tenants.forms import add_service_errors
from tenants.workflow.history import history_rows


def _can_manage_here(access) -> bool:
    return access.congress is not None and can_manage_registry(access, access.congress)


@require_access(_can_manage_here)
def roll(request, term_id: int | None = None):
    """The seats of the open term (or of a past term, read-only); `?find=` looks a deputy up by exact ID or
    mobile number."""
    congress = request.congress
    if request.GET.get("find"):
        found = selectors.deputy_find_here(congress, request.GET["find"])
        if found is not None:
            return redirect("registry:deputy_detail", deputy_id=found.pk)
        messages.info(request, _("本级人大没有该身份证号码或手机号码的代表。"))
    term = get_object_or_404(Term, pk=term_id, congress=congress) if term_id else selectors.term_current(congress)
    return render(
        request,
        "registry/roll.html",
        {
            "term": term,
            "terms": selectors.term_list(congress),
            "seats": selectors.seat_list(term) if term else [],
        },
    )


@require_access(_can_manage_here)
def deputy_detail(request, deputy_id: int):
    deputy = selectors.deputy_get_for_congress(request.congress, deputy_id)
    # SECURITY: clear numbers only on a deliberate POST (CSRF-checked: no link or prefetch reveals them);
    # identity_for logs each reveal.
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    return render(
        request,
        "registry/deputy_detail.html",
        {
            "deputy": deputy,
            "identity": selectors.identity_for(request.access, deputy, reveal=reveal),
            "seats": deputy.seats.select_related("congress", "term", "constituency").order_by("term__tier"),
            "invite_form": InvitationForm(),
            "end_form": SeatEndForm(),
            "history": history_rows(deputy.events.select_related("actor")[:20], label=lambda e: e.get_kind_display()),
        },
    )


@require_POST
@require_access(_can_manage_here)
def deputy_invite(request, deputy_id: int):
    deputy = selectors.deputy_get_for_congress(request.congress, deputy_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            claims.invitation_send(access=request.access, deputy=deputy, **form.cleaned_data)
            messages.success(request, _("邀请已发送。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请检查邀请方式和邮箱。"))
    return redirect("registry:deputy_detail", deputy_id=deputy.pk)


@require_POST
@require_access(_can_manage_here)
def seat_end(request, seat_id: int):
    # SECURITY: this congress's seats only: another congress's seat id answers 404, as if it did not exist.
    seat = get_object_or_404(Seat, pk=seat_id, congress=request.congress)
    form = SeatEndForm(request.POST)
    if form.is_valid():
        try:
            services.seat_end(access=request.access, seat=seat, **form.cleaned_data)
            messages.success(request, _("席位已终止。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("registry:deputy_detail", deputy_id=seat.deputy_id)


@require_access(_can_manage_here)
def term_close(request):
    term = selectors.term_current(request.congress)
    form = TermCloseForm(request.POST or None, initial={"next_number": term.number + 1 if term else 1})
    if request.method == "POST" and term is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.term_close(
                access=request.access,
                term=term,
                ends_on=data["ends_on"],
                next_number=data["next_number"],
                next_starts_on=data["ends_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("换届完成：第%(n)d届已开始。") % {"n": data["next_number"]})
            return redirect("registry:roll")
    return render(request, "registry/term_close.html", {"term": term, "form": form})


def claim(request, token: str):
    """Public (the token is the credential): set an email address and a password, or link a signed-in user.
    Links that open nothing count against the caller's address (the one limiter)."""
    invitation, locked = claims.claim_lookup(token, client_address(request))
    form = ClaimForm(request.POST or None, initial={"email": invitation.email if invitation else ""})
    if invitation is not None and request.method == "POST":
        signed_in = request.user if request.user.is_authenticated else None
        if signed_in is not None or form.is_valid():
            data = form.cleaned_data if signed_in is None else {"email": "", "password": ""}
            try:
                user = claims.invitation_accept(token=token, current_user=signed_in, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if signed_in is None:
                    # Named: with two auth backends, login() must be told which, as authenticate() did not run.
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("workspace_here")
    context = {"invitation": invitation, "form": form, "locked": locked}
    return render(request, "registry/claim.html", context, status=429 if locked else 200)


@login_required
def workspace(request):
    """Everyone's landing page after signing in (every host): what waits, by congress and kind, each item
    linked; the congresses where they hold a role; a deputy's seats."""
    data = workspace_for(request.user) or {"deputy": None, "seats": []}
    return render(request, "registry/workspace.html", {**data, "desks": desks_for(request.user)})


@require_access(can_read_rollup)
def rollup(request):
    """Read-only figures of every congress below this one."""
    return render(request, "registry/rollup.html", {"rows": selectors.rollup_for(request.congress)})


@require_access(_can_manage_here)
def deputy_edit(request, deputy_id: int):
    deputy = selectors.deputy_get_for_congress(request.congress, deputy_id)
    initial = {f: getattr(deputy, f) for f in services.EDITABLE_FIELDS}
    form = DeputyProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photo"}
        try:
            services.deputy_update_profile(
                access=request.access, deputy=deputy, data=data, photo=form.cleaned_data["photo"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("代表信息已更新。"))
            return redirect("registry:deputy_detail", deputy_id=deputy.pk)
    return render(request, "registry/deputy_edit.html", {"deputy": deputy, "form": form})


@require_access(_can_manage_here)
def seat_register(request):
    """Add one deputy to the open term (a by-election, a correction) without a roster file."""
    term = selectors.term_current(request.congress)
    form = SeatRegisterForm(request.POST or None)
    if request.method == "POST" and term is not None and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "starts_on"}
        try:
            seat = services.seat_register(
                access=request.access, term=term, data=data, starts_on=form.cleaned_data["starts_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("registry:deputy_detail", deputy_id=seat.deputy_id)
    return render(request, "registry/seat_register.html", {"term": term, "form": form})
