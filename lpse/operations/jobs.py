"""Periodic work of the operations app (schedules.py says when)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from lpse.operations import services
from lpse.operations.models import ChecklistRun


@task()
def capacity_check() -> dict[str, Any]:
    """Daily capacity check (Pasal 12 a): samples for the charts, alerts when crossed."""
    report = services.capacity_check_run()
    return {"level": report["level"], "checks": len(report["checks"])}


@task()
def monitor() -> dict[str, Any]:
    """Every five minutes: self-probe of the public site, health, database, security, a
    maintenance window running past its end."""
    probe = services.probe_run()
    health = services.health_watch()
    watch = services.database_watch_run()
    counts = services.security_scan()
    overrun = services.maintenance_watch()
    return {"site_up": probe.ok, "health": health["status"],
            "hanging": len(watch.get("hanging", [])), "security": counts,
            "maintenance_overrun": overrun}


@task()
def open_checklists() -> list[int]:
    """Open today's daily checklist (and this week's weekly one) with automatic items."""
    runs = [services.checklist_open(frequency=ChecklistRun.Frequency.DAILY),
            services.checklist_open(frequency=ChecklistRun.Frequency.WEEKLY)]
    return [run.pk for run in runs]
