from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "lpse.bids"
    label = "bids"
    verbose_name = _("Bids")

    def ready(self) -> None:
        from lpse.bids import file_access, operations, pdfs  # noqa: F401  (access rules)
        from lpse.bids.bidsource import SealedBidSource
        from lpse.bids.services.keys import publish_check, tender_keys_on_publish
        from lpse.tenders.bidding import register_bid_source
        from lpse.tenders.hooks import register_publish_callback, register_publish_check

        register_bid_source(SealedBidSource())
        register_publish_check(publish_check)
        register_publish_callback(tender_keys_on_publish)
        operations.register()

        from lpse.backups.drills import register_drill_check
        from lpse.bids import drill

        register_drill_check(drill.NAME, drill.sealed_bids_check)
