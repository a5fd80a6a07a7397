"""The ReportLab side of `lpse.core.pdf`: imported only when a document is rendered, so that
web workers that never render a PDF do not load ReportLab (~16 MB per process)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from lpse.core.pdf import Issuer

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=10, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
TITLE = ParagraphStyle(
    "title", parent=_styles["Title"], fontSize=13, leading=16, spaceAfter=2, alignment=TA_CENTER
)
NUMBER = ParagraphStyle("number", parent=BODY, alignment=TA_CENTER, spaceAfter=10)
HEAD_1 = ParagraphStyle("head1", parent=BODY, fontName="Helvetica-Bold", fontSize=12,
                        alignment=TA_CENTER, leading=15)
HEAD_2 = ParagraphStyle("head2", parent=BODY, fontName="Helvetica-Bold", fontSize=14,
                        alignment=TA_CENTER, leading=17)
HEAD_3 = ParagraphStyle("head3", parent=SMALL, alignment=TA_CENTER)
SECTION = ParagraphStyle("section", parent=BODY, fontName="Helvetica-Bold", spaceBefore=8,
                         keepWithNext=1)


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)



def _paragraph(story: list[Flowable], text: str) -> None:
    story.append(_p(text))
    story.append(Spacer(1, 3 * mm))


def _section(story: list[Flowable], text: str) -> None:
    story.append(_p(text, SECTION))


def _key_values(story: list[Flowable], rows: Sequence[tuple[str, object]]) -> None:
    data = [[_p(k), _p(":"), _p(v if v not in (None, "") else "-")] for k, v in rows]
    table = Table(data, colWidths=[55 * mm, 5 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 1),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    story.append(table)
    story.append(Spacer(1, 3 * mm))


def _table(story: list[Flowable], header: Sequence[str], rows: Sequence[Sequence[object]],
           col_widths: Sequence[float | None] | None = None) -> None:
    data = [[_p(h, SMALL) for h in header]]
    data += [[_p(cell if cell not in (None, "") else "-", SMALL) for cell in row]
             for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    story.append(Spacer(1, 4 * mm))


def _signatures(story: list[Flowable], signers: Sequence[tuple[str, str, str]],
                place_date: str = "") -> None:
    cells = []
    for role, name, ident in signers:
        cells.append([
            _p(role, HEAD_3), Spacer(1, 18 * mm), Paragraph(f"<u>{escape(name)}</u>", HEAD_3),
            _p(ident, HEAD_3),
        ])
    block: list[Flowable] = []
    # The closing paragraph goes with the signatures: a page that holds only signatures
    # does not read as part of the document.
    tail: list[Flowable] = []
    while story and isinstance(story[-1], Spacer):
        tail.insert(0, story.pop())
    if story and isinstance(story[-1], Paragraph):
        tail.insert(0, story.pop())
    block.extend(tail)
    if place_date:
        block.append(_p(place_date))
    row = [[Table([[c] for c in cell]) for cell in cells]]
    block.append(Table(row, hAlign="CENTER"))
    story.append(KeepTogether(block))


def _spacer(story: list[Flowable], height_mm: float = 4) -> None:
    story.append(Spacer(1, height_mm * mm))


_BLOCKS: dict[str, Callable[..., None]] = {
    "paragraph": _paragraph, "section": _section, "key_values": _key_values,
    "table": _table, "signatures": _signatures, "spacer": _spacer,
}


def _letterhead(issuer: Issuer) -> list[Flowable]:
    contact = [issuer.address, f"{_('Phone')} {issuer.phone}" if issuer.phone else "",
               issuer.email]
    lines: list[Flowable] = [
        _p(issuer.parent.upper(), HEAD_1),
        _p(issuer.name.upper(), HEAD_2),
    ]
    if any(contact):
        lines.append(_p(" · ".join(c for c in contact if c), HEAD_3))
    logo_path = Path(settings.LPSE_LOGO_PATH)
    if issuer.logo and logo_path.is_file():
        logo = Image(str(logo_path), width=20 * mm, height=20 * mm)
        head = Table([[logo, lines]], colWidths=[24 * mm, None])
    else:
        head = Table([[lines]])
    head.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 1.5, colors.black),
    ]))
    return [head, Spacer(1, 6 * mm)]


def render(*, title: str, number: str | None, subtitle: str,
           blocks: Sequence[tuple[str, tuple[Any, ...], dict[str, Any]]],
           verify_url: str | None = None, issuer: Issuer | None = None) -> bytes:
    """The PDF of a document described as `blocks` (name, args, kwargs) after the
    letterhead, title, number and subtitle."""
    buffer = io.BytesIO()
    generated = timezone.localtime()

    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        text = _("Page %(page)s · generated %(when)s WIB") % {
            "page": doc.page, "when": generated.strftime("%d-%m-%Y %H:%M"),
        }
        canvas.drawString(20 * mm, 10 * mm, text)
        if verify_url:
            canvas.drawString(20 * mm, 14 * mm, _("Verify: %(url)s") % {"url": verify_url})
            widget = QrCodeWidget(verify_url)
            x0, y0, x1, y1 = widget.getBounds()
            size = 18 * mm
            drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0,
                                                     size / (y1 - y0), 0, 0])
            drawing.add(widget)
            drawing.drawOn(canvas, A4[0] - 38 * mm, 6 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
        topMargin=15 * mm, bottomMargin=28 * mm, title=title,
        author=(issuer or Issuer.unit()).name, subject=number or "",
    )
    story = _letterhead(issuer or Issuer.unit())
    story.append(Paragraph(f"<u>{escape(title.upper())}</u>", TITLE))
    if number:
        story.append(_p(_("Number: %(number)s") % {"number": number}, NUMBER))
    if subtitle:
        story.append(_p(subtitle, NUMBER))
    for name, args, kwargs in blocks:
        _BLOCKS[name](story, *args, **kwargs)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
