"""Service levels of the helpdesk, on the working-day calendar.

Each priority has three targets in working minutes (service hours on working days, see
lpse.core.calendar): the first response, each later update while the ticket is open, and
the resolution, set by the head of the unit (ServiceLevelPolicy). The clock pauses while
the desk waits for the requester: the working minutes of the pause are added to the
targets, so a pause never counts against the desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lpse.core.calendar import (
    add_working_minutes,
    service_minutes_per_day,
    working_minutes_between,
)
from lpse.helpdesk.models import ServiceLevelPolicy, Ticket


@dataclass(frozen=True)
class ServiceLevel:
    first_response: int
    update: int
    resolution: int


#: The defaults, in working minutes per priority (one working day is 09:00–15:00, 360
#: minutes); the unit's own levels are ServiceLevelPolicy rows (seeded with these, edited
#: by the head of the unit on the service-levels page).
DEFAULT_SERVICE_LEVELS: dict[str, ServiceLevel] = {
    Ticket.Priority.URGENT: ServiceLevel(first_response=30, update=120, resolution=360),
    Ticket.Priority.HIGH: ServiceLevel(first_response=60, update=240, resolution=720),
    Ticket.Priority.NORMAL: ServiceLevel(first_response=120, update=360, resolution=1080),
    Ticket.Priority.LOW: ServiceLevel(first_response=240, update=720, resolution=1800),
}


#: No level may exceed this many working days.
MAX_WORKING_DAYS = 30


def max_minutes() -> int:
    return MAX_WORKING_DAYS * service_minutes_per_day()


def _level(row: ServiceLevelPolicy) -> ServiceLevel:
    return ServiceLevel(first_response=row.first_response_minutes, update=row.update_minutes,
                        resolution=row.resolution_minutes)


def service_levels(rows: Iterable[ServiceLevelPolicy] | None = None) -> dict[str, ServiceLevel]:
    """The levels in force, per priority (a priority without a row keeps its default);
    from `rows` when given (e.g. rows the caller has locked)."""
    levels = dict(DEFAULT_SERVICE_LEVELS)
    for row in ServiceLevelPolicy.objects.all() if rows is None else rows:
        levels[row.priority] = _level(row)
    return levels


def level_of(ticket: Ticket) -> ServiceLevel:
    row = ServiceLevelPolicy.objects.filter(priority=ticket.priority).first()
    return DEFAULT_SERVICE_LEVELS[ticket.priority] if row is None else _level(row)


def recompute(ticket: Ticket, *, last_update: datetime | None = None) -> None:
    """Set the due times of `ticket` from its priority, pauses and state (no save).

    While paused or finished, nothing is due. `last_update` (a reply to the requester)
    restarts the update clock.
    """
    level = level_of(ticket)
    if ticket.is_paused or ticket.status not in Ticket.ACTIVE_STATES:
        ticket.first_response_due = ticket.update_due = ticket.resolution_due = None
        return
    ticket.first_response_due = (
        None if ticket.first_responded_at else
        add_working_minutes(ticket.received_at, level.first_response + ticket.paused_minutes)
    )
    ticket.resolution_due = add_working_minutes(
        ticket.received_at, level.resolution + ticket.paused_minutes
    )
    if last_update is not None:
        ticket.update_due = add_working_minutes(last_update, level.update)
    elif ticket.first_responded_at and ticket.update_due is None:
        ticket.update_due = add_working_minutes(ticket.first_responded_at, level.update)


def pause(ticket: Ticket, *, now: datetime) -> None:
    if ticket.paused_since is None:
        ticket.paused_since = now
    recompute(ticket)


def resume(ticket: Ticket, *, now: datetime) -> int:
    """End a pause; returns the working minutes it lasted."""
    if ticket.paused_since is None:
        return 0
    minutes = working_minutes_between(ticket.paused_since, now)
    ticket.paused_minutes += minutes
    ticket.paused_since = None
    recompute(ticket, last_update=now if ticket.first_responded_at else None)
    return minutes


def breaches_due(ticket: Ticket, *, now: datetime) -> list[str]:
    """Service levels of `ticket` that are overdue at `now` and not flagged yet."""
    if ticket.is_paused or ticket.status not in Ticket.ACTIVE_STATES:
        return []
    found = []
    if (not ticket.first_response_breached and ticket.first_responded_at is None
            and ticket.first_response_due and now > ticket.first_response_due):
        found.append("first_response")
    if (not ticket.update_breached and ticket.first_responded_at is not None
            and ticket.update_due and now > ticket.update_due):
        found.append("update")
    if not ticket.resolution_breached and ticket.resolution_due and now > ticket.resolution_due:
        found.append("resolution")
    return found


def first_response_minutes(ticket: Ticket) -> int | None:
    """Working minutes from receipt to the first response (pauses excluded)."""
    if ticket.first_responded_at is None:
        return None
    return working_minutes_between(ticket.received_at, ticket.first_responded_at)


def resolution_minutes(ticket: Ticket) -> int | None:
    """Working minutes from receipt to resolution, minus the paused working minutes."""
    if ticket.resolved_at is None:
        return None
    return max(0, working_minutes_between(ticket.received_at, ticket.resolved_at)
               - ticket.paused_minutes)
