"""SOP step timings of the schedule change procedure (regulation Lampiran III 3.6).

| Step | What                                            | Actor             | Mutu Baku       |
|------|-------------------------------------------------|-------------------|-----------------|
| 1    | Committee submits the request (old/new, reason) | committee         | not set         |
| 2    | Administrator receives the request              | application admin | a working day   |
| 3    | Administrator changes the schedule              | application admin | 15–30 minutes   |
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lpse.core import calendar
from lpse.tenders.models import SopStepTiming

if TYPE_CHECKING:
    from django.db import models

    from lpse.accounts.models import User

PROCEDURE_SCHEDULE_CHANGE = "III-3.6"

STEP_SUBMIT = (1, "Committee submits the schedule change request with the reason", None, None,
               "Waktu tidak ditentukan")
STEP_RECEIVE = (2, "Administrator receives the schedule change request", None, None,
                "Hari kerja")
STEP_APPLY = (3, "Administrator changes the schedule", 15, 30, "15-30 menit")


def service_day_minutes() -> int:
    opening, closing = calendar.service_hours()
    return (closing.hour * 60 + closing.minute) - (opening.hour * 60 + opening.minute)


def sop_step_record(
    *,
    step: tuple[int, str, int | None, int | None, str],
    actor: User | None,
    actor_role: str,
    started_at: datetime,
    ended_at: datetime,
    subject: models.Model,
    procedure: str = PROCEDURE_SCHEDULE_CHANGE,
) -> SopStepTiming:
    number, name, std_min, std_max, label = step
    if number == 2 and std_max is None:
        std_max = service_day_minutes()
    return SopStepTiming.objects.create(
        procedure=procedure, step=number, name=name, actor=actor, actor_role=actor_role,
        started_at=started_at, ended_at=ended_at,
        working_minutes=calendar.working_minutes_between(started_at, ended_at),
        standard_min_minutes=std_min, standard_max_minutes=std_max, standard_label=label,
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk),
    )
