"""The audit log for the audit administrator, /audit/ on every host: a congress's own rows on its host, every
row on the root domain; filters, pages of 50, and the filtered rows as .xlsx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit import selectors
from shared_apps.audit.labels import action_label
from shared_apps.audit.models import Outcome
from shared_apps.audit.services import record
from shared_apps.memberships.permissions import can_read_audit
from shared_apps.registry.exports import xlsx_response

PAGE_SIZE = 50


def _allowed(request):
    if not can_read_audit(request.access):
        raise PermissionDenied
    return request.access


@login_required
def audit_log(request):
    access = _allowed(request)
    wanted = selectors.AuditFilter.from_query(request.GET)
    page = Paginator(selectors.entries_for(access, wanted), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.label = action_label(row.action)
    context = {
        "page": page,
        "wanted": wanted,
        "query": wanted.as_query(),
        "outcomes": Outcome.choices,
        "platform": access.congress is None,
    }
    return render(request, "audit/log.html", context)


@login_required
def audit_export(request):
    access = _allowed(request)
    wanted = selectors.AuditFilter.from_query(request.GET)
    rows = selectors.entries_for(access, wanted)[: selectors.EXPORT_MAX_ROWS]
    record("audit.exported", actor=request.user, data={"filter": wanted.as_query()})
    headers = [
        _("时间"),
        _("操作"),
        _("操作代码"),
        _("结果"),
        _("操作人"),
        _("地址"),
        _("人大"),
        _("对象类型"),
        _("对象"),
    ]
    table = (
        [
            timezone.localtime(r.at),
            action_label(r.action),
            r.action,
            r.get_outcome_display(),
            r.actor_label,
            r.address,
            r.congress or _("省级平台"),
            r.object_type,
            r.object_id,
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    filename = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, headers, table, title=_("审计日志"))
