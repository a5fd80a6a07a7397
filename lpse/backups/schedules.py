from django.conf import settings

from lpse.backups import jobs
from lpse.core.scheduler import register


def _cron(time_of_day: str, rest: str = "* * *") -> str:
    hour, minute = (int(part) for part in time_of_day.split(":", 1))
    return f"{minute} {hour} {rest}"


register("backups.daily", _cron(settings.BACKUP_TIME), jobs.scheduled_backup,
         description="Back up the database and the stored files every day (BACKUP_TIME, WIB).")
register("backups.freshness", "5 * * * *", jobs.freshness_check,
         description="Alert when the newest verified backup is older than BACKUP_MAX_AGE_HOURS.")
register("backups.drill", _cron(settings.BACKUP_DRILL_TIME, f"{settings.BACKUP_DRILL_DAY} * *"),
         jobs.monthly_drill,
         description="Restore drill of the newest archive every month (BACKUP_DRILL_DAY).")
