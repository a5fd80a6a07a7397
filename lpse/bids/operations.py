"""What sealed bids give the operations module (lpse.operations.hooks): the timings of the
steps of SOP Lampiran III 3.2 (a bid file the committee cannot open), for the SOP report.

Step 1 (request filed, no standard time) · step 2 (LPSE examines, 5–15 min: from the start
of the examination to the recorded outcome) · step 3 (forward to LKPP, 1–5 min: from the
package being prepared to the case being sent)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from lpse.bids.models import UnopenableCase
from lpse.operations.hooks import Period, StepCase, register_sop_source


def _cases(period: Period, start: str, end: str, actor: str) -> list[StepCase]:
    rows = UnopenableCase.objects.filter(**{
        f"{start}__isnull": False, f"{end}__gte": period.start, f"{end}__lt": period.end,
    }).select_related(actor, "tender").order_by(end)
    cases = []
    for case in rows:
        started: datetime = getattr(case, start)
        finished: datetime = getattr(case, end)
        who = getattr(case, actor)
        cases.append(StepCase(reference=f"{case.tender.code} #{case.pk}", started_at=started,
                              finished_at=finished, actor=who.username if who else "",
                              url=reverse("bids:case_detail", args=[case.pk])))
    return cases


def filed(period: Period) -> list[StepCase]:
    return _cases(period, "filed_at", "filed_at", "filed_by")


def examined(period: Period) -> list[StepCase]:
    return _cases(period, "examination_started_at", "examined_at", "examiner")


def forwarded(period: Period) -> list[StepCase]:
    return _cases(period, "forward_started_at", "forwarded_at", "forwarded_by")


def register() -> None:
    register_sop_source("3.2", "1", filed)
    register_sop_source("3.2", "2", examined)
    register_sop_source("3.2", "3", forwarded)
