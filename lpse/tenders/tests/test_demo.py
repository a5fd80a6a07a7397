"""seed_demo leaves a tender in every stage, and can run twice."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lpse.tenders.models import ScheduleChangeRequest, Tender
from lpse.tenders.stages import StageCode

pytestmark = pytest.mark.django_db


def test_demo_tenders_cover_every_stage():
    call_command("seed_demo", "--quiet")
    running = Tender.objects.filter(status=Tender.Status.PUBLISHED).prefetch_related("stages")
    stages = {tender.current_stage() for tender in running}
    # The download runs beside the announcement and upload, the qualification submission
    # beside the announcement (a tie goes to the earlier stage); the result lasts minutes.
    assert stages == set(StageCode) - {StageCode.DOWNLOAD, StageCode.QUALIFICATION_SUBMISSION,
                                       StageCode.QUALIFICATION_RESULT}
    submitting = Tender.objects.get(package__rup_code__startswith="DEMO-16")
    assert StageCode.QUALIFICATION_SUBMISSION in submitting.current_stages()
    assert submitting.qualification_submissions.count() == 2
    reevaluated = Tender.objects.get(package__rup_code__startswith="DEMO-19")
    assert reevaluated.evaluation_round == 2
    assert reevaluated.current_stage() == StageCode.WINNER_DECISION
    shortlisted = Tender.objects.get(package__rup_code__startswith="DEMO-18")
    assert shortlisted.prequalification_result.qualified_count == 3
    statuses = set(Tender.objects.values_list("status", flat=True))
    assert statuses == {"draft", "published", "completed", "failed", "cancelled"}
    assert ScheduleChangeRequest.objects.filter(status="submitted").count() == 1
    count = Tender.objects.count()
    call_command("seed_demo", "--quiet")
    assert Tender.objects.count() == count
