from lpse.bids.models.bids import Bid, BidFile, BidSegment, Receipt, TechnicalResult, UploadAttempt
from lpse.bids.models.cases import UnopenableCase
from lpse.bids.models.keys import KeyShare, MemberKey, Opening, OpeningUnlock, TenderKey

__all__ = [
    "Bid",
    "BidFile",
    "BidSegment",
    "KeyShare",
    "MemberKey",
    "Opening",
    "OpeningUnlock",
    "Receipt",
    "TechnicalResult",
    "TenderKey",
    "UnopenableCase",
    "UploadAttempt",
]
