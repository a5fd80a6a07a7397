"""The restore drill's sealed-bid check: opened envelopes decrypt from the restored copy and
match their receipts; sealed ones keep their shares and their ciphertext."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from lpse.backups import services as backup_services
from lpse.backups.drills import DrillContext
from lpse.backups.models import DrillRun
from lpse.backups.tests.conftest import backup_key  # noqa: F401  (fixture)
from lpse.bids.drill import sealed_bids_check
from lpse.bids.models import BidSegment, KeyShare
from lpse.bids.tests.factories import (
    in_opening,
    in_upload,
    open_envelope,
    pdf_bytes,
    sealed_tender,
    upload_bid,
)


def _two_tenders(clock: Any) -> tuple[Any, Any]:
    """Two tenders on the same schedule with one bid each; the second one opened."""
    sealed, opened = sealed_tender(), sealed_tender()
    clock.move_to(in_upload(sealed))
    upload_bid(sealed, files={"teknis.pdf": pdf_bytes(author="A", size=20_000)})
    upload_bid(opened, files={"teknis.pdf": pdf_bytes(author="B", size=20_000)})
    clock.move_to(in_opening(opened))
    open_envelope(opened)
    return sealed, opened


def _flip(segment: BidSegment) -> None:
    path = Path(settings.MEDIA_ROOT, segment.storage_name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.django_db
def test_check_on_a_copy_and_what_it_catches(clock: Any) -> None:
    sealed, opened = _two_tenders(clock)
    context = DrillContext(alias="default", storage=default_storage,
                           files_root=Path(settings.MEDIA_ROOT))
    result = sealed_bids_check(context)
    assert result.ok, result.detail
    assert result.detail.startswith("2 submitted bids; 1 opened envelopes")
    assert "1 sealed envelopes" in result.detail

    _flip(BidSegment.objects.get(file__bid__tender=sealed))
    result = sealed_bids_check(context)
    assert not result.ok
    assert "differs from the SHA-256 recorded at upload" in result.detail

    _flip(BidSegment.objects.get(file__bid__tender=sealed))  # back as it was
    _flip(BidSegment.objects.get(file__bid__tender=opened))
    result = sealed_bids_check(context)
    assert not result.ok
    assert "does not decrypt" in result.detail

    _flip(BidSegment.objects.get(file__bid__tender=opened))
    KeyShare.objects.filter(tender_key__tender=sealed).first().delete()
    result = sealed_bids_check(context)
    assert not result.ok
    assert "2 shares of 3, 2 needed" in result.detail


@pytest.mark.django_db(transaction=True)
def test_restore_drill_opens_a_bid_from_the_backup(clock: Any, backup_key: Any) -> None:  # noqa: F811
    _two_tenders(clock)
    run = backup_services.backup_run(actor=None)
    assert run.status == "verified", run.error
    drill, _ = backup_services.drill_run(path=backup_key.directory / run.archive_name,
                                         identities=backup_key.identities)
    assert drill.status == DrillRun.Status.PASSED, drill.summary
    assert "Check bids.sealed_bid_opens: passed 2 submitted bids; 1 opened envelopes" in \
        drill.summary
    assert drill.report["sealed_bids"] is None
