"""Periodic jobs with exactly one active scheduler, even across several machines.

Apps register jobs in their `schedules.py`:

    from lpse.core.scheduler import register
    register("audit.chain_check", "30 1 * * *", chain_check_task)   # 01:30 WIB daily

`python manage.py run_scheduler` runs a loop. Leadership is a lease row in the database,
taken with one conditional UPDATE (atomic on PostgreSQL and SQLite) and renewed by the
holder; another scheduler takes over only once the lease has expired. Each due slot of a
job is claimed by inserting a unique (job, slot) row in the same transaction that enqueues
the task, so a slot is enqueued exactly once even during a hand-over.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone

from lpse.core.calendar import WIB
from lpse.core.models import ScheduledRun, SchedulerLease

logger = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    task: Task[Any, Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def previous_slot(self, now: datetime) -> datetime:
        """The most recent due time at or before `now` (cron evaluated in WIB)."""
        local = timezone.localtime(now, WIB)
        itr = croniter(self.cron, local + timedelta(microseconds=1))
        slot: datetime = itr.get_prev(datetime)
        return slot

    def next_slot(self, now: datetime) -> datetime:
        itr = croniter(self.cron, timezone.localtime(now, WIB))
        slot: datetime = itr.get_next(datetime)
        return slot


_jobs: dict[str, Job] = {}


def register(
    name: str, cron: str, task: Task[Any, Any], description: str = "", **kwargs: Any
) -> Job:
    if not croniter.is_valid(cron):
        raise ValueError(f"Invalid cron expression for {name}: {cron!r}")
    job = Job(name=name, cron=cron, task=task, kwargs=kwargs, description=description)
    _jobs[name] = job
    return job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(holder: str, now: datetime | None = None) -> bool:
    """Take or renew the lease; True when `holder` is the leader afterwards."""
    now = now or timezone.now()
    expires = now + timedelta(seconds=settings.SCHEDULER_LEASE_SECONDS)
    with transaction.atomic():
        renewed = SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).update(
            expires_at=expires
        )
        if renewed:
            return True
        taken = SchedulerLease.objects.filter(
            Q(name=LEASE_NAME) & Q(expires_at__lt=now)
        ).update(holder=holder, expires_at=expires, acquired_at=now)
        if taken:
            logger.info("Scheduler %s took over the lease", holder)
            return True
    try:
        with transaction.atomic():
            SchedulerLease.objects.create(
                name=LEASE_NAME, holder=holder, expires_at=expires, acquired_at=now
            )
    except IntegrityError:
        return False
    logger.info("Scheduler %s acquired the lease", holder)
    return True


def release_lease(holder: str) -> None:
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).delete()


def current_leader(now: datetime | None = None) -> SchedulerLease | None:
    now = now or timezone.now()
    return SchedulerLease.objects.filter(name=LEASE_NAME, expires_at__gte=now).first()


def enqueue_due(holder: str, now: datetime | None = None) -> list[ScheduledRun]:
    """Enqueue the latest due slot of every job that has not been enqueued yet.

    Missed slots during downtime collapse into one run (the latest), never a flood.
    """
    now = now or timezone.now()
    created: list[ScheduledRun] = []
    for job in jobs():
        slot = job.previous_slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(
                    job=job.name, slot=slot, enqueued_at=now, holder=holder
                )
                result = job.task.enqueue(**job.kwargs)
                run.task_result_id = str(result.id)[:64]
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue
        created.append(run)
        logger.info("Enqueued %s for %s", job.name, slot.isoformat())
    return created


def prime(holder: str, now: datetime | None = None) -> None:
    """On a fresh installation, mark the current slots as done so nothing runs at start."""
    now = now or timezone.now()
    for job in jobs():
        if not ScheduledRun.objects.filter(job=job.name).exists():
            try:
                with transaction.atomic():
                    ScheduledRun.objects.create(
                        job=job.name, slot=job.previous_slot(now), enqueued_at=now,
                        holder=holder, task_result_id="primed",
                    )
            except IntegrityError:
                pass
