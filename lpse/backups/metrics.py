"""The "last verified backup" line of the operations capacity check (lpse.operations.hooks)."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lpse.backups.selectors import backup_health, backup_metric
from lpse.core.templatetags.lpse import wib
from lpse.operations import hooks


def last_verified_backup_reading() -> hooks.MetricReading:
    health = backup_health()
    last = health.last_verified
    if last is None or last.finished_at is None:
        return hooks.MetricReading(text=_("No verified backup yet."), level=hooks.CRITICAL,
                                   detail=backup_metric())
    level = hooks.WARNING if health.last_run_failed or last.status == "partial" else hooks.OK
    return hooks.MetricReading(
        text=_("%(archive)s (%(size)s), %(when)s") % {
            "archive": last.archive_name, "size": filesizeformat(last.archive_size or 0),
            "when": wib(last.finished_at)},
        at=last.finished_at, level=level, detail=backup_metric(),
    )


def register() -> None:
    hooks.register_metric_provider(hooks.LAST_VERIFIED_BACKUP, last_verified_backup_reading,
                                   label=_("Last verified backup"))
