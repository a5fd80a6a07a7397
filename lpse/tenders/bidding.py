"""The seam between tenders and sealed bids (lpse.bids).

Evaluation needs, once bids are opened, the bidders and their offer prices; an addendum
during the upload stage needs to know who has already submitted. Both come from the active
`BidSource`. Until the sealed-bids module registers its own source
(`register_bid_source(...)` in its AppConfig.ready()), the INTERIM source below is used: the
committee types each participant's offer price at the opening (`OfferRecord`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.utils import timezone

from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.tenders.models import Tender


@dataclass(frozen=True)
class OpenedOffer:
    """One opened bid: which participant, and the offer price read from it."""

    participant_id: int
    amount: Decimal


@runtime_checkable
class BidSource(Protocol):
    #: True when offers are typed in by the committee (the interim source); the opening
    #: page shows the offer form only then.
    manual_entry: bool

    def is_opened(self, tender: Tender) -> bool:
        """True once the bids of `tender` have been opened."""
        ...

    def opened_offers(self, tender: Tender) -> list[OpenedOffer]:
        """The opened bids (empty before the opening)."""
        ...

    def submitted_participant_ids(self, tender: Tender) -> set[int]:
        """Participants who have submitted a bid so far (told about addenda)."""
        ...


class InterimOfferSource:
    """INTERIM: offers recorded by the committee at the opening (model `OfferRecord`)."""

    manual_entry = True

    def is_opened(self, tender: Tender) -> bool:
        return tender.stage_started(StageCode.OPENING, timezone.now()) and \
            tender.offer_records.exists()

    def opened_offers(self, tender: Tender) -> list[OpenedOffer]:
        if not tender.stage_started(StageCode.OPENING, timezone.now()):
            return []
        return [OpenedOffer(participant_id=r.participant_id, amount=r.amount)
                for r in tender.offer_records.order_by("pk")]

    def submitted_participant_ids(self, tender: Tender) -> set[int]:
        return set(tender.offer_records.values_list("participant_id", flat=True))


_source: BidSource = InterimOfferSource()


def register_bid_source(source: BidSource) -> None:
    """Replace the interim source (called once by lpse.bids)."""
    global _source
    _source = source


def bid_source() -> BidSource:
    return _source
