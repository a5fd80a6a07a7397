"""Background work of the helpdesk (run by the scheduler, see schedules.py)."""

from __future__ import annotations

from django.tasks import task

from lpse.helpdesk.services import sla_check, tickets_autoclose


@task()
def sla_check_task() -> int:
    """Flag service-level breaches and escalate newly breached tickets to the head."""
    return len(sla_check())


@task()
def autoclose_task() -> int:
    return tickets_autoclose()
