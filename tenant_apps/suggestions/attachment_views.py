"""Pages for an item's files: upload and remove (forms in the item page's attachments panel), and download.

Downloads answer 404 to anyone who may not see the item or the file, as for a missing one: members of other
congresses and accounts without a role here learn nothing about what exists."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shared_apps.memberships.decorators import require_access
from tenant_apps.suggestions import attachments, selectors
from tenant_apps.suggestions.permissions import can_view_suggestions
from tenants.files import private_file_response
from tenants.forms import report_outcome
from tenants.shortcuts import or_404


def _signed_in(access) -> bool:
    return access.is_authenticated


def _run(request, pk: int, call, done: str):
    report_outcome(request, call, done)
    return redirect("suggestions:detail", pk=pk)


@require_POST
@require_access(can_view_suggestions)
def attachment_add(request, pk: int):
    """Upload a file (multipart: kind, file) to the item."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    return _run(
        request,
        pk,
        lambda: attachments.attachment_add(
            access=request.access,
            suggestion=item,
            kind=request.POST.get("kind", ""),
            uploaded_file=request.FILES.get("file"),
        ),
        _("已上传附件。"),
    )


@require_POST
@require_access(can_view_suggestions)
def attachment_remove(request, pk: int, att_pk: int):
    """Remove one file of the item."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    attachment = or_404(attachments.attachment_get_for_user(request.access, item, att_pk))
    return _run(
        request,
        pk,
        lambda: attachments.attachment_remove(access=request.access, attachment=attachment),
        _("已删除附件。"),
    )


@require_GET
@require_access(_signed_in)
def attachment_download(request, pk: int, att_pk: int):
    """Stream one file to someone who may see it, as a download under its original name."""
    item = or_404(selectors.suggestion_get_for_user(request.access, pk))
    attachment = or_404(attachments.attachment_get_for_user(request.access, item, att_pk))
    return private_file_response(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name
    )
