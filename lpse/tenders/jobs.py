"""Periodic work of the tenders module: only notifications. The stage a tender is in is
always derived from its schedule and the clock, never stored."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from lpse.tenders import notifications
from lpse.tenders.models import ScheduleStage, Tender
from lpse.tenders.services.prequalification import shortlisted_ids
from lpse.tenders.stages import StageCode

#: Who is told when a stage starts.
TELL_PARTICIPANTS = frozenset({StageCode.QUALIFICATION_SUBMISSION, StageCode.CLARIFICATION,
                               StageCode.UPLOAD, StageCode.OBJECTION})
TELL_COMMITTEE = frozenset({StageCode.QUALIFICATION_EVALUATION, StageCode.QUALIFICATION_RESULT,
                            StageCode.OPENING, StageCode.EVALUATION,
                            StageCode.WINNER_DECISION, StageCode.WINNER_ANNOUNCEMENT})
#: After a prequalification only the shortlist is told (the others are not invited).
SHORTLIST_ONLY = frozenset({StageCode.CLARIFICATION, StageCode.UPLOAD, StageCode.OBJECTION})
#: A stage that started longer ago than this (e.g. while the worker was down) is marked
#: without mail: stale notices confuse more than they help.
STALE_AFTER = timedelta(hours=12)


def stage_notices_send() -> int:
    """E-mail participants or the committee about stages that have started; returns how
    many stages were announced."""
    now = timezone.now()
    due = ScheduleStage.objects.filter(
        start_notified_at__isnull=True, starts_at__lte=now,
        tender__status=Tender.Status.PUBLISHED,
        code__in=[str(c) for c in TELL_PARTICIPANTS | TELL_COMMITTEE],
    ).select_related("tender", "tender__committee", "tender__qualification").order_by(
        "starts_at")[:500]
    sent = 0
    for stage in due:
        with transaction.atomic():
            locked = ScheduleStage.objects.select_for_update().get(pk=stage.pk)
            if locked.start_notified_at is not None:
                continue
            locked.start_notified_at = now
            locked.save(update_fields=["start_notified_at"])
            if now - stage.starts_at > STALE_AFTER:
                continue
            # The lazy label: each e-mail renders it in its recipient's language.
            context = {"stage_label": StageCode(stage.code).label, "window": stage.window}
            tender = stage.tender
            if stage.code in TELL_PARTICIPANTS:
                participants = None
                if stage.code in SHORTLIST_ONLY and tender.is_prequalification:
                    participants = tender.participants.filter(
                        pk__in=shortlisted_ids(tender)).select_related("vendor__account")
                notifications.notify_participants(tender, "stage_started", context,
                                                  participants=participants)
            if stage.code in TELL_COMMITTEE:
                notifications.notify_committee(tender, "stage_started",
                                               {**context, "participant": None})
            sent += 1
    return sent


@task()
def stage_notices() -> dict[str, int]:
    return {"stages": stage_notices_send()}
