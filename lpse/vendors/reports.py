"""Monthly figures of procedure 1.2: registrations, verifications (service time against the
standard of 15–30 minutes), expiries and rejections."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from lpse.core.calendar import WIB, localdate_wib
from lpse.vendors.models import Vendor, VerificationSession

STANDARD_MAX_MINUTES = 30


@dataclass
class MonthRow:
    month: date
    registrations: int = 0
    verifications: int = 0
    approved: int = 0
    incomplete: int = 0
    rejected_at_desk: int = 0
    minutes: list[float] = field(default_factory=list)
    expiries: int = 0
    rejections: int = 0

    @property
    def average_minutes(self) -> float | None:
        return round(sum(self.minutes) / len(self.minutes), 1) if self.minutes else None

    @property
    def within_standard(self) -> int:
        return sum(1 for m in self.minutes if m <= STANDARD_MAX_MINUTES)

    @property
    def over_standard(self) -> int:
        return len(self.minutes) - self.within_standard


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, this one included."""
    today = today or localdate_wib()
    start = date(today.year - 1, today.month, 1) + timedelta(days=32)
    return date(start.year, start.month, 1), today


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, tzinfo=WIB),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=WIB))


def _by_month(qs: QuerySet[Vendor], field_name: str) -> dict[date, int]:
    rows = (qs.annotate(month=TruncMonth(field_name, tzinfo=WIB)).values("month")
            .annotate(n=Count("pk")).values_list("month", "n"))
    return {_as_date(month): n for month, n in rows}


def _as_date(value: date | datetime) -> date:
    day = value.astimezone(WIB).date() if isinstance(value, datetime) else value
    return day.replace(day=1)


def monthly_report(start: date, end: date) -> list[MonthRow]:
    low, high = _bounds(start, end)
    rows: dict[date, MonthRow] = {}
    month = start.replace(day=1)
    while month <= end:
        rows[month] = MonthRow(month)
        month = (month + timedelta(days=32)).replace(day=1)

    def row(day: date) -> MonthRow:
        return rows.setdefault(day, MonthRow(day))

    for day, n in _by_month(Vendor.objects.filter(created_at__gte=low, created_at__lt=high),
                            "created_at").items():
        row(day).registrations = n
    for day, n in _by_month(Vendor.objects.filter(expired_at__gte=low, expired_at__lt=high),
                            "expired_at").items():
        row(day).expiries = n
    for day, n in _by_month(Vendor.objects.filter(rejected_at__gte=low, rejected_at__lt=high),
                            "rejected_at").items():
        row(day).rejections = n
    sessions = VerificationSession.objects.filter(
        finished_at__gte=low, finished_at__lt=high).values_list("started_at", "finished_at",
                                                                "outcome")
    for started, finished, outcome in sessions:
        if finished is None:  # excluded by the filter; keeps the type checker informed
            continue
        entry = row(_as_date(finished))
        entry.verifications += 1
        entry.minutes.append(round((finished - started).total_seconds() / 60, 1))
        if outcome == VerificationSession.Outcome.APPROVED:
            entry.approved += 1
        elif outcome == VerificationSession.Outcome.INCOMPLETE:
            entry.incomplete += 1
        else:
            entry.rejected_at_desk += 1
    return [rows[key] for key in sorted(rows)]


CSV_HEADER = ["month", "registrations", "verifications", "approved", "incomplete",
              "rejected_at_desk", "average_minutes", "within_standard_30_min",
              "over_standard_30_min", "expiries", "rejections"]


def report_csv(rows: list[MonthRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([r.month.strftime("%Y-%m"), r.registrations, r.verifications,
                         r.approved, r.incomplete, r.rejected_at_desk,
                         "" if r.average_minutes is None else r.average_minutes,
                         r.within_standard, r.over_standard, r.expiries, r.rejections])
    return buffer.getvalue()
