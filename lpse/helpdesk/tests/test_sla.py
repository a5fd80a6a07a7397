"""Service-level timers on the working-day calendar, with a frozen clock.

Friday 14 August 2026 is a working day; 15–16 August is a weekend and Monday 17 August
(Independence Day) a national holiday; service hours are 09:00–15:00 WIB.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.calendar import WIB
from lpse.helpdesk import services, sla
from lpse.helpdesk.models import Ticket, TicketEvent
from lpse.helpdesk.tests.factories import phone_ticket

pytestmark = pytest.mark.django_db


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 8, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def officer():
    return make_user(Role.HELPDESK)


def test_first_response_due_skips_the_weekend_and_the_holiday(officer) -> None:
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer)
    # 60 minutes on Friday, none on Saturday, Sunday or Monday 17 August, 60 on Tuesday.
    assert ticket.first_response_due == wib(18, 10)
    # Resolution (normal: 1080 min = 3 service days): Fri 60 + Tue 360 + Wed 360 + Thu 300.
    assert ticket.resolution_due == wib(20, 14)


def test_a_request_out_of_hours_starts_the_clock_at_the_next_opening(officer) -> None:
    with time_machine.travel(wib(15, 20), tick=False):  # Saturday evening
        ticket = phone_ticket(officer, priority=Ticket.Priority.URGENT)
    assert ticket.first_response_due == wib(18, 9, 30)


def test_breach_flagged_after_due_time_and_escalated_to_the_head_once(
    officer, smtp, django_capture_on_commit_callbacks
) -> None:
    head = make_user(Role.HEAD, email="kepala@lpse.test")
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer)
    with time_machine.travel(wib(18, 9, 59), tick=False):
        assert services.sla_check() == []
    with time_machine.travel(wib(18, 10, 1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        breached = services.sla_check()
        again = services.sla_check()
    assert [t.pk for t in breached] == [ticket.pk]
    assert again == []
    ticket.refresh_from_db()
    assert ticket.first_response_breached
    assert not ticket.resolution_breached
    assert ticket.escalated_to_head_at == wib(18, 10, 1)
    assert ticket.events.filter(action=TicketEvent.Action.ESCALATED_HEAD).count() == 1
    message = smtp.to(head.email)[-1]
    assert ticket.number in message["Subject"]
    assert f"/helpdesk/desk/{ticket.pk}/" in smtp.body(message)


def test_waiting_for_the_requester_pauses_the_clock(officer) -> None:
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer)
    with time_machine.travel(wib(14, 14, 30), tick=False):
        services.ticket_reply(actor=officer, ticket=ticket, body="Mohon kirim NPWP.",
                              wait_for_requester=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.is_paused
    assert ticket.resolution_due is None
    # A long wait over the weekend and the holiday never breaches.
    with time_machine.travel(wib(25, 12), tick=False):
        assert services.sla_check() == []
    with time_machine.travel(wib(18, 9, 30), tick=False):
        services.ticket_requester_message(ticket=ticket, body="NPWP terlampir.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert not ticket.is_paused
    # Paused: Friday 14:30–15:00 and Tuesday 09:00–09:30 = 60 working minutes.
    assert ticket.paused_minutes == 60
    # Resolution target 1080 + 60 paused: Fri 60, Tue 360, Wed 360, Thu 360 -> Thu 15:00.
    assert ticket.resolution_due == wib(20, 15)
    # The next update is due 360 working minutes after the requester's answer resumed it.
    assert ticket.update_due == wib(19, 9, 30)


def test_resolution_time_excludes_pauses_and_non_working_time(officer) -> None:
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer)
    with time_machine.travel(wib(14, 14, 20), tick=False):
        services.ticket_reply(actor=officer, ticket=ticket, body="Kami cek.",
                              wait_for_requester=True)
    with time_machine.travel(wib(18, 9, 10), tick=False):
        services.ticket_requester_message(ticket=ticket, body="Sudah saya kirim.")
    with time_machine.travel(wib(18, 9, 40), tick=False):
        services.ticket_reply(actor=officer, ticket=ticket, body="Selesai.", resolve=True)
    ticket.refresh_from_db()
    assert sla.first_response_minutes(ticket) == 20
    # 60 (Fri) + 40 (Tue) working minutes, minus 50 paused (40 Fri + 10 Tue).
    assert ticket.paused_minutes == 50
    assert sla.resolution_minutes(ticket) == 50
    assert not ticket.resolution_breached


def test_late_first_response_is_flagged_when_it_is_given(officer) -> None:
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer, priority=Ticket.Priority.URGENT)
    with time_machine.travel(wib(18, 9, 45), tick=False):
        services.ticket_reply(actor=officer, ticket=ticket, body="Maaf terlambat.")
    ticket.refresh_from_db()
    assert ticket.first_response_breached


def test_auto_close_after_five_working_days(officer) -> None:
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer, answer="Sudah dijawab di telepon.")
    assert ticket.status == Ticket.Status.RESOLVED
    # Five working days after Friday 14 August: 18, 19, 20, 21, 24 August.
    with time_machine.travel(wib(24, 23), tick=False):
        assert services.tickets_autoclose() == 0
    with time_machine.travel(wib(25, 1), tick=False):
        assert services.tickets_autoclose() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checks_escalate_a_breach_once() -> None:
    import threading

    from django.db import connection

    officer = make_user(Role.HELPDESK)
    make_user(Role.HEAD)
    with time_machine.travel(wib(14, 14), tick=False):
        ticket = phone_ticket(officer)
    barrier = threading.Barrier(2)
    found: list[int] = []

    def check() -> None:
        try:
            barrier.wait()
            found.extend(t.pk for t in services.sla_check(now=wib(18, 11)))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [ticket.pk]
    assert ticket.events.filter(action=TicketEvent.Action.ESCALATED_HEAD).count() == 1
