"""Helpdesk reports: volume by channel, category and requester type; response and
resolution times against the service levels; per period, for charts and CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lpse.core.calendar import WIB, add_working_minutes, to_wib
from lpse.helpdesk import sla
from lpse.helpdesk.models import Ticket


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, tzinfo=WIB),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=WIB))


def tickets_in_period(start: date, end: date) -> QuerySet[Ticket]:
    low, high = period_bounds(start, end)
    return Ticket.objects.filter(received_at__gte=low, received_at__lt=high).exclude(
        status=Ticket.Status.MERGED
    ).order_by("received_at")


@dataclass
class HelpdeskReport:
    start: date
    end: date
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_requester_type: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)
    responded: int = 0
    response_within: int = 0
    #: Not answered yet, first response overdue: counted as late.
    response_overdue: int = 0
    #: Not answered yet, still within the target: not judged yet.
    response_pending: int = 0
    resolved: int = 0
    resolution_within: int = 0
    #: Not resolved yet, resolution overdue: counted as late.
    resolution_overdue: int = 0
    #: Not resolved yet, still within the target: not judged yet.
    resolution_pending: int = 0
    avg_response_minutes: float | None = None
    avg_resolution_minutes: float | None = None
    rated: int = 0
    avg_rating: float | None = None

    def percent(self, part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self) -> float | None:
        """Share of first responses given within target, among the tickets that can be
        judged: the answered ones and the unanswered ones already overdue (late)."""
        return self.percent(self.response_within, self.responded + self.response_overdue)

    @property
    def resolution_rate(self) -> float | None:
        return self.percent(self.resolution_within, self.resolved + self.resolution_overdue)

    def chart_data(self) -> dict[str, Any]:
        def labelled(choices: Any, counts: dict[str, int]) -> dict[str, list[Any]]:
            names = dict(choices)
            return {"labels": [str(names.get(k, k)) for k in counts],
                    "values": list(counts.values())}

        return {
            "channel": labelled(Ticket.Channel.choices, self.by_channel),
            "category": labelled(Ticket.Category.choices, self.by_category),
            "requester_type": labelled(Ticket.RequesterType.choices, self.by_requester_type),
            "day": {"labels": list(self.by_day), "values": list(self.by_day.values())},
        }


def _overdue(due: datetime | None, breached: bool, now: datetime) -> bool:
    return breached or (due is not None and now > due)


def _first_response_due(ticket: Ticket) -> datetime | None:
    """When the first response is (or was) due. An unanswered ticket paused by an earlier
    version (which allowed waiting before any answer) is judged without the pause."""
    if ticket.first_response_due is not None or not ticket.is_paused:
        return ticket.first_response_due
    level = sla.level_of(ticket)
    return add_working_minutes(ticket.received_at, level.first_response + ticket.paused_minutes)


def first_response_overdue(ticket: Ticket, now: datetime) -> bool:
    """Not answered and past its first-response target (or flagged late)."""
    return ticket.first_responded_at is None and _overdue(
        _first_response_due(ticket), ticket.first_response_breached, now)


def resolution_overdue(ticket: Ticket, now: datetime) -> bool:
    """Not resolved and past its resolution target (or flagged late). A paused ticket (the
    requester owes an answer) is not judged until it runs again."""
    return ticket.resolved_at is None and ticket.status in Ticket.OPEN_STATES and _overdue(
        ticket.resolution_due, ticket.resolution_breached, now)


def helpdesk_report(start: date, end: date, *, now: datetime | None = None
                    ) -> HelpdeskReport:
    now = now or timezone.now()
    report = HelpdeskReport(start=start, end=end)
    tickets = list(tickets_in_period(start, end))
    report.total = len(tickets)
    report.by_channel = dict(Counter(t.channel for t in tickets).most_common())
    report.by_category = dict(Counter(t.category for t in tickets).most_common())
    report.by_requester_type = dict(Counter(t.requester_type for t in tickets).most_common())
    report.by_status = dict(Counter(t.status for t in tickets).most_common())
    day = start
    days: dict[str, int] = {}
    while day <= end:
        days[day.isoformat()] = 0
        day += timedelta(days=1)
    for ticket in tickets:
        key = to_wib(ticket.received_at).date().isoformat()
        days[key] = days.get(key, 0) + 1
    report.by_day = days
    response_times, resolution_times, ratings = [], [], []
    for ticket in tickets:
        minutes = sla.first_response_minutes(ticket)
        if minutes is not None:
            response_times.append(minutes)
            report.response_within += not ticket.first_response_breached
        elif first_response_overdue(ticket, now):
            report.response_overdue += 1
        elif ticket.first_responded_at is None:
            report.response_pending += 1
        minutes = sla.resolution_minutes(ticket)
        if minutes is not None:
            resolution_times.append(minutes)
            report.resolution_within += not ticket.resolution_breached
        elif resolution_overdue(ticket, now):
            report.resolution_overdue += 1
        elif ticket.resolved_at is None and ticket.status in Ticket.OPEN_STATES:
            report.resolution_pending += 1
        if ticket.rating:
            ratings.append(ticket.rating)
    report.responded, report.resolved, report.rated = (
        len(response_times), len(resolution_times), len(ratings))
    if response_times:
        report.avg_response_minutes = round(sum(response_times) / len(response_times), 1)
    if resolution_times:
        report.avg_resolution_minutes = round(sum(resolution_times) / len(resolution_times), 1)
    if ratings:
        report.avg_rating = round(sum(ratings) / len(ratings), 2)
    return report


CSV_HEADER = ["number", "received_at_wib", "channel", "requester_type", "category",
              "priority", "status", "first_response_working_minutes",
              "resolution_working_minutes", "paused_working_minutes",
              "first_response_late", "update_late", "resolution_late",
              "escalated_to_head", "rating"]


def helpdesk_csv(start: date, end: date, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for ticket in tickets_in_period(start, end):
        writer.writerow([
            ticket.number, to_wib(ticket.received_at).strftime("%Y-%m-%d %H:%M"),
            ticket.channel, ticket.requester_type, ticket.category, ticket.priority,
            ticket.status, sla.first_response_minutes(ticket),
            sla.resolution_minutes(ticket), ticket.paused_minutes,
            int(ticket.first_response_breached or first_response_overdue(ticket, now)),
            int(ticket.update_breached),
            int(ticket.resolution_breached or resolution_overdue(ticket, now)),
            int(ticket.escalated_to_head_at is not None),
            ticket.rating or "",
        ])
    return buffer.getvalue()
