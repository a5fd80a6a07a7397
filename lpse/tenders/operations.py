"""What tenders give the operations module (lpse.operations.hooks), registered at start-up:

- the upload deadlines in a window (a maintenance window overlapping one needs an
  administrator's confirmation);
- the people taking part in tenders running during a window (they get the maintenance
  notice);
- the timings of SOP Lampiran III 3.6 (schedule change) steps 1–3 from `SopStepTiming`.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from lpse.operations.hooks import (
    AffectedParticipant,
    Deadline,
    Period,
    StepCase,
    register_deadline_provider,
    register_participants_provider,
    register_sop_source,
)
from lpse.tenders import selectors
from lpse.tenders.models import (
    CommitteeMember,
    Participant,
    ScheduleStage,
    SopStepTiming,
    Tender,
)
from lpse.tenders.sop import PROCEDURE_SCHEDULE_CHANGE


def upload_deadlines(start: datetime, end: datetime) -> list[Deadline]:
    return [
        Deadline(label=f"{d.code} {d.name}", at=d.upload_ends_at,
                 url=reverse("tenders:public_detail", args=[d.code]))
        for d in selectors.upload_deadlines_between(start, end)
    ]


def people_of_running_tenders(start: datetime, end: datetime) -> list[AffectedParticipant]:
    tender_ids = ScheduleStage.objects.filter(
        tender__status=Tender.Status.PUBLISHED, starts_at__lt=end, ends_at__gt=start,
    ).values("tender_id")
    people: list[AffectedParticipant] = []
    for participant in Participant.objects.filter(tender_id__in=tender_ids).select_related(
            "vendor", "vendor__account", "tender"):
        vendor = participant.vendor
        people.append(AffectedParticipant(
            email=vendor.email or vendor.account.email, name=vendor.name,
            language=vendor.account.preferred_language, tender=participant.tender.code))
    for member in CommitteeMember.objects.filter(
            committee__tenders__in=tender_ids).select_related("user").distinct():
        people.append(AffectedParticipant(email=member.user.email, name=member.user.full_name,
                                          language=member.user.preferred_language))
    return people


def _timings(step: int, period: Period) -> list[StepCase]:
    rows = SopStepTiming.objects.filter(
        procedure=PROCEDURE_SCHEDULE_CHANGE, step=step, ended_at__gte=period.start,
        ended_at__lt=period.end).select_related("actor").order_by("ended_at")
    return [StepCase(reference=f"#{row.subject_id}", started_at=row.started_at,
                     finished_at=row.ended_at,
                     actor=row.actor.username if row.actor else "",
                     url=reverse("tenders:change_detail", args=[row.subject_id]))
            for row in rows]


def submitted(period: Period) -> list[StepCase]:
    return _timings(1, period)


def received(period: Period) -> list[StepCase]:
    return _timings(2, period)


def applied(period: Period) -> list[StepCase]:
    return _timings(3, period)


def register() -> None:
    register_deadline_provider(upload_deadlines)
    register_participants_provider(people_of_running_tenders)
    register_sop_source("3.6", "1", submitted)
    register_sop_source("3.6", "2", received)
    register_sop_source("3.6", "3", applied)
