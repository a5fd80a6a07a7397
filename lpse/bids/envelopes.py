"""Envelopes: one for one-file methods; two (administrative/technical, then price) for the
two-file and two-stage methods, each sealed to its own tender key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from lpse.tenders.models import Tender


def envelope_count(tender: Tender) -> int:
    return 2 if tender.file_method.envelope_count >= 2 else 1


def price_envelope(tender: Tender) -> int:
    """The envelope holding the offer price (the last one)."""
    return envelope_count(tender)


def envelope_label(tender: Tender, envelope: int) -> str:
    if envelope_count(tender) == 1:
        return _("Bid (administrative, technical and price)")
    if envelope == 1:
        return _("Envelope I: administrative and technical")
    return _("Envelope II: price")
