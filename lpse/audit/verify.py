"""Walking the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lpse.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, ChainCheck
from lpse.audit.services import compute_hash


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(*, batch_size: int = 5000, using: str = "default") -> ChainReport:
    """Recompute every hash in order; report the first sequence number that does not fit.

    `using` names the database (a restore drill checks its scratch copy)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    events = AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=batch_size)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "missing event (gap in sequence)")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "previous hash does not match")
        if compute_hash(prev_hash, event) != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and head.seq >= expected_seq:
        return ChainReport(False, checked, expected_seq, "events after this one are missing")
    return ChainReport(True, checked)


def chain_check_run() -> ChainCheck:
    """Verify the chain and keep the result (daily job and the audit page)."""
    started = timezone.now()
    report = verify_chain()
    with transaction.atomic():
        return ChainCheck.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            ok=report.ok,
            checked=report.checked,
            first_broken_seq=report.first_broken_seq,
            reason=report.reason,
        )
