"""Issuing the receipt PDF and the minutes of opening (official PDFs, lpse.core.documents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation

from lpse.bids import pdfs
from lpse.bids.models import Bid, Opening, Receipt
from lpse.bids.services.opening import bids_to_open
from lpse.core.documents import document_issue
from lpse.core.pdf import Issuer

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.core.models import IssuedDocument


@transaction.atomic
def receipt_pdf_issue(*, receipt_id: int) -> IssuedDocument:
    """The PDF of a receipt (Bukti Penerimaan Penawaran), in the vendor's language."""
    receipt = Receipt.objects.select_for_update(of=("self",)).select_related(
        "bid", "bid__tender", "bid__participant__vendor__account").get(pk=receipt_id)
    if receipt.pdf is not None:
        return receipt.pdf
    bid = receipt.bid
    with translation.override(bid.participant.vendor.account.preferred_language or "id"):
        document = document_issue(
            letter_type=pdfs.RECEIPT, code=pdfs.LETTER_CODES[pdfs.RECEIPT],
            doc=pdfs.receipt_pdf(bid), filename=f"bukti-penerimaan-{bid.uuid}.pdf",
            issued_by=None, subject=bid, numbered=False)
    receipt.pdf = document
    receipt.save(update_fields=["pdf"])
    return document


def opening_minutes_issue(*, opening: Opening, actor: User | None) -> IssuedDocument:
    """Berita Acara Pembukaan Penawaran of one envelope (inside the caller's transaction)."""
    if opening.minutes is not None:
        return opening.minutes
    tender = opening.tender_key.tender
    envelope = opening.tender_key.envelope
    bids = bids_to_open(tender, envelope)
    not_opened = list(Bid.objects.filter(
        tender=tender, status=Bid.Status.SUBMITTED, technical_result__passed=False
    ).select_related("participant__vendor")) if envelope == 2 else []
    withdrawn = list(Bid.objects.filter(tender=tender, status=Bid.Status.WITHDRAWN)
                     .select_related("participant__vendor")) if envelope == 1 else []
    with translation.override("id"):
        document = document_issue(
            letter_type=pdfs.BA_OPENING, code=pdfs.LETTER_CODES[pdfs.BA_OPENING],
            doc=pdfs.opening_minutes(opening, bids, not_opened, withdrawn),
            filename=f"ba-pembukaan-{tender.code}-{envelope}.pdf", issued_by=actor,
            subject=tender, issuer=Issuer.agency(tender.agency))
    opening.minutes = document
    opening.save(update_fields=["minutes"])
    return document
