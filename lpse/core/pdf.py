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
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.utils import formats


class _AgencyLike(Protocol):
    code: str
    name: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class Issuer:
    """Whose letter it is: the letterhead printed on it and the unit code in its number.
    The LPSE's own documents carry the unit's letterhead; an agency's (the PPK's SPPBJ, its
    committee's minutes) the agency's, under the regional government."""

    parent: str
    name: str
    address: str
    phone: str
    email: str
    unit_code: str
    #: The unit's logo (LPSE_LOGO_PATH) is printed on the unit's own letters only.
    logo: bool = True

    @classmethod
    def unit(cls) -> Issuer:
        return cls(parent=settings.LPSE_UNIT_PARENT, name=settings.LPSE_UNIT_NAME,
                   address=settings.LPSE_UNIT_ADDRESS, phone=settings.LPSE_UNIT_PHONE,
                   email=settings.LPSE_UNIT_EMAIL, unit_code=settings.LPSE_UNIT_CODE)

    @classmethod
    def agency(cls, agency: _AgencyLike) -> Issuer:
        return cls(parent=settings.LPSE_GOVERNMENT_NAME, name=agency.name,
                   address=agency.address, phone=agency.phone, email=agency.email,
                   unit_code=agency.code, logo=False)


def format_date_id(day: date) -> str:
    """A date as written in letters, in the active language (e.g. 25 November 2026)."""
    return formats.date_format(day, "j F Y")


class PdfDocument:
    """A letter or minutes being composed: the blocks are recorded, and laid out by
    ReportLab only in `render()`."""

    def __init__(self, *, title: str, number: str | None = None, subtitle: str = "",
                 issuer: Issuer | None = None) -> None:
        self.title = title
        self.number = number
        self.subtitle = subtitle
        self.issuer = issuer or Issuer.unit()
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
                                    verify_url=verify_url, issuer=self.issuer)
