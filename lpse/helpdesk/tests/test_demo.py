from __future__ import annotations

import pytest
from django.core.management import call_command

from lpse.helpdesk.models import Ticket
from lpse.training.models import TrainingRequest, TrainingSession, TrainingStep


@pytest.mark.django_db
def test_seed_demo_has_tickets_in_every_state_and_a_month_of_training() -> None:
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")  # idempotent
    states = set(Ticket.objects.values_list("status", flat=True))
    assert states == set(Ticket.Status.values)
    assert Ticket.objects.filter(escalated_to_head_at__isnull=False).exists()
    assert set(Ticket.objects.values_list("channel", flat=True)) >= {"phone", "email",
                                                                     "web_public", "walk_in"}
    sessions = TrainingSession.objects.order_by("starts_at")
    assert (sessions.last().starts_at - sessions.first().starts_at).days >= 28
    assert {s.audience for s in sessions} == {"vendor", "agency"}
    assert set(TrainingRequest.objects.values_list("status", flat=True)) >= {
        "submitted", "disposed", "confirmed", "assigned", "completed", "rejected"}
    assert TrainingStep.objects.filter(step="delivered").exists()
