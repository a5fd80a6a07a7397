"""The OCDS scenarios drive tenders through their real services with the interim, typed-in
offers, as the tenders tests do (publication of sealed bids is tested in test_privacy through
the same services)."""

from lpse.tenders.tests.conftest import _catalog_master_data, _interim_offers, clock

__all__ = ["_catalog_master_data", "_interim_offers", "clock"]
