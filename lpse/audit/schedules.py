from lpse.audit.jobs import chain_check
from lpse.core.scheduler import register

register("audit.chain_check", "15 1 * * *", chain_check,
         description="Verify the audit chain every night at 01:15 WIB.")
