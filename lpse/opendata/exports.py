"""CSV and Excel exports of the public tender list, with the list's own filters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.core.calendar import to_wib
from lpse.tenders import selectors as tender_selectors
from lpse.tenders.models import Tender
from lpse.tenders.stages import StageCode


def headers() -> list[str]:
    return [_("Code"), _("Name"), _("Agency"), pgettext("tenders", "Category"),
            _("Fiscal year"), _("HPS (Rp)"), _("Status"), _("Stage now"),
            pgettext("opendata", "Published"),
            _("Upload deadline"), "ocid", _("Announcement page")]


def tenders_for_export(params: Mapping[str, Any], sort: str) -> Any:
    """The public list's query (same filters and sort), all pages."""
    now = timezone.now()
    qs = tender_selectors.public_tender_filter(params, now)
    field, descending = tender_selectors.SORTS.get(sort, tender_selectors.SORTS["newest"])
    prefix = "-" if descending else ""
    return qs.select_related("agency", "category").prefetch_related("stages").order_by(
        f"{prefix}{field}", f"{prefix}pk")


def _moment(value: Any) -> str:
    return to_wib(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(params: Mapping[str, Any], sort: str, limit: int | None = None
         ) -> Iterator[list[Any]]:
    from lpse.opendata import ocds

    now = timezone.now()
    qs = tenders_for_export(params, sort)
    if limit is not None:
        qs = qs[:limit]
    for tender in qs.iterator(chunk_size=500):
        stage = tender.current_stage(now) if tender.status == Tender.Status.PUBLISHED else None
        yield [tender.code, tender.name, tender.agency.name, tender.category.name,
               tender.fiscal_year, tender.owner_estimate, str(Tender.Status(tender.status).label),
               str(StageCode(stage).label) if stage else "", _moment(tender.published_at),
               _moment(tender.upload_ends_at), ocds.ocid_for(tender.code),
               f"{settings.SITE_URL}/tenders/{tender.code}/"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(params: Mapping[str, Any], sort: str) -> Iterator[str]:
    """CSV lines, streamed (UTF-8 with BOM so spreadsheet programs read the accents)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for row in rows(params, sort):
        yield writer.writerow(row)


def xlsx_bytes(params: Mapping[str, Any], sort: str) -> bytes:
    """An Excel workbook (write-only mode: rows are not kept in memory as cells)."""
    from openpyxl import Workbook

    limit = int(settings.OPENDATA_XLSX_MAX_ROWS)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Tenders"))
    sheet.append(headers())
    for row in rows(params, sort, limit=limit):
        row[5] = float(row[5])  # HPS as a number the spreadsheet can add up
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
