"""A backup taken while users write is consistent: each write transaction is wholly in the
archive or wholly out of it, and the audit chain of the archive verifies."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from lpse.audit.services import audit_record
from lpse.backups import services
from lpse.backups.drills import (
    DrillCheckResult,
    DrillContext,
    register_drill_check,
    unregister_drill_check,
)
from lpse.backups.models import BackupAlert, DrillRun
from lpse.backups.tests.conftest import store_some_files

pytestmark = pytest.mark.django_db(transaction=True)
ROWS_PER_WRITE = 4


def _writer(stop: threading.Event, tag: str, committed: list[int]) -> None:
    """One user: transaction after transaction, each with four rows and an audit event."""
    close_old_connections()
    n = 0
    try:
        while not stop.is_set():
            n += 1
            batch = f"{tag}-{n}"
            with transaction.atomic():
                for _ in range(ROWS_PER_WRITE):
                    BackupAlert.objects.create(kind="stale", sent_at="2026-01-01T00:00:00Z",
                                               message=batch)
                audit_record(action="test.batch_written", actor=None, data={"batch": batch})
            committed.append(n)
            time.sleep(0.002)
    finally:
        connection.close()


def test_backup_during_writes_is_consistent(backup_key, tmp_path) -> None:
    # Enough bytes that the backup takes a while and overlaps the writes.
    store_some_files(12, size=4_000_000)
    stop = threading.Event()
    committed: dict[str, list[int]] = {"a": [], "b": []}
    writers = [threading.Thread(target=_writer, args=(stop, tag, committed[tag]))
               for tag in committed]
    for thread in writers:
        thread.start()
    try:
        while sum(len(v) for v in committed.values()) < 10:
            time.sleep(0.01)
        before = sum(len(v) for v in committed.values())
        run = services.backup_run(actor=None, output_dir=tmp_path / "usb")
        during = sum(len(v) for v in committed.values()) - before
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert run.status == "verified", run.error
    assert during > 0, "no write happened while the backup ran"

    seen: dict[str, object] = {}

    def batches_whole(context: DrillContext) -> DrillCheckResult:
        from django.db.models import Count

        from lpse.audit.models import AuditEvent

        counts = dict(BackupAlert.objects.using(context.alias).values_list("message")
                      .annotate(n=Count("id")).values_list("message", "n"))
        audited = set(AuditEvent.objects.using(context.alias).filter(
            action="test.batch_written").values_list("data__batch", flat=True))
        seen["counts"], seen["audited"] = counts, audited
        torn = {b: n for b, n in counts.items() if n != ROWS_PER_WRITE}
        return DrillCheckResult(not torn and set(counts) == audited,
                                f"{len(counts)} batches, torn: {torn}")

    register_drill_check("test.batches_whole", batches_whole)
    try:
        drill, report = services.drill_run(path=tmp_path / "usb" / run.archive_name,
                                           identities=backup_key.identities)
    finally:
        unregister_drill_check("test.batches_whole")
    assert drill.status == DrillRun.Status.PASSED, drill.summary
    counts = seen["counts"]
    total = sum(len(v) for v in committed.values())
    # Some batches are in (those before the snapshot), the later ones wholly out.
    assert 0 < len(counts) < total
    assert all(n == ROWS_PER_WRITE for n in counts.values())
    assert report is not None
    assert report.chain is not None
    assert report.chain.ok
