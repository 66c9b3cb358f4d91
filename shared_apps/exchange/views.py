"""The exchange on the central console (platform administrators): what is in flight, what failed and why,
and the retry of a failed transfer. The same services and selectors as the API."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.exchange import selectors, services
from shared_apps.exchange.kinds import all_kinds
from shared_apps.exchange.models import Transfer, TransferStatus
from shared_apps.memberships.decorators import require_access
from shared_apps.memberships.permissions import can_use_console

LIST_LIMIT = 200


@require_access(can_use_console)
def console(request):
    """Counts per kind and status, and the transfers of one status (`?status=`, failed by default; `?kind=`)."""
    status = request.GET.get("status", TransferStatus.FAILED)
    if status not in TransferStatus.values:
        status = TransferStatus.FAILED
    kind = request.GET.get("kind", "")
    transfers = list(selectors.transfer_list(status=status, kind=kind)[:LIST_LIMIT])
    for transfer in transfers:
        transfer.kind_label = selectors.kind_label(transfer.kind)
    context = {
        "summary": selectors.transfer_summary(),
        "transfers": transfers,
        "status": status,
        "kind": kind,
        "statuses": TransferStatus.choices,
        "kinds": [(k.key, k.label) for k in all_kinds()],
        "limit": LIST_LIMIT,
    }
    return render(request, "exchange/console.html", context)


@require_POST
@require_access(can_use_console)
def retry(request, pk):
    """Send one failed transfer again and come back to the list of failed ones."""
    transfer = get_object_or_404(Transfer, pk=pk)
    try:
        services.transfer_retry(access=request.access, transfer=transfer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新投递，等待后台送达。"))
    return redirect(f"{reverse('exchange:console')}?status={TransferStatus.FAILED}")
