from lpse.core.scheduler import register
from lpse.operations import jobs

register("operations.capacity_check", "0 6 * * *", jobs.capacity_check,
         description="Daily capacity check at 06:00 WIB (disks, memory, database, growth, "
                     "queue, backup); alerts when a threshold is crossed.")
register("operations.monitor", "*/5 * * * *", jobs.monitor,
         description="Every 5 minutes: self-probe of the public site, health, database watch, "
                     "security events.")
register("operations.open_checklists", "5 0 * * *", jobs.open_checklists,
         description="Opens the daily (and weekly) Lampiran 5 checklist at 00:05 WIB.")
