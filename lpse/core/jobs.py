"""Periodic tasks of the core app."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task()
def heartbeat() -> str:
    """Run by a worker every minute; its finished result proves a worker is alive
    (the task results table is what operations' health check reads)."""
    return timezone.now().isoformat()


@task()
def held_uploads_sweep() -> int:
    """Remove files held for a form nobody came back to (lpse.core.held_uploads)."""
    from lpse.core.held_uploads import held_uploads_sweep as sweep

    return sweep()
