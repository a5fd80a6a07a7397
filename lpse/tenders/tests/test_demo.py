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
    assert stages == set(StageCode) - {StageCode.DOWNLOAD}
    statuses = set(Tender.objects.values_list("status", flat=True))
    assert statuses == {"draft", "published", "completed", "failed", "cancelled"}
    assert ScheduleChangeRequest.objects.filter(status="submitted").count() == 1
    count = Tender.objects.count()
    call_command("seed_demo", "--quiet")
    assert Tender.objects.count() == count
