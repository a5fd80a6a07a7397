"""Reads of the backup records.

`last_verified_backup()` is what the operations dashboard shows as "last backup"; once the
operations app offers its registry it is wired as

    register_metric_provider("backups.last_verified", backup_metric)

(see docs/apps/backups.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from lpse.accounts.roles import Perm, has_perm
from lpse.backups.models import BackupRun, DrillRun

if TYPE_CHECKING:
    from lpse.accounts.models import User

VERIFIED = (BackupRun.Status.VERIFIED, BackupRun.Status.PARTIAL)


def last_verified_backup() -> BackupRun | None:
    """The newest backup with at least one copy verified after writing."""
    return (BackupRun.objects.filter(status__in=VERIFIED)
            .order_by("-finished_at", "-id").first())


def running_backup() -> BackupRun | None:
    return BackupRun.objects.filter(status=BackupRun.Status.RUNNING).first()


def last_drill() -> DrillRun | None:
    return DrillRun.objects.exclude(status=DrillRun.Status.RUNNING).first()


def backup_runs_visible_to(user: User) -> QuerySet[BackupRun]:
    if not has_perm(user, Perm.VIEW_BACKUPS):
        return BackupRun.objects.none()
    return BackupRun.objects.select_related("started_by").prefetch_related("copies")


def drill_runs_visible_to(user: User) -> QuerySet[DrillRun]:
    if not has_perm(user, Perm.VIEW_BACKUPS):
        return DrillRun.objects.none()
    return DrillRun.objects.all()


@dataclass(frozen=True)
class BackupHealth:
    last_verified: BackupRun | None
    last_run: BackupRun | None
    running: BackupRun | None
    last_drill: DrillRun | None
    max_age: timedelta

    @property
    def age(self) -> timedelta | None:
        if self.last_verified is None or self.last_verified.finished_at is None:
            return None
        return timezone.now() - self.last_verified.finished_at

    @property
    def stale(self) -> bool:
        age = self.age
        return age is None or age > self.max_age

    @property
    def age_hours(self) -> float | None:
        age = self.age
        return None if age is None else round(age.total_seconds() / 3600, 1)

    @property
    def last_run_failed(self) -> bool:
        return self.last_run is not None and self.last_run.status == BackupRun.Status.FAILED


def backup_health() -> BackupHealth:
    return BackupHealth(
        last_verified=last_verified_backup(),
        last_run=BackupRun.objects.exclude(status=BackupRun.Status.RUNNING).first(),
        running=running_backup(),
        last_drill=last_drill(),
        max_age=timedelta(hours=settings.BACKUP_MAX_AGE_HOURS),
    )


def backup_metric() -> dict[str, Any]:
    """The "last backup" metric for the operations dashboard (plain JSON values)."""
    health = backup_health()
    last = health.last_verified
    return {
        "ok": not health.stale and not health.last_run_failed,
        "last_verified_at": last.finished_at.isoformat() if last and last.finished_at else None,
        "age_hours": health.age_hours,
        "max_age_hours": settings.BACKUP_MAX_AGE_HOURS,
        "archive": last.archive_name if last else None,
        "size": last.archive_size if last else None,
        "last_run_status": health.last_run.status if health.last_run else None,
        "last_drill_status": health.last_drill.status if health.last_drill else None,
    }
