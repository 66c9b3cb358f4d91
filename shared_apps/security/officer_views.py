"""The security administrator's page, /security/ on every host: members and their roles (grant, withdraw),
lifting a lockout, and on the root domain disabling an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.permissions import can_manage_security
from shared_apps.security import officers
from shared_apps.security.forms import GrantForm, UnlockForm
from tenants.forms import add_service_errors
from tenants.params import int_param


def _access(request):
    if not can_manage_security(request.access):
        raise PermissionDenied
    return request.access


def _page(request, *, grant=None, unlock=None, status=200):
    access = _access(request)
    context = {
        "members": officers.members(access),
        "grant": grant or GrantForm(roles=officers.grantable_roles(access)),
        "unlock": unlock or UnlockForm(),
        "platform": access.congress is None,
        "me": request.user.pk,
    }
    return render(request, "security/officer.html", context, status=status)


def _back(request, *, done: str = "", error: str = ""):
    """Back to the page, with what happened (or why nothing did) at its top."""
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("security_officer:index")


@login_required
def officer(request):
    return _page(request)


@login_required
@require_POST
def grant(request):
    access = _access(request)
    form = GrantForm(request.POST, roles=officers.grantable_roles(access))
    if form.is_valid():
        try:
            user = officers.role_grant(access=access, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已授予 %(email)s 角色。") % {"email": user.email})
            return redirect("security_officer:index")
    # SECURITY and kindness alike: what was typed comes back with the reason, and nothing changed.
    return _page(request, grant=form, status=400)


@login_required
@require_POST
def withdraw(request):
    access = _access(request)
    if request.POST.get("confirm") != "1":
        return _back(request, error=_("请勾选“确认撤销”后再提交。"))
    try:
        done = officers.role_withdraw(
            access=access, user_id=int_param(request.POST.get("user"), low=1) or 0, role=request.POST.get("role", "")
        )
    except ValidationError as exc:
        return _back(request, error=" ".join(exc.messages))
    return _back(request, done=_("已撤销角色。") if done else _("该账号已没有这个角色。"))


@login_required
@require_POST
def unlock(request):
    access = _access(request)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _page(request, unlock=form, status=400)
    lifted = officers.account_unlock(access=access, email=form.cleaned_data["email"])
    return _back(request, done=_("已解除锁定。") if lifted else _("该账号没有被锁定。"))


@login_required
@require_POST
def set_active(request):
    access = _access(request)
    active = request.POST.get("active") == "1"
    if not active and request.POST.get("confirm") != "1":
        return _back(request, error=_("请勾选“确认停用”后再提交。"))
    try:
        user = officers.account_set_active(
            access=access, user_id=int_param(request.POST.get("user"), low=1) or 0, active=active
        )
    except ValidationError as exc:
        return _back(request, error=" ".join(exc.messages))
    return _back(request, done=(_("已启用 %(email)s。") if active else _("已停用 %(email)s。")) % {"email": user.email})
