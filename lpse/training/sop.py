"""Step timings of the training procedure (Lampiran II 2.3 a) for the operations SOP report.

Each `TrainingStep` is one case. For the minute standards (steps 2, 4, 5, 6) the case runs
from the moment the officer began the step (the form was opened) to its output; step 3
("immediately after the disposition") runs from the disposition to the schedule; step 7 spans
the session.
"""

from __future__ import annotations

from django.urls import reverse

from lpse.accounts.roles import Perm
from lpse.operations.hooks import Period, SopSource, StepCase, register_sop_source
from lpse.training.models import TrainingStep

STEP_CODES = {
    TrainingStep.Step.SUBMITTED: "1",
    TrainingStep.Step.CONFIRMED: "2",
    TrainingStep.Step.SCHEDULED: "3",
    TrainingStep.Step.REPLY_LETTER: "4",
    TrainingStep.Step.REPLY_SENT: "5",
    TrainingStep.Step.TRAINER_ASSIGNED: "6",
    TrainingStep.Step.DELIVERED: "7",
}


def _cases(step: str, period: Period) -> list[StepCase]:
    rows = TrainingStep.objects.filter(
        step=step, finished_at__gte=period.start, finished_at__lt=period.end
    ).select_related("actor", "request", "session")
    disposed = {}
    if step == TrainingStep.Step.SCHEDULED:
        disposed = dict(TrainingStep.objects.filter(
            step=TrainingStep.Step.DISPOSED, request__in=[r.request_id for r in rows
                                                          if r.request_id]
        ).values_list("request_id", "finished_at"))
    cases = []
    for row in rows:
        if row.request is not None:
            reference = row.request.number
            url = reverse("training:request_detail", args=[row.request_id])
        else:
            reference = row.session.title if row.session else str(row.pk)
            url = reverse("training:session_detail", args=[row.session_id]) \
                if row.session_id else ""
        started = disposed.get(row.request_id, row.started_at) if row.request_id else \
            row.started_at
        cases.append(StepCase(reference=reference, started_at=min(started, row.finished_at),
                              finished_at=row.finished_at,
                              actor=row.actor.username if row.actor else "", url=url,
                              perm=Perm.VIEW_TRAINING))
    return cases


def _source(step: str) -> SopSource:
    def cases(period: Period) -> list[StepCase]:
        return _cases(step, period)

    return cases


def register() -> None:
    for step, code in STEP_CODES.items():
        register_sop_source("2.4", code, _source(step))
