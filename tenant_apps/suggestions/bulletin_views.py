"""Pages of the progress bulletin: the month's table with two server-side SVG bar charts, its xlsx and PDF
exports, and the office's publish button. The office sees live figures; other members of the congress see the
latest published snapshot, and 404 before anything is published."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.memberships.decorators import require_access
from shared_apps.registry.exports import xlsx_response
from tenant_apps.suggestions import bulletin as bulletins
from tenant_apps.suggestions.bulletin import Bulletin, BulletinRow

DASH = "—"


def percent(rate: float | None) -> str:
    return DASH if rate is None else f"{rate * 100:.1f}%"


def headers() -> list[str]:
    return [
        _("承办单位"),
        _("交办件数"),
        _("已答复"),
        _("按期答复"),
        _("逾期未答复"),
        _("按期答复率"),
        _("面商率"),
        _("A类率"),
        _("满意率"),
    ]


def row_values(row: BulletinRow) -> list:
    return [
        row.unit_name,
        row.assigned,
        row.replied,
        row.on_time,
        row.overdue,
        percent(row.on_time_rate),
        percent(row.meeting_rate),
        percent(row.a_rate),
        percent(row.satisfaction_rate),
    ]


def table_rows(bulletin: Bulletin) -> list[list]:
    """The table as shown, exported and printed: a row per unit, then the totals."""
    return [row_values(row) for row in [*bulletin.rows, bulletin.totals]]


def title_of(bulletin: Bulletin) -> str:
    return _("%(name)s议案建议办理进度通报（%(year)d年%(month)d月）") % {
        "name": bulletin.congress_name,
        "year": bulletin.year,
        "month": bulletin.month,
    }


# -- charts --------------------------------------------------------------------------------------------

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 18, 6, 220, 360


def bar_chart_svg(caption: str, bars: list[tuple[str, float | None]]) -> SafeString:
    """A horizontal bar chart (0–100%) as inline SVG; a unit without a rate gets "—" and no bar."""
    height = 24 + len(bars) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="bulletin-chart"><title>{escape(caption)}</title>'
    ]
    for index, (label, rate) in enumerate(bars):
        y = 20 + index * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        if rate is not None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{rate * BAR_WIDTH:.1f}" height="{BAR_HEIGHT}" '
                'fill="#b22222"></rect>'
            )
        x = LABEL_WIDTH + (rate or 0) * BAR_WIDTH + 4
        parts.append(f'<text x="{x:.1f}" y="{y + 13}" font-size="12">{percent(rate)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def charts(bulletin: Bulletin) -> list[SafeString]:
    return [
        bar_chart_svg(_("按期答复率"), [(r.unit_name, r.on_time_rate) for r in bulletin.rows]),
        bar_chart_svg(_("满意率"), [(r.unit_name, r.satisfaction_rate) for r in bulletin.rows]),
    ]


# -- PDF -----------------------------------------------------------------------------------------------

CJK_FONT = "STSong-Light"  # an Adobe CID font that ships with reportlab: Chinese without embedding a font file


def _pdf_chart(bulletin: Bulletin, width: float, max_height: float):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    rows = bulletin.rows
    height = min(40 + 14 * max(len(rows), 1), max_height)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, _("按期答复率（%）"), fontName=CJK_FONT, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 10, width - 170, height - 30
    chart.data = [[round((r.on_time_rate or 0) * 100, 1) for r in reversed(rows)] or [0]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.categoryAxis.categoryNames = [r.unit_name for r in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#b22222")
    drawing.add(chart)
    return drawing


def bulletin_pdf_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin as a PDF: title, the table, the on-time chart."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title_of(bulletin))
    heading = ParagraphStyle("heading", fontName=CJK_FONT, fontSize=15, leading=20)
    note = ParagraphStyle("note", fontName=CJK_FONT, fontSize=9, leading=12)
    table = Table([headers(), *table_rows(bulletin)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), CJK_FONT, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    story = [
        Paragraph(escape(title_of(bulletin)), heading),
        Paragraph(escape(_("统计截至%(date)s。") % {"date": bulletin.as_of.isoformat()}), note),
        Spacer(1, 8),
        table,
        Spacer(1, 12),
        _pdf_chart(bulletin, document.width - 12, document.height - 24),
    ]
    document.build(story)
    return buffer.getvalue()


# -- views ---------------------------------------------------------------------------------------------


def _period(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        return bulletins.period(request.GET.get("year", today.year), request.GET.get("month", today.month))
    except ValidationError:
        raise Http404 from None


def _shown(request, year: int, month: int) -> tuple[Bulletin, object]:
    """(bulletin, latest publication) for the caller; 404 when nothing is published and the caller is not the office."""
    shown = bulletins.bulletin_visible(request.access, year, month)
    if shown is None:
        raise Http404
    return shown


@require_access(bulletins.can_view_published_bulletin)
def bulletin(request):
    """The month's bulletin page: the table, the charts, the exports, and the office's publish button."""
    year, month = _period(request)
    data, publication = _shown(request, year, month)
    context = {
        "bulletin": data,
        "title": title_of(data),
        "headers": headers(),
        "rows": table_rows(data),
        "charts": charts(data),
        "publication": publication,
        "can_manage": bulletins.can_manage_bulletin(request.access),
        "year": year,
        "month": month,
        "months": range(1, 13),
    }
    return render(request, "suggestions/bulletin.html", context)


def _filename(data: Bulletin, extension: str) -> str:
    return f"{data.congress_name}-{_('办理进度通报')}-{data.year}{data.month:02d}.{extension}"


@require_access(bulletins.can_view_published_bulletin)
def bulletin_xlsx(request):
    """The bulletin as an .xlsx file (the same rows as the page)."""
    data = _shown(request, *_period(request))[0]
    return xlsx_response(_filename(data, "xlsx"), headers(), table_rows(data), title=_("办理进度通报"))


@require_access(bulletins.can_view_published_bulletin)
def bulletin_pdf(request):
    """The bulletin as a PDF (table and chart, Chinese in the STSong-Light CID font)."""
    data = _shown(request, *_period(request))[0]
    response = HttpResponse(bulletin_pdf_bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=_filename(data, "pdf"))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@require_access(bulletins.can_manage_bulletin)
def bulletin_publish(request):
    """Publish the month's bulletin as it stands now (the office), and come back to it."""
    try:
        publication = bulletins.bulletin_publish(
            access=request.access, year=request.POST.get("year"), month=request.POST.get("month")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("suggestions:bulletin")
    messages.success(
        request,
        _("已发布%(year)d年%(month)d月的办理进度通报。") % {"year": publication.year, "month": publication.month},
    )
    return redirect(f"{reverse('suggestions:bulletin')}?year={publication.year}&month={publication.month}")
