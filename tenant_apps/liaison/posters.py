"""A station's QR code (PNG, SVG) and its printable A4 poster (PDF): scanned with a phone, the code opens the
station's public page on this congress's own host.

The QR codes come from segno (pure Python); the poster is drawn with reportlab in its built-in STSong-Light
CID font, so Chinese needs no font file, and the code is drawn module by module as vector squares.
"""

import io

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

CJK_FONT = "STSong-Light"  # as in tenant_apps/suggestions/bulletin_views.py
QR_ERROR_LEVEL = "m"  # survives a scuffed or partly covered poster (15% of the code)
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def station_url(congress, station) -> str:
    """The absolute address of the station's public page on the congress's host (https in production)."""
    return congress.url(reverse("liaison:station", kwargs={"code": station.code}))


def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR_LEVEL)


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return buffer.getvalue()


def qr_svg(url: str, title: str = "", scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=scale, border=QR_BORDER, title=title or None)
    return buffer.getvalue()


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` at `size` (Chinese has no spaces: break between characters)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for char in text:
        if line and stringWidth(line + char, CJK_FONT, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _draw_qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the code as black squares in the `size` square at (x, y), merging runs of modules in a row."""
    # segno yields each row as a tuple (its stubs say only Iterable): keep them as tuples, to index and measure.
    rows = [tuple(row) for row in qr_code(url).matrix_iter(scale=1, border=QR_BORDER)]
    module = size / len(rows)
    canvas.setFillGray(0)
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)


def poster_pdf(congress, station, url: str) -> bytes:
    """An A4 poster: the congress's and the station's names, the call to scan, the code, and where and when
    the deputies receive people."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{station.name} · {congress.name}")
    margin = 20 * mm
    text_width = width - 2 * margin
    y = height - margin

    def lines(text: str, size: float, gap: float = 1.35) -> None:
        nonlocal y
        canvas.setFont(CJK_FONT, size)
        for line in _wrap(text, size, text_width):
            y -= size * gap
            canvas.drawCentredString(width / 2, y, line)

    lines(congress.name, 16)
    lines(station.name, 30)
    y -= 6 * mm
    lines(_("扫一扫，给人大代表留言"), 20)
    qr_size = 110 * mm
    y -= 8 * mm + qr_size
    _draw_qr(canvas, url, (width - qr_size) / 2, y, qr_size)
    y -= 4 * mm
    for label, value in (
        (_("地址"), station.address),
        (_("接待时间"), station.reception_days),
        (_("联系电话"), station.contact_phone),
    ):
        if value:
            lines(f"{label}：{value}", 14)
    y -= 4 * mm
    lines(url, 10)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
