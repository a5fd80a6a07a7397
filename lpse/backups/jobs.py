"""Background and periodic work of the backups app (run by the task worker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.tasks import task

from lpse.backups import destinations, keys, services
from lpse.backups.models import BackupRun


@task()
def backup_now(*, actor_id: int | None = None) -> dict[str, Any]:
    """A backup asked for on the backups page."""
    from lpse.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        run = services.backup_run(actor=actor, trigger=BackupRun.Trigger.MANUAL)
    except services.BackupBusy:
        return {"status": "busy"}
    return {"id": run.pk, "status": run.status}


@task()
def scheduled_backup() -> dict[str, Any]:
    """The daily backup (BACKUP_TIME, WIB)."""
    try:
        run = services.backup_run(actor=None, trigger=BackupRun.Trigger.SCHEDULED)
    except services.BackupBusy:
        return {"status": "busy"}
    return {"id": run.pk, "status": run.status}


@task()
def freshness_check() -> dict[str, Any]:
    """Hourly: alert when the newest verified backup is older than BACKUP_MAX_AGE_HOURS."""
    alert = services.freshness_check()
    return {"alerted": alert is not None}


@task()
def monthly_drill() -> dict[str, Any]:
    """Monthly restore drill of the newest archive on the local destination."""
    local = destinations.local_destination()
    names = local.names()
    if not names:
        return {"status": "no archive"}
    path = Path(local.directory) / names[-1]
    identity_file = settings.BACKUP_DRILL_IDENTITY_FILE
    identities = keys.load_identities(identity_file, prompt=False) if identity_file else None
    drill, _ = services.drill_run(path=path, identities=identities,
                                  trigger=BackupRun.Trigger.SCHEDULED)
    return {"id": drill.pk, "status": drill.status}
