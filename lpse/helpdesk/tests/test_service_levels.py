"""The head of the unit sets the helpdesk's service levels; new tickets follow them, bad
input is refused field by field in the user's language and changes nothing."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.calendar import WIB
from lpse.helpdesk import services, sla
from lpse.helpdesk.models import ServiceLevelPolicy, Ticket
from lpse.helpdesk.tests.factories import phone_ticket

pytestmark = pytest.mark.django_db


def _post(levels: dict[str, tuple[int, int, int]]) -> dict[str, str]:
    data = {}
    for priority, values in levels.items():
        for kind, value in zip(("first_response", "update", "resolution"), values, strict=True):
            data[f"{priority}_{kind}"] = str(value)
    return data


DEFAULTS = {p: (lvl.first_response, lvl.update, lvl.resolution)
            for p, lvl in sla.DEFAULT_SERVICE_LEVELS.items()}


def _seed_as_the_migration_does() -> None:
    """Transactional tests elsewhere flush the rows the migration seeded: put them back the
    way the migration does (its own function, on the current models)."""
    migration = importlib.import_module("lpse.helpdesk.migrations.0003_service_levels")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    _seed_as_the_migration_does()


def test_the_migration_seeds_the_defaults() -> None:
    ServiceLevelPolicy.objects.all().delete()
    _seed_as_the_migration_does()
    rows = {r.priority: (r.first_response_minutes, r.update_minutes, r.resolution_minutes)
            for r in ServiceLevelPolicy.objects.all()}
    assert rows == DEFAULTS
    assert sla.service_levels() == sla.DEFAULT_SERVICE_LEVELS


def test_head_changes_a_level_and_new_tickets_follow_it(client_for) -> None:
    head, officer = make_user(Role.HEAD), make_user(Role.HELPDESK)
    client = client_for(head)
    page = client.get("/helpdesk/desk/service-levels/")
    assert page.status_code == 200
    assert 'name="normal_first_response"' in page.content.decode()
    assert 'value="120"' in page.content.decode()

    wanted = dict(DEFAULTS, normal=(30, 240, 720))
    response = client.post("/helpdesk/desk/service-levels/", _post(wanted), follow=True)
    assert response.status_code == 200
    assert ServiceLevelPolicy.objects.get(priority="normal").first_response_minutes == 30
    event = AuditEvent.objects.filter(action="helpdesk.service_levels.changed").get()
    assert event.data == {"normal": {"before": {"first_response": 120, "update": 360,
                                                "resolution": 1080},
                                     "after": {"first_response": 30, "update": 240,
                                               "resolution": 720}}}

    # Friday 14 August 2026, 13:00 WIB: 30 working minutes later is 13:30 the same day.
    with time_machine.travel(datetime(2026, 8, 14, 13, 0, tzinfo=WIB), tick=False):
        ticket = phone_ticket(officer)
    assert ticket.priority == Ticket.Priority.NORMAL
    assert ticket.first_response_due == datetime(2026, 8, 14, 13, 30, tzinfo=WIB)

    # Saving the same values again changes nothing and records nothing.
    client.post("/helpdesk/desk/service-levels/", _post(wanted))
    assert AuditEvent.objects.filter(action="helpdesk.service_levels.changed").count() == 1


def test_bad_levels_are_refused_in_indonesian_and_nothing_changes(client_for) -> None:
    client = client_for(make_user(Role.HEAD))
    wanted = dict(DEFAULTS, urgent=(400, 120, 360), low=(0, 720, 1800))
    response = client.post("/helpdesk/desk/service-levels/", _post(wanted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tidak boleh jatuh tempo setelah penyelesaian" in html
    assert 'aria-invalid="true"' in html
    assert 'value="400"' in html  # what was typed is kept
    assert ServiceLevelPolicy.objects.get(priority="urgent").first_response_minutes == 30
    assert ServiceLevelPolicy.objects.get(priority="low").first_response_minutes == 240
    assert not AuditEvent.objects.filter(action="helpdesk.service_levels.changed").exists()


def test_only_the_head_sets_service_levels() -> None:
    with pytest.raises(PermissionDenied):
        services.service_levels_save(actor=make_user(Role.HELPDESK),
                                     levels=sla.DEFAULT_SERVICE_LEVELS)


def test_without_rows_the_defaults_apply() -> None:
    ServiceLevelPolicy.objects.all().delete()
    officer = make_user(Role.HELPDESK)
    with time_machine.travel(datetime(2026, 8, 14, 13, 0, tzinfo=WIB), tick=False):
        ticket = phone_ticket(officer)
    assert ticket.first_response_due == datetime(2026, 8, 14, 15, 0, tzinfo=WIB)  # 120 min
