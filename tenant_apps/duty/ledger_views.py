"""The yearly duty ledger (履职账单) of a deputy, on any congress host where they sit: one ledger across every
seat and tier, read from the public duty record (never another congress's schema). The deputy and the offices of
the congresses where they sit see every record; everyone else what each congress chose to publish. As a page
(counts, a monthly chart, the timeline with evidence links), a PDF and an .xlsx; and the office's yearly print of
every ledger, made by the worker with a progress bar."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.audit.services import record_download
from shared_apps.ledger import exports
from shared_apps.ledger import selectors as ledgers
from shared_apps.ledger.kinds import label as kind_label
from shared_apps.memberships.decorators import require_access
from shared_apps.registry.exports import xlsx_response
from shared_apps.registry.models import Deputy
from tenant_apps.duty import services
from tenant_apps.duty.models import LedgerPrint, PrintStatus
from tenant_apps.duty.permissions import can_manage_activities, viewer_for
from tenants.files import private_file_response
from tenants.params import int_param
from tenants.shortcuts import or_404

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 360, 140, 6


def month_chart_svg(caption: str, values: list[int]) -> SafeString:
    """Twelve vertical bars (January first) as inline SVG, each with its number; no script, no style attribute."""
    top = max(values) or 1
    slot = CHART_WIDTH / 12
    bar = slot - BAR_GAP
    base = CHART_HEIGHT - 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'class="ledger-chart"><title>{escape(caption)}</title>'
    ]
    for month, value in enumerate(values, start=1):
        x = (month - 1) * slot + BAR_GAP / 2
        height = (base - 16) * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="#b22222"></rect>'
        )
        if value:
            label_y = base - height - 3
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{label_y:.1f}" font-size="10" text-anchor="middle">{value}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{CHART_HEIGHT - 5}" font-size="10" text-anchor="middle">{month}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped or a number


def _ledger_for(request, deputy_id: int):
    deputy = or_404(Deputy.objects.filter(pk=deputy_id).first())
    congress_ids = ledgers.seat_congress_ids(deputy.pk)
    full = ledgers.can_view_full_ledger(request.access, deputy)
    if not full and request.access.congress.pk not in congress_ids:
        raise Http404  # a deputy's public ledger is shown where they sit
    year = int_param(request.GET.get("year"), low=2000, high=timezone.localdate().year) or timezone.localdate().year
    return ledgers.ledger(deputy, year, public_only=not full), full


def ledger(request, deputy_id: int):
    data, full = _ledger_for(request, deputy_id)
    return render(
        request,
        "duty/ledger.html",
        {
            "ledger": data,
            "full": full,
            "years": ledgers.years_of(data.deputy, public_only=not full),
            "chart": month_chart_svg(_("%(year)d年按月履职次数") % {"year": data.year}, data.by_month),
            "records": [(r, kind_label(r.kind)) for r in reversed(data.records)],
        },
    )


def _filename(data, extension: str) -> str:
    return f"{data.deputy.name}-{_('履职账单')}-{data.year}.{extension}"


def ledger_pdf(request, deputy_id: int):
    data, _full = _ledger_for(request, deputy_id)
    response = HttpResponse(exports.ledger_pdf(data), content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=True, filename=_filename(data, "pdf"))
    assert disposition is not None  # None only for an inline response without a filename
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    record_download(_filename(data, "pdf"))
    return response


def ledger_xlsx(request, deputy_id: int):
    data, _full = _ledger_for(request, deputy_id)
    return xlsx_response(_filename(data, "xlsx"), exports.headers(), exports.rows(data), title=_("履职账单"))


# -- the office's yearly print -------------------------------------------------------------------------


@require_POST
@require_access(can_manage_activities, relation=viewer_for)
def print_request(request, who):
    try:
        job = services.print_request(access=request.access, year=request.POST.get("year"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("duty:office")
    messages.success(request, _("已开始生成，请稍候。"))
    return redirect("duty:print", pk=job.pk)


@require_access(can_manage_activities, relation=viewer_for)
def print_status(request, pk: int, who):
    job = or_404(LedgerPrint.objects.filter(pk=pk).first())
    return render(
        request,
        "duty/print.html",
        {"job": job, "working": job.status in (PrintStatus.QUEUED, PrintStatus.RUNNING)},
    )


@require_access(can_manage_activities, relation=viewer_for)
def print_file(request, pk: int, who):
    job = or_404(LedgerPrint.objects.filter(pk=pk, status=PrintStatus.DONE).first())
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = f"{request.access.congress.name}-{_('履职账单')}-{job.year}.pdf"
    return private_file_response(handle, content_type="application/pdf", filename=name)


# -- the office's dashboard ------------------------------------------------------------------------------


def _filters(request):
    from tenant_apps.duty import dashboard

    params = request.GET
    return dashboard.Filters(
        year=dashboard.year_of(params.get("year")),
        delegation=int_param(params.get("delegation"), low=1),
        group=int_param(params.get("group"), low=1),
        tier=params.get("tier", "") if params.get("tier", "") in ("province", "city", "county", "township") else "",
    )


@require_access(can_manage_activities, relation=viewer_for)
def dashboard_page(request, who):
    """Every deputy's year here, by kind, with attendance, answer times and reports; `?format=xlsx` downloads it."""
    from tenant_apps.duty import dashboard, selectors

    filters = _filters(request)
    rows = dashboard.dashboard(request.access.congress, filters)
    headers, body = dashboard.table(rows)
    if request.GET.get("format") == "xlsx":
        name = f"{request.access.congress.name}-{_('代表履职统计')}-{filters.year}.xlsx"
        return xlsx_response(name, headers, body, title=_("代表履职统计"))
    year = timezone.localdate().year
    return render(
        request,
        "duty/dashboard.html",
        {
            "headers": headers,
            "rows": [
                (row, list(zip(headers, cells, strict=True))) for row, cells in zip(rows[:300], body, strict=False)
            ],
            "total": len(rows),
            "filters": filters,
            "choices": selectors.invite_choices(request.access.congress),
            "years": list(range(year, year - 5, -1)),
            "query": request.GET.urlencode(),
        },
    )
