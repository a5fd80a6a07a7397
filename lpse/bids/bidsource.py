"""The sealed-bids implementation of `lpse.tenders.bidding.BidSource` (replaces the interim
source that had the committee type offer prices in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpse.bids.envelopes import price_envelope
from lpse.bids.models import Bid, BidFile, Opening, UnopenableCase
from lpse.tenders.bidding import OpenedOffer

if TYPE_CHECKING:
    from lpse.tenders.models import Tender


def unresolved_files(tender: Tender) -> list[BidFile]:
    """Opened files that failed and have no LPSE statement (witness minutes) yet: the
    committee cannot judge those bids before the LPSE has examined them (Pasal 9 (2))."""
    failed = BidFile.objects.filter(bid__tender=tender, bid__status=Bid.Status.SUBMITTED,
                                    open_status=BidFile.OpenStatus.FAILED).select_related(
        "bid__participant__vendor")
    witnessed = set(UnopenableCase.objects.filter(
        tender=tender, witness_minutes__isnull=False).values_list("files", flat=True))
    return [f for f in failed if f.pk not in witnessed]


class SealedBidSource:
    manual_entry = False

    def is_opened(self, tender: Tender) -> bool:
        """Every envelope opened and checked, and no failed file waiting for the LPSE."""
        done = Opening.objects.filter(tender_key__tender=tender, status=Opening.Status.DONE,
                                      tender_key__envelope=price_envelope(tender)).exists()
        return done and not unresolved_files(tender)

    def opened_offers(self, tender: Tender) -> list[OpenedOffer]:
        if not self.is_opened(tender):
            return []
        bids = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED,
                                  offer_status=Bid.OfferStatus.OPENED,
                                  offer_amount__isnull=False).order_by("submitted_at", "pk")
        return [OpenedOffer(participant_id=b.participant_id, amount=b.offer_amount)
                for b in bids if b.offer_amount is not None]

    def submitted_participant_ids(self, tender: Tender) -> set[int]:
        return set(Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED)
                   .values_list("participant_id", flat=True))
