"""Pages: received and sent notices, sending one down, a notice with its delivery status or its
acknowledgement."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import is_office
from tenant_apps.notices import selectors, services
from tenant_apps.notices.forms import NoticeForm
from tenant_apps.notices.models import Direction
from tenants.forms import save_form


@require_access(is_office)
def index(request):
    direction = request.GET.get("direction", Direction.RECEIVED)
    if direction not in Direction.values:
        direction = Direction.RECEIVED
    return render(
        request,
        "notices/index.html",
        {
            "notices": selectors.notice_list(direction),
            "direction": direction,
            "directions": Direction.choices,
            "can_send": bool(selectors.congresses_below(request.access.congress, "children")),
        },
    )


@require_access(is_office)
def create(request):
    form = NoticeForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: services.notice_send(access=request.access, **form.cleaned_data),
        _("通知已发出，正在送达各下级人大。"),
    )
    if saved:
        return redirect("notices:detail", pk=saved.result.pk)
    return render(request, "notices/form.html", {"form": form})


@require_access(is_office)
def detail(request, pk: int):
    notice = selectors.notice_get(pk)
    if notice is None:
        raise Http404
    sent = notice.direction == Direction.SENT
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "deliveries": selectors.deliveries(request.access.congress, notice) if sent else (),
            "summary": selectors.delivery_summary(request.access.congress, notice) if sent else {},
        },
    )


# SECURITY: POST only (CSRF-checked): acknowledging is a recorded act of the office, not something a link does.
@require_POST
@require_access(is_office)
def acknowledge(request, pk: int):
    notice = selectors.notice_get(pk)
    if notice is None:
        raise Http404
    try:
        services.notice_acknowledge(access=request.access, notice=notice)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已签收。"))
    return redirect("notices:detail", pk=pk)
