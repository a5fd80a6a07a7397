"""The operations app measures its own procedure: Lampiran 5 monitoring (SOP 5.1)."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse

from lpse.core import calendar
from lpse.operations.hooks import Period, StepCase, register_sop_source
from lpse.operations.models import ChecklistEntry, ChecklistRun


def _checklists(frequency: str, period: Period) -> list[StepCase]:
    runs = ChecklistRun.objects.filter(
        frequency=frequency, completed_at__gte=period.start, completed_at__lt=period.end
    ).select_related("completed_by")
    return [
        StepCase(
            reference=str(run),
            started_at=datetime.combine(run.period_start, time.min, tzinfo=calendar.WIB),
            finished_at=run.completed_at,  # type: ignore[arg-type]
            actor=run.completed_by.username if run.completed_by else "system",
            url=reverse("operations:checklist_detail", args=[run.pk]),
        )
        for run in runs
    ]


def daily_checklists(period: Period) -> list[StepCase]:
    return _checklists(ChecklistRun.Frequency.DAILY, period)


def weekly_checklists(period: Period) -> list[StepCase]:
    return _checklists(ChecklistRun.Frequency.WEEKLY, period)


def problems_resolved(period: Period) -> list[StepCase]:
    entries = ChecklistEntry.objects.filter(
        resolved_at__gte=period.start, resolved_at__lt=period.end, checked_at__isnull=False
    ).select_related("run", "resolved_by")
    return [
        StepCase(
            reference=f"{entry.run} {entry.item_code}",
            started_at=entry.checked_at,  # type: ignore[arg-type]
            finished_at=entry.resolved_at,  # type: ignore[arg-type]
            actor=entry.resolved_by.username if entry.resolved_by else "",
            url=reverse("operations:checklist_detail", args=[entry.run_id]),
        )
        for entry in entries
    ]


def register() -> None:
    register_sop_source("5.1", "daily", daily_checklists)
    register_sop_source("5.1", "weekly", weekly_checklists)
    register_sop_source("5.1", "resolve", problems_resolved)
