"""seed_demo runs the tenders through sealed bids: keys enrolled, bids submitted and opened."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lpse.bids.models import Bid, MemberKey, Opening, Receipt
from lpse.tenders.models import Evaluation, Tender

pytestmark = pytest.mark.django_db


def test_demo_with_sealed_bids() -> None:
    call_command("seed_demo", "--quiet")
    assert MemberKey.objects.filter(user__username="pokja1").exists()
    assert Tender.objects.filter(status=Tender.Status.PUBLISHED, bid_keys__isnull=False).exists()
    assert Receipt.objects.count() == Bid.objects.filter(status=Bid.Status.SUBMITTED).count() > 0
    assert Opening.objects.filter(status=Opening.Status.DONE, minutes__isnull=False).exists()
    assert Evaluation.objects.exists()
    count = Bid.objects.count()
    call_command("seed_demo", "--quiet")
    assert Bid.objects.count() == count
