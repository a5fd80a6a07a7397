"""Django-side steps of the sealed-bid benchmarks, run in their own process:

    python bench/_bids_django.py seed  '{"vendors": 200}'
    python bench/_bids_django.py check '{"code": "..."}'
    python bench/_bids_django.py open  '{"code": "..."}'

Each prints one JSON line. Uses the test factories (dev dependencies) to build a tender.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from lpse.bids import receipts, services  # noqa: E402
from lpse.bids.models import Bid, BidFile, BidSegment, Opening  # noqa: E402
from lpse.bids.tests.factories import passphrase_of, sealed_tender  # noqa: E402
from lpse.tenders.models import ScheduleStage, Tender  # noqa: E402
from lpse.tenders.services.tenders import sync_upload_window  # noqa: E402
from lpse.tenders.stages import StageCode  # noqa: E402
from lpse.tenders.tests.factories import join, make_vendor  # noqa: E402


def _slide(tender: Tender, stage: StageCode, minutes_into: int) -> None:
    """Move the whole schedule so that `stage` started `minutes_into` minutes ago."""
    stages = list(ScheduleStage.objects.filter(tender=tender))
    start = next(s for s in stages if s.code == stage).starts_at
    delta = timezone.now() - timedelta(minutes=minutes_into) - start
    for row in stages:
        row.starts_at += delta
        row.ends_at += delta
        row.save(update_fields=["starts_at", "ends_at"])
    sync_upload_window(Tender.objects.get(pk=tender.pk))


def _session(user: Any) -> str:
    # The configured session engine: the database, or Redis when REDIS_URL is set.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "lpse.accounts.backends.UserIdOrEmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["login_at"] = store["last_activity"] = time.time()
    store.create()
    return str(store.session_key)


def seed(payload: dict[str, Any]) -> dict[str, Any]:
    tender = sealed_tender(start=timezone.now() + timedelta(days=1))
    _slide(tender, StageCode.UPLOAD, 1)
    sessions = []
    for _ in range(int(payload["vendors"])):
        vendor = make_vendor()
        join(tender, vendor)
        sessions.append(_session(vendor.account))
    return {"code": tender.code, "sessions": sessions}


def check(payload: dict[str, Any]) -> dict[str, Any]:
    """Consistency of what was stored: every submitted bid complete, every segment's
    ciphertext present with its recorded SHA-256, every receipt's signature valid."""
    tender = Tender.objects.get(code=payload["code"])
    submitted = list(Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED)
                     .select_related("receipt"))
    problems: list[str] = []
    for bid in submitted:
        if not receipts.verify(bid.receipt.document).valid:
            problems.append(f"receipt {bid.uuid} invalid")
        for file in bid.files.all():
            if file.status != BidFile.Status.COMPLETE:
                problems.append(f"file {file.uuid} incomplete in a submitted bid")
            if file.segments.count() != file.segment_count:
                problems.append(f"file {file.uuid} has {file.segments.count()} segments")
    recorded = set()
    for segment in BidSegment.objects.filter(file__bid__tender=tender):
        recorded.add(segment.storage_name)
        try:
            with default_storage.open(segment.storage_name, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            problems.append(f"segment {segment.pk} missing from storage")
            continue
        if digest != segment.sealed_sha256:
            problems.append(f"segment {segment.pk} ciphertext differs")
    stored = set()
    root = Path(default_storage.path("bids"))
    if root.exists():
        stored = {str(p.relative_to(default_storage.path(""))) for p in root.rglob("*.age")}
    spool = Path(str(__import__("django.conf").conf.settings.BIDS_SPOOL_DIR))
    return {
        "submitted": len(submitted),
        "drafts": Bid.objects.filter(tender=tender, status=Bid.Status.DRAFT).count(),
        "segments": len(recorded), "orphan_ciphertexts": len(stored - recorded),
        "spool_leftovers": len(list(spool.glob("*"))) if spool.exists() else 0,
        "problems": problems[:20], "problem_count": len(problems),
    }


def open_bids(payload: dict[str, Any]) -> dict[str, Any]:
    """Move the schedule to the opening, unlock k shares, decrypt and check every bid."""
    tender = Tender.objects.get(code=payload["code"])
    _slide(tender, StageCode.OPENING, 1)
    tender = Tender.objects.get(pk=tender.pk)
    started = time.time()
    for member in tender.committee.member_users():
        with transaction.atomic():
            result = services.opening_unlock(actor=member, tender=tender, envelope=1,
                                             passphrase=passphrase_of(member))
        if result.key_rebuilt:
            break
    opening = Opening.objects.get(tender_key__tender=tender)
    services.opening_verify(opening_id=opening.pk)
    files = BidFile.objects.filter(bid__tender=tender, bid__status=Bid.Status.SUBMITTED)
    return {"opening_seconds": round(time.time() - started, 2),
            "files_opened_ok": files.filter(open_status=BidFile.OpenStatus.OK).count(),
            "files_failed": files.filter(open_status=BidFile.OpenStatus.FAILED).count(),
            "offers_read": Bid.objects.filter(tender=tender, offer_amount__isnull=False).count()}


def attempts(payload: dict[str, Any]) -> dict[str, Any]:
    """Server-side duration of the upload requests, per action (from UploadAttempt)."""
    from lpse.bids.models import UploadAttempt

    summary: dict[str, Any] = {}
    for action in UploadAttempt.Action.values:
        durations = sorted(a.duration_ms or 0 for a in UploadAttempt.objects.filter(
            action=action, tender__code=payload["code"]))
        if durations:
            summary[action] = {"count": len(durations),
                               "failed": UploadAttempt.objects.filter(
                                   action=action, tender__code=payload["code"],
                                   ok=False).count(),
                               "median_ms": durations[len(durations) // 2],
                               "p95_ms": durations[int(len(durations) * 0.95)],
                               "max_ms": durations[-1]}
    return summary


if __name__ == "__main__":
    command, raw = sys.argv[1], sys.argv[2]
    handler = {"seed": seed, "check": check, "open": open_bids, "attempts": attempts}[command]
    print(json.dumps(handler(json.loads(raw))))
