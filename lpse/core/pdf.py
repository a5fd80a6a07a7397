"""PDF letters and minutes (berita acara) with the unit's letterhead, built with ReportLab
(`lpse.core.pdf_reportlab`, imported only when a document is rendered).

Usage:
    doc = PdfDocument(title=_("Berita Acara ..."), number="027/0001/LPSE/XI/2026")
    doc.paragraph("...")
    doc.key_values([(_("Tender"), tender.name), ...])
    doc.table([_("No"), _("Bidder")], rows)
    doc.signatures([(_("Verifier"), name, nip)])
    pdf_bytes = doc.render(verify_url=...)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import formats


def format_date_id(day: date) -> str:
    """A date as written in letters, in the active language (e.g. 25 November 2026)."""
    return formats.date_format(day, "j F Y")


class PdfDocument:
    """A letter or minutes being composed: the blocks are recorded, and laid out by
    ReportLab only in `render()`."""

    def __init__(self, *, title: str, number: str | None = None, subtitle: str = "") -> None:
        self.title = title
        self.number = number
        self.subtitle = subtitle
        self.blocks: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def _add(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.blocks.append((name, args, kwargs))

    def paragraph(self, text: str) -> None:
        self._add("paragraph", text)

    def section(self, text: str) -> None:
        self._add("section", text)

    def key_values(self, rows: Sequence[tuple[str, object]]) -> None:
        self._add("key_values", list(rows))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]],
              col_widths: Sequence[float | None] | None = None) -> None:
        self._add("table", list(header), [list(r) for r in rows], col_widths)

    def signatures(self, signers: Sequence[tuple[str, str, str]], place_date: str = "") -> None:
        """Signature blocks: (role, name, NIP or other identifier)."""
        self._add("signatures", list(signers), place_date)

    def spacer(self, height_mm: float = 4) -> None:
        self._add("spacer", height_mm)

    def render(self, *, verify_url: str | None = None) -> bytes:
        from lpse.core import pdf_reportlab

        return pdf_reportlab.render(title=self.title, number=self.number,
                                    subtitle=self.subtitle, blocks=self.blocks,
                                    verify_url=verify_url)
