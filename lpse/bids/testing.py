"""For other modules' tests: run without the sealed-bid hooks (the tenders tests exercise the
tender procedures with the interim, typed-in offers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lpse.tenders import bidding, hooks


@contextmanager
def without_sealed_bids() -> Iterator[None]:
    from lpse.bids.services.keys import publish_check, tender_keys_on_publish

    previous = bidding.bid_source()
    bidding.register_bid_source(bidding.InterimOfferSource())
    hooks.unregister(publish_check)
    hooks.unregister(tender_keys_on_publish)
    try:
        yield
    finally:
        hooks.register_publish_check(publish_check)
        hooks.register_publish_callback(tender_keys_on_publish)
        bidding.register_bid_source(previous)
