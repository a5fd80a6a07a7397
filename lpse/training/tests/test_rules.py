"""The regulation's scheduling rules: vendor Wed/Thu 09–13, agency Mon/Tue/Fri 09–15."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.training import services
from lpse.training.models import Audience
from lpse.training.rules import schedule_problems
from lpse.training.tests.factories import at, room

pytestmark = pytest.mark.django_db

WED, THU, FRI, MON = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7)
CHRISTMAS = date(2026, 12, 25)  # a Friday and a national holiday


def codes(**kwargs) -> list[str]:
    defaults = {"room": room(capacity=20), "capacity": 15}
    return [p.code for p in schedule_problems(**{**defaults, **kwargs})]


def test_vendor_training_wednesday_and_thursday_morning() -> None:
    assert codes(audience=Audience.VENDOR, starts_at=at(WED, 9), ends_at=at(WED, 13)) == []
    assert codes(audience=Audience.VENDOR, starts_at=at(THU, 9), ends_at=at(THU, 12)) == []
    assert codes(audience=Audience.VENDOR, starts_at=at(MON, 9), ends_at=at(MON, 13)) == [
        "weekday"]
    assert codes(audience=Audience.VENDOR, starts_at=at(WED, 9), ends_at=at(WED, 15)) == [
        "hours"]


def test_agency_training_monday_tuesday_friday_until_three() -> None:
    assert codes(audience=Audience.AGENCY, starts_at=at(FRI, 9), ends_at=at(FRI, 15)) == []
    assert codes(audience=Audience.AGENCY, starts_at=at(WED, 9), ends_at=at(WED, 15)) == [
        "weekday"]
    assert codes(audience=Audience.AGENCY, starts_at=at(MON, 8), ends_at=at(MON, 12)) == [
        "hours"]


def test_holiday_capacity_and_double_booking() -> None:
    assert codes(audience=Audience.AGENCY, starts_at=at(CHRISTMAS, 9),
                 ends_at=at(CHRISTMAS, 15)) == ["working_day"]
    assert codes(audience=Audience.AGENCY, starts_at=at(FRI, 9), ends_at=at(FRI, 15),
                 capacity=25) == ["capacity"]
    helpdesk = make_user(Role.HELPDESK)
    with time_machine.travel(at(date(2026, 11, 30), 8), tick=False):
        services.session_schedule(actor=helpdesk, title="A", audience=Audience.AGENCY,
                                  starts_at=at(FRI, 9), ends_at=at(FRI, 12), room=room(),
                                  capacity=10)
    assert codes(audience=Audience.AGENCY, starts_at=at(FRI, 11), ends_at=at(FRI, 15)) == [
        "room_busy"]
    assert codes(audience=Audience.AGENCY, starts_at=at(FRI, 12), ends_at=at(FRI, 15)) == []


def test_breaking_a_rule_needs_a_reason_which_is_recorded() -> None:
    helpdesk = make_user(Role.HELPDESK)
    with time_machine.travel(at(date(2026, 11, 30), 8), tick=False):
        with pytest.raises(ValidationError) as error:
            services.session_schedule(actor=helpdesk, title="Sabtu", audience=Audience.AGENCY,
                                      starts_at=at(date(2026, 12, 5), 9),
                                      ends_at=at(date(2026, 12, 5), 12), room=room(),
                                      capacity=10)
        assert "hari kerja" in " ".join(error.value.messages) or \
            "working day" in " ".join(error.value.messages)
        session = services.session_schedule(
            actor=helpdesk, title="Sabtu", audience=Audience.AGENCY,
            starts_at=at(date(2026, 12, 5), 9), ends_at=at(date(2026, 12, 5), 12),
            room=room(), capacity=10, override_reason="Permintaan Sekda: pelatihan massal")
    assert session.rule_exceptions == ["working_day", "weekday"]
    assert session.override_reason.startswith("Permintaan Sekda")


def test_sessions_are_scheduled_in_the_future_only() -> None:
    helpdesk = make_user(Role.HELPDESK)
    with time_machine.travel(at(FRI, 10), tick=False), pytest.raises(ValidationError):
        services.session_schedule(actor=helpdesk, title="Telat", audience=Audience.AGENCY,
                                  starts_at=at(FRI, 9), ends_at=at(FRI, 15), room=room(),
                                  capacity=10)
