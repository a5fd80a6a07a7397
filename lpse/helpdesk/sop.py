"""Step timings of the helpdesk procedure (Lampiran II 2.2) for the operations SOP report.

Registered from HelpdeskConfig.ready(). The standard of all three steps is "in and out of
working hours", so the report lists the cases without judging them.
"""

from __future__ import annotations

from django.urls import reverse

from lpse.helpdesk.models import Ticket, TicketEvent
from lpse.operations.hooks import Period, StepCase, register_sop_source

STAFF_CHANNELS = (Ticket.Channel.PHONE, Ticket.Channel.WALK_IN)
ONLINE_CHANNELS = (Ticket.Channel.WEB_PUBLIC, Ticket.Channel.WEB_ACCOUNT, Ticket.Channel.EMAIL)


def _first_replies(period: Period, channels: tuple[str, ...] | None) -> list[StepCase]:
    tickets = Ticket.objects.filter(first_responded_at__gte=period.start,
                                    first_responded_at__lt=period.end)
    if channels is not None:
        tickets = tickets.filter(channel__in=channels)
    replies = {
        event.ticket_id: event for event in TicketEvent.objects.filter(
            ticket__in=tickets, action=TicketEvent.Action.REPLIED
        ).select_related("actor").order_by("-at")
    }
    cases = []
    for ticket in tickets:
        reply = replies.get(ticket.pk)
        assert ticket.first_responded_at is not None
        cases.append(StepCase(
            reference=ticket.number, started_at=ticket.received_at,
            finished_at=ticket.first_responded_at,
            actor=reply.actor.username if reply is not None and reply.actor else "",
            url=reverse("helpdesk:desk_ticket", args=[ticket.pk])))
    return cases


def answers(period: Period) -> list[StepCase]:
    """Step 1: every request answered (receipt → first answer)."""
    return _first_replies(period, None)


def requests_captured(period: Period) -> list[StepCase]:
    """Step 2: phone and walk-in requests recorded (receipt → recorded by the officer)."""
    events = TicketEvent.objects.filter(
        action=TicketEvent.Action.CREATED, at__gte=period.start, at__lt=period.end,
        ticket__channel__in=STAFF_CHANNELS).select_related("ticket", "actor")
    return [StepCase(reference=e.ticket.number, started_at=e.ticket.received_at,
                     finished_at=e.at, actor=e.actor.username if e.actor else "",
                     url=reverse("helpdesk:desk_ticket", args=[e.ticket_id]))
            for e in events]


def online_answers(period: Period) -> list[StepCase]:
    """Step 3: requests from the website and e-mail answered."""
    return _first_replies(period, ONLINE_CHANNELS)


def register() -> None:
    register_sop_source("2.2", "1", answers)
    register_sop_source("2.2", "2", requests_captured)
    register_sop_source("2.2", "3", online_answers)
