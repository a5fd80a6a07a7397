from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core import calendar
from lpse.core.calendar import WIB
from lpse.core.models import Holiday
from lpse.core.services import holiday_create, holiday_delete

pytestmark = pytest.mark.django_db


def test_weekends_and_national_holidays_are_not_working_days() -> None:
    assert calendar.is_working_day(date(2026, 11, 25))  # Wednesday
    assert not calendar.is_working_day(date(2026, 11, 28))  # Saturday
    assert not calendar.is_working_day(date(2026, 8, 17))  # Independence Day (Monday)
    assert not calendar.is_working_day(date(2026, 12, 25))  # Christmas (Friday)
    assert calendar.holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"


def test_seven_working_days_across_christmas_and_new_year() -> None:
    # Thursday 24 Dec 2026: Fri 25 Dec (Natal), Fri 1 Jan (Tahun Baru) and Tue 5 Jan 2027
    # (Isra Mikraj) are holidays, weekends are skipped.
    assert calendar.add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 7)


def test_collective_leave_and_overrides_change_the_count() -> None:
    admin = make_user(Role.SYSADMIN)
    start = date(2026, 12, 24)
    leave = holiday_create(actor=admin, date=date(2026, 12, 24), name="Cuti bersama Natal",
                           kind=Holiday.Kind.COLLECTIVE_LEAVE)
    holiday_create(actor=admin, date=date(2026, 12, 28), name="Cuti bersama Natal",
                   kind=Holiday.Kind.COLLECTIVE_LEAVE)
    calendar.invalidate()
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.add_working_days(start, 7) == date(2027, 1, 8)
    holiday_create(actor=admin, date=date(2026, 12, 25), name="Kerja (dipindah)",
                   kind=Holiday.Kind.WORKING_DAY)
    calendar.invalidate()
    assert calendar.is_working_day(date(2026, 12, 25))
    holiday_delete(actor=admin, holiday=leave)
    calendar.invalidate()
    assert calendar.is_working_day(date(2026, 12, 24))


def test_deadline_is_close_of_service_on_the_nth_working_day() -> None:
    registered = datetime(2026, 12, 24, 20, 15, tzinfo=WIB)
    deadline = calendar.deadline_after_working_days(registered, 7)
    assert deadline == datetime(2027, 1, 7, 15, 0, tzinfo=WIB)


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert calendar.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert calendar.working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == -5


def test_service_time_and_next_opening() -> None:
    friday_evening = datetime(2026, 11, 27, 16, 0, tzinfo=WIB)
    assert not calendar.is_service_time(friday_evening)
    assert calendar.next_service_time(friday_evening) == datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    assert calendar.is_service_time(datetime(2026, 11, 30, 9, 0, tzinfo=WIB))


def test_working_minutes_skip_nights_weekends_and_holidays() -> None:
    start = datetime(2026, 8, 14, 14, 0, tzinfo=WIB)  # Friday 14:00
    end = datetime(2026, 8, 18, 10, 0, tzinfo=WIB)  # Tuesday 10:00; Monday 17 Aug holiday
    assert calendar.working_minutes_between(start, end) == 60 + 60
    assert calendar.add_working_minutes(start, 120) == end


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    minutes=st.integers(min_value=0, max_value=3000),
)
def test_add_working_minutes_inverts_working_minutes_between(day: date, minutes: int) -> None:
    start = datetime.combine(day, time(10, 30), tzinfo=WIB)
    due = calendar.add_working_minutes(start, minutes)
    assert calendar.working_minutes_between(start, due) == minutes
    assert calendar.is_working_day(calendar.to_wib(due).date())


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
       n=st.integers(min_value=1, max_value=30))
def test_add_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    result = calendar.add_working_days(day, n)
    assert calendar.is_working_day(result)
    assert calendar.working_days_between(day, result) == n


def test_holiday_api_lists_national_and_local_days(client) -> None:
    admin = make_user(Role.SYSADMIN)
    holiday_create(actor=admin, date=date(2026, 4, 22), name="Hari Jadi Sumedang",
                   kind=Holiday.Kind.LOCAL)
    data = client.get("/api/v1/calendar/holidays/?year=2026").json()
    by_date = {d["date"]: d for d in data}
    assert by_date["2026-04-22"]["source"] == "local"
    assert by_date["2026-08-17"]["source"] == "national"
    assert client.get("/api/v1/calendar/holidays/?year=abc").status_code == 400
