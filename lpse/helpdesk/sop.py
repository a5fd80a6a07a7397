"""Step timings of the helpdesk procedure (Lampiran II 2.2) and of upload problems
(Lampiran III 3.7) for the operations SOP report.

Registered from HelpdeskConfig.ready(). The standard of all three steps is "in and out of
working hours", so the report lists the cases without judging them.
"""

from __future__ import annotations

from django.urls import reverse

from lpse.helpdesk.models import DiagnosticsRun, Ticket, TicketEvent
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


# --- Upload problems (Lampiran III 3.7) -------------------------------------------------------


def upload_reports(period: Period) -> list[StepCase]:
    """3.7 step 1: the vendor's upload problem recorded (receipt → ticket recorded)."""
    events = TicketEvent.objects.filter(
        action=TicketEvent.Action.CREATED, at__gte=period.start, at__lt=period.end,
        ticket__category=Ticket.Category.BID_UPLOAD).select_related("ticket", "actor")
    return [StepCase(reference=e.ticket.number, started_at=min(e.ticket.received_at, e.at),
                     finished_at=e.at, actor=e.actor.username if e.actor else "",
                     url=reverse("helpdesk:desk_ticket", args=[e.ticket_id]))
            for e in events]


def _run_case(run: DiagnosticsRun, started: object, finished: object) -> StepCase:
    return StepCase(reference=run.ticket.number, started_at=started,  # type: ignore[arg-type]
                    finished_at=finished, actor=run.officer.username,  # type: ignore[arg-type]
                    url=reverse("helpdesk:diagnostics_detail", args=[run.pk]))


def investigations(period: Period) -> list[StepCase]:
    """3.7 step 2: diagnostics run and concluded (started → conclusion recorded)."""
    runs = DiagnosticsRun.objects.filter(
        finished_at__gte=period.start, finished_at__lt=period.end
    ).select_related("ticket", "officer")
    return [_run_case(run, run.started_at, run.finished_at) for run in runs]


def retry_notices(period: Period) -> list[StepCase]:
    """3.7 step 3: no fault — the vendor is told to retry (conclusion → reply e-mailed)."""
    runs = DiagnosticsRun.objects.filter(
        outcome=DiagnosticsRun.Outcome.RETRY, reply__isnull=False,
        reply__created_at__gte=period.start, reply__created_at__lt=period.end,
    ).select_related("ticket", "officer", "reply")
    return [_run_case(run, min(run.finished_at or run.started_at, run.reply.created_at),
                      run.reply.created_at) for run in runs if run.reply is not None]


def lkpp_forwards(period: Period) -> list[StepCase]:
    """3.7 step 4: forwarded to LKPP (forwarded → LKPP's answer recorded)."""
    runs = DiagnosticsRun.objects.filter(
        outcome=DiagnosticsRun.Outcome.LKPP, escalation__answered_at__gte=period.start,
        escalation__answered_at__lt=period.end,
    ).select_related("ticket", "officer", "escalation")
    return [_run_case(run, run.escalation.sent_at, run.escalation.answered_at)
            for run in runs if run.escalation is not None]


def register() -> None:
    register_sop_source("3.7", "1", upload_reports)
    register_sop_source("3.7", "2", investigations)
    register_sop_source("3.7", "3", retry_notices)
    register_sop_source("3.7", "4", lkpp_forwards)
    register_sop_source("2.2", "1", answers)
    register_sop_source("2.2", "2", requests_captured)
    register_sop_source("2.2", "3", online_answers)
