from lpse.bids.tasks import drafts_expire
from lpse.core.scheduler import register

register("bids.drafts_expire", "*/15 * * * *", drafts_expire,
         description="Expire bid drafts left at the upload deadline; delete their sealed "
                     "segments; remove spool files left by killed workers.")
