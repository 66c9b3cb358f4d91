"""A deputy's yearly ledger as a PDF (reportlab, Chinese in its built-in STSong-Light CID font: no font file) and as
an .xlsx sheet; several ledgers in one PDF for the office's yearly print, one deputy per page run."""

import io
from collections.abc import Callable, Iterable

from django.utils.html import escape
from django.utils.translation import gettext as _

from shared_apps.ledger import kinds
from shared_apps.ledger.selectors import Ledger

CJK_FONT = "STSong-Light"


def title_of(ledger: Ledger) -> str:
    return _("%(name)s代表%(year)d年度履职账单") % {"name": ledger.deputy.name, "year": ledger.year}


def headers() -> list[str]:
    return [_("日期"), _("人大"), _("履职类型"), _("类别"), _("事项"), _("公开"), _("链接")]


def rows(ledger: Ledger) -> list[list]:
    return [
        [
            r.occurred_on,
            r.congress_name,
            kinds.label(r.kind),
            r.category,
            r.title,
            _("是") if r.public else _("否"),
            r.url,
        ]
        for r in ledger.records
    ]


def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return {
        "heading": ParagraphStyle("heading", fontName=CJK_FONT, fontSize=16, leading=22),
        "sub": ParagraphStyle("sub", fontName=CJK_FONT, fontSize=11, leading=16, spaceBefore=8),
        "note": ParagraphStyle("note", fontName=CJK_FONT, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=CJK_FONT, fontSize=8, leading=10),
    }


def _chart(ledger: Ledger, width: float):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(width, 120)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 20, width - 40, 90
    chart.data = [ledger.by_month]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(ledger.by_month), 1)
    chart.valueAxis.valueStep = max(1, chart.valueAxis.valueMax // 4)
    chart.categoryAxis.categoryNames = [str(m) for m in range(1, 13)]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.bars[0].fillColor = colors.HexColor("#b22222")
    drawing.add(chart)
    return drawing


def story(ledger: Ledger, styles, width: float) -> list:
    """The flowables of one ledger: title, seats, counts by kind, the months, every record."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), CJK_FONT, 8),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    seats = "；".join(f"{s.congress_name or s.tier_label}（{s.tier_label}，{s.status_label}）" for s in ledger.seats)
    parts: list = [
        Paragraph(escape(title_of(ledger)), styles["heading"]),
        Paragraph(escape(_("代表席位：%(seats)s") % {"seats": seats or "—"}), styles["note"]),
        Paragraph(escape(_("共%(n)d项履职记录。") % {"n": ledger.total}), styles["note"]),
        Paragraph(escape(_("分类统计")), styles["sub"]),
    ]
    counts = [[_("履职类型"), _("次数")], *[[c.label, c.count] for c in ledger.counts]] if ledger.counts else None
    if counts:
        table = Table(counts, colWidths=[width * 0.6, width * 0.2])
        table.setStyle(grid)
        parts.append(table)
    else:
        parts.append(Paragraph(escape(_("本年度暂无履职记录。")), styles["note"]))
    parts += [Paragraph(escape(_("按月分布")), styles["sub"]), _chart(ledger, width)]
    if ledger.records:
        parts.append(Paragraph(escape(_("履职记录")), styles["sub"]))
        cell = styles["cell"]
        body = [
            [
                r.occurred_on.isoformat(),
                Paragraph(escape(r.congress_name), cell),
                Paragraph(escape(kinds.label(r.kind)), cell),
                Paragraph(escape(r.category or ""), cell),
                Paragraph(escape(r.title), cell),
            ]
            for r in ledger.records
        ]
        table = Table(
            [[_("日期"), _("人大"), _("履职类型"), _("类别"), _("事项")], *body],
            colWidths=[width * w for w in (0.13, 0.22, 0.17, 0.12, 0.36)],
            repeatRows=1,
        )
        table.setStyle(grid)
        parts.append(table)
    parts.append(Spacer(1, 6))
    return parts


def ledgers_pdf(ledgers: Iterable[Ledger], *, title: str, progress: Callable[[int], None] | None = None) -> bytes:
    """The ledgers one after another, each from a new page; `progress(n)` after each n-th is laid out."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title)
    flowables: list = []
    for n, ledger in enumerate(ledgers, start=1):
        if flowables:
            flowables.append(PageBreak())
        flowables += story(ledger, styles, document.width)
        if progress is not None:
            progress(n)
    if not flowables:
        flowables.append(PageBreak())
    document.build(flowables)
    return buffer.getvalue()


def ledger_pdf(ledger: Ledger) -> bytes:
    return ledgers_pdf([ledger], title=title_of(ledger))
