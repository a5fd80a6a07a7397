"""Demo data: thirty days of monitoring samples, a scheduled maintenance window, this week's
checklists and the SOP documents."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.utils import timezone

from lpse.core.demodata import DemoContext
from lpse.operations import monitoring
from lpse.operations.models import MaintenanceWindow, MetricSample, ProbeResult
from lpse.operations.services import (
    capacity_check_run,
    checklist_open,
    maintenance_schedule,
    probe_url,
    sop_documents_seed,
)

ORDER = 90


def _samples(now: datetime) -> None:
    if MetricSample.objects.filter(taken_at__lt=now - timedelta(days=1)).exists():
        return
    disks = [f"disk.{name}" for name, _path in monitoring.storage_locations()]
    # The growth series end at what is really there now, so that the capacity check's
    # growth ("in a day", "in a week") is the small positive growth of a working portal —
    # never a shrinking database because the made-up history was larger than the demo.
    users = monitoring.user_count()
    db_size = monitoring.database_size()
    data_bytes = db_size + monitoring.stored_files_bytes()
    rows = []
    for day in range(30, 0, -1):
        at = now - timedelta(days=day)
        wave = math.sin(day / 4)
        for key in disks:
            rows.append(MetricSample(metric=key, value=round(41 + 0.2 * (30 - day), 1),
                                     taken_at=at))
        rows += [
            MetricSample(metric="memory", value=round(55 + 8 * wave, 1), taken_at=at),
            MetricSample(metric="database.size", value=round(db_size * (1 - 0.012 * day)),
                         taken_at=at),
            MetricSample(metric="data_bytes", value=round(data_bytes * (1 - 0.015 * day)),
                         taken_at=at),
            MetricSample(metric="users", value=max(0, users - (day + 2) // 3), taken_at=at),
            MetricSample(metric="queue.depth", value=max(0, round(3 * wave)), taken_at=at),
            MetricSample(metric="availability", value=1.0 if day != 12 else 0.97, taken_at=at),
            MetricSample(metric="response_ms", value=round(180 + 40 * wave), taken_at=at),
        ]
    MetricSample.objects.bulk_create(rows)
    ProbeResult.objects.create(checked_at=now - timedelta(minutes=3),
                               url=probe_url(), ok=True, status_code=200, response_ms=172)


def seed(context: DemoContext) -> None:
    now = timezone.now()
    sop_documents_seed()
    _samples(now)
    capacity_check_run()
    admin = context.users.get("sysadmin")
    if admin is not None and not MaintenanceWindow.objects.exists():
        start = (now + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
        maintenance_schedule(
            actor=admin, title="Pembaruan sistem operasi server SPSE",
            message="Portal tidak dapat diakses selama pembaruan sistem operasi server.",
            starts_at=start, ends_at=start + timedelta(hours=2),
        )
    checklist_open(frequency="daily")
    checklist_open(frequency="weekly")
