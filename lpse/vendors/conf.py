"""The vendors app's settings, read in one place (see config/settings.py, section Vendors)."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings

from lpse.core.calendar import add_working_days, to_wib, wib_datetime


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def verification_hours() -> tuple[time, time]:
    """Opening and closing time of the verification desk (WIB, working days)."""
    return (_hhmm(settings.VENDOR_VERIFICATION_HOURS_START),
            _hhmm(settings.VENDOR_VERIFICATION_HOURS_END))


def verification_deadline(registered_at: datetime) -> datetime:
    """Close of the desk on the N-th working day after the day of registration (WIB)."""
    days = settings.VENDOR_VERIFICATION_WORKING_DAYS
    return wib_datetime(add_working_days(to_wib(registered_at).date(), days),
                        verification_hours()[1])


def verification_place() -> str:
    return str(settings.VENDOR_VERIFICATION_PLACE)
