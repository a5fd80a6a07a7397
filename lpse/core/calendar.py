"""The working-day calendar: Indonesian national holidays, local holidays, service hours.

A working day (hari kerja) is Monday to Friday, except national holidays (from the
`holidays` package), local holidays and collective leave (cuti bersama) kept in
`core.Holiday`. An administrator can also mark a listed holiday as a working day.
All wall-clock reasoning happens in WIB (Asia/Jakarta).
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import holidays as holidays_lib
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
_CACHE_VERSION_KEY = "core:holidays:version"


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def service_hours() -> tuple[time, time]:
    """Opening and closing time of the unit's service desk (WIB)."""
    return _parse_hhmm(settings.SERVICE_HOURS_START), _parse_hhmm(settings.SERVICE_HOURS_END)


def service_minutes_per_day() -> int:
    """Working minutes in one working day (the service hours)."""
    opens, closes = service_hours()
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


@functools.lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    """Indonesian national holidays of one year, from the `holidays` package."""
    return dict(holidays_lib.country_holidays("ID", years=year).items())


def _overrides(year: int) -> dict[date, str]:
    """Administrator-maintained days of one year: kind by date (cached, versioned)."""
    from lpse.core.models import Holiday

    version = cache.get_or_set(_CACHE_VERSION_KEY, 1)
    key = f"core:holidays:{year}:{version}"
    found: dict[date, str] | None = cache.get(key)
    if found is None:
        found = dict(Holiday.objects.filter(date__year=year).values_list("date", "kind"))
        cache.set(key, found, 3600)
    return found


def invalidate() -> None:
    """Forget cached holidays after an administrator changed them."""
    try:
        cache.incr(_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(_CACHE_VERSION_KEY, 2)


def holiday_name(day: date) -> str | None:
    """The name of the holiday on `day`, or None when it is not a holiday."""
    from lpse.core.models import Holiday

    kind = _overrides(day.year).get(day)
    if kind == Holiday.Kind.WORKING_DAY:
        return None
    if kind is not None:
        return Holiday.objects.filter(date=day).values_list("name", flat=True).first()
    return national_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    from lpse.core.models import Holiday

    kind = _overrides(day.year).get(day)
    if kind == Holiday.Kind.WORKING_DAY:
        return True
    if day.weekday() >= 5:
        return False
    if kind is not None:
        return False
    return day not in national_holidays(day.year)


def working_days(start: date, end: date) -> Iterator[date]:
    """Working days d with start <= d <= end."""
    day = start
    while day <= end:
        if is_working_day(day):
            yield day
        day += timedelta(days=1)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (0 means `start` itself if it is one)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for _ in working_days(start + timedelta(days=1), end))


def to_wib(moment: datetime) -> datetime:
    return timezone.localtime(moment, WIB)


def wib_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=WIB)


def deadline_after_working_days(start: datetime, days: int) -> datetime:
    """Close of service on the `days`-th working day after the day of `start` (WIB).

    Used for "within N working days" rules, e.g. vendor verification within 7 working days
    of registration (regulation Pasal 4 (3), Lampiran I 1.2 step 7).
    """
    _, closing = service_hours()
    return wib_datetime(add_working_days(to_wib(start).date(), days), closing)


def is_service_time(moment: datetime, hours: tuple[time, time] | None = None) -> bool:
    opening, closing = hours or service_hours()
    local = to_wib(moment)
    return is_working_day(local.date()) and opening <= local.time() < closing


def next_service_time(moment: datetime, hours: tuple[time, time] | None = None) -> datetime:
    """`moment` if the desk is open then, else the next opening time."""
    opening, closing = hours or service_hours()
    local = to_wib(moment)
    if is_working_day(local.date()) and local.time() < closing:
        return max(local, wib_datetime(local.date(), opening))
    return wib_datetime(add_working_days(local.date(), 1), opening)


def working_minutes_between(
    start: datetime, end: datetime, hours: tuple[time, time] | None = None
) -> int:
    """Minutes within working hours on working days between two moments (>= 0)."""
    if end <= start:
        return 0
    opening, closing = hours or service_hours()
    start_local, end_local = to_wib(start), to_wib(end)
    total = timedelta()
    day = start_local.date()
    while day <= end_local.date():
        if is_working_day(day):
            window_start = max(wib_datetime(day, opening), start_local)
            window_end = min(wib_datetime(day, closing), end_local)
            if window_end > window_start:
                total += window_end - window_start
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def add_working_minutes(
    start: datetime, minutes: int, hours: tuple[time, time] | None = None
) -> datetime:
    """The moment `minutes` of working time after `start` (for service-level due times)."""
    opening, closing = hours or service_hours()
    remaining = timedelta(minutes=minutes)
    current = next_service_time(start, (opening, closing))
    while True:
        day_end = wib_datetime(current.date(), closing)
        available = day_end - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = wib_datetime(add_working_days(current.date(), 1), opening)


def localdate_wib(moment: datetime | None = None) -> date:
    return to_wib(moment or timezone.now()).date()
