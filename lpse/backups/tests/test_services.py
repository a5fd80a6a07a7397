"""Backup runs: records, progress, alerts, retention after verification, drills."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.backups import destinations, engine, jobs, keys, services
from lpse.backups.drills import (
    NO_SEALED_BIDS,
    DrillCheckResult,
)
from lpse.backups.models import BackupAlert, BackupCopy, BackupRun, DrillRun
from lpse.backups.selectors import backup_metric, last_verified_backup
from lpse.backups.tests.conftest import store_some_files
from lpse.backups.tests.helpers import drill_check_replaced

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_run_is_recorded_verified_and_audited(backup_key) -> None:
    store_some_files(3)
    admin = make_user(Role.SYSADMIN)
    run = services.backup_run(actor=admin, trigger=BackupRun.Trigger.MANUAL)
    assert run.status == BackupRun.Status.VERIFIED, run.error
    assert run.file_count == 3
    assert run.table_count > 20
    assert run.row_count > 0
    assert run.archive_size
    assert len(run.archive_sha256) == 64
    assert run.recipients == [keys.fingerprint(backup_key.recipient)]
    copy = run.copies.get()
    assert copy.kind == BackupCopy.Kind.LOCAL
    assert copy.verified_at is not None
    path = Path(copy.location)
    assert path.parent == backup_key.directory
    assert path.stat().st_size == run.archive_size
    assert not list(backup_key.directory.glob(".*partial"))
    actions = list(AuditEvent.objects.filter(object_type="backups.backuprun")
                   .values_list("action", flat=True))
    assert {"backups.backup_started", "backups.backup_verified"} <= set(actions)
    assert last_verified_backup() == run
    assert backup_metric()["ok"] is True


def test_progress_is_reported_while_writing(backup_key, tmp_path) -> None:
    store_some_files(4, size=300_000)
    reports: list[tuple[str, int, int]] = []
    with (tmp_path / "a.tar.age").open("wb") as out:
        engine.write_backup(out=out, recipients=keys.recipients_or_error(),
                            recipient_texts=keys.configured_recipients(),
                            storage=default_storage, work_dir=tmp_path / "w",
                            progress=lambda *a: reports.append(a))
    phases = [r[0] for r in reports]
    assert phases[0] == "snapshot"
    assert "files" in phases
    assert "database" in phases
    done = [r[1] for r in reports]
    assert done == sorted(done)
    assert done[-1] >= 4 * 300_000
    assert all(r[1] <= r[2] for r in reports)


def test_failure_is_recorded_and_mailed_to_system_administrators(settings, tmp_path,
                                                                  smtp) -> None:
    admin = make_user(Role.SYSADMIN)
    make_user(Role.HEAD)
    settings.BACKUP_RECIPIENTS = []
    settings.BACKUP_LOCAL_DIR = tmp_path / "drive"
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.FAILED
    assert "BACKUP_RECIPIENTS" in run.error
    assert [m["To"] for m in smtp.messages] == [admin.email]
    assert "Pencadangan gagal" in smtp.messages[0]["Subject"] or \
        "Backup failed" in smtp.messages[0]["Subject"]
    assert BackupAlert.objects.get().kind == BackupAlert.Kind.FAILED
    assert last_verified_backup() is None


def test_a_drive_that_fills_up_fails_the_run_and_leaves_nothing_behind(backup_key,
                                                                         smtp) -> None:
    """The drive refuses writes part-way (here: the kernel's file-size limit, EFBIG, as a
    full drive answers ENOSPC): the run fails with the system's message, the alert goes
    out, and no partial archive is left on the drive or counted as a backup."""
    import resource

    admin = make_user(Role.SYSADMIN)
    store_some_files(count=6, size=2_000_000)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8_000_000, hard))
    try:
        run = services.backup_run(actor=None)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert run.status == BackupRun.Status.FAILED
    assert "File too large" in run.error
    assert list(backup_key.directory.iterdir()) == []
    assert last_verified_backup() is None
    assert [m["To"] for m in smtp.messages] == [admin.email]
    assert BackupAlert.objects.get().kind == BackupAlert.Kind.FAILED


def test_unmounted_drive_is_refused(backup_key, settings) -> None:
    settings.BACKUP_REQUIRE_MOUNT = True
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.FAILED
    assert "not a mounted drive" in run.error


def test_second_backup_while_one_runs_is_refused_and_dead_runs_are_closed(backup_key) -> None:
    running = BackupRun.objects.create(trigger="command", started_at=datetime.now(UTC),
                                       heartbeat_at=datetime.now(UTC))
    with pytest.raises(services.BackupBusy):
        services.backup_run(actor=None)
    BackupRun.objects.filter(pk=running.pk).update(
        heartbeat_at=datetime.now(UTC) - timedelta(hours=1))
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.VERIFIED
    running.refresh_from_db()
    assert running.status == BackupRun.Status.FAILED
    assert "Interrupted" in running.error


def _fake_archives(directory: Path, days: int, now: datetime) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    for d in range(1, days + 1):
        name = destinations.archive_name(now - timedelta(days=d), f"{d:06x}")
        (directory / name).write_bytes(b"old archive")
        names.append(name)
    return names


def test_retention_applies_only_after_a_newer_backup_verified(backup_key, settings) -> None:
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 3, 0
    settings.BACKUP_KEEP_MONTHLY = 0
    old = _fake_archives(backup_key.directory, 10, datetime.now(UTC))
    # A failing backup removes nothing.
    settings.BACKUP_RECIPIENTS = []
    assert services.backup_run(actor=None).status == BackupRun.Status.FAILED
    assert all((backup_key.directory / n).exists() for n in old)
    # A verified one keeps itself plus the two newest other days.
    settings.BACKUP_RECIPIENTS = [backup_key.recipient]
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.VERIFIED
    left = sorted(p.name for p in backup_key.directory.glob("*.tar.age"))
    assert run.archive_name in left
    assert set(left) == {run.archive_name, old[0], old[1]}
    # --no-retention keeps everything.
    call_command("backup", "--no-retention", stdout=io.StringIO())
    assert len(list(backup_key.directory.glob("*.tar.age"))) == 4


def test_freshness_alert_after_26_hours_once_a_day(backup_key, smtp) -> None:
    admin = make_user(Role.SYSADMIN)
    with time_machine.travel(datetime(2026, 11, 2, 18, 30, tzinfo=UTC), tick=False):
        assert services.backup_run(actor=None).status == BackupRun.Status.VERIFIED
        assert services.freshness_check() is None
    with time_machine.travel(datetime(2026, 11, 3, 20, 0, tzinfo=UTC), tick=False):
        assert services.freshness_check() is None  # 25.5 hours
    with time_machine.travel(datetime(2026, 11, 3, 21, 0, tzinfo=UTC), tick=False):
        alert = services.freshness_check()  # 26.5 hours
        assert alert is not None
        assert alert.kind == BackupAlert.Kind.STALE
        assert backup_metric()["ok"] is False
    assert [m["To"] for m in smtp.messages] == [admin.email]
    with time_machine.travel(datetime(2026, 11, 3, 22, 0, tzinfo=UTC), tick=False):
        assert services.freshness_check() is None  # not again within 24 hours
    with time_machine.travel(datetime(2026, 11, 4, 21, 30, tzinfo=UTC), tick=False):
        assert services.freshness_check() is not None
    assert len(smtp.messages) == 2


def test_never_backed_up_is_stale(db, smtp) -> None:
    make_user(Role.SYSADMIN)
    assert jobs.freshness_check.call()["alerted"] is True


def test_drill_reports_registered_checks_and_missing_sealed_bids_app(backup_key,
                                                                     tmp_path) -> None:
    store_some_files(2)
    run = services.backup_run(actor=None)
    path = backup_key.directory / run.archive_name
    drill, _ = services.drill_run(path=path, identities=backup_key.identities)
    assert drill.status == DrillRun.Status.PASSED, drill.summary
    # The sealed-bids app's own check runs in every drill (here: no bids at all).
    assert "Check bids.sealed_bid_opens: passed no sealed bids in this backup" in drill.summary
    assert drill.report["sealed_bids"] is None
    assert drill.report["files_checked"] == 2
    assert all(t["ok"] for t in drill.report["tables"])

    with drill_check_replaced("bids.sealed_bid_opens", None):
        drill, _ = services.drill_run(path=path, identities=backup_key.identities)
    assert drill.status == DrillRun.Status.PASSED, drill.summary
    assert f"Sealed bids: {NO_SEALED_BIDS}" in drill.summary
    assert drill.report["sealed_bids"] == NO_SEALED_BIDS

    calls = []

    def opens(context) -> DrillCheckResult:
        from lpse.core.models import StoredFile

        stored = StoredFile.objects.using(context.alias).order_by("storage_name").first()
        with context.storage.open(stored.storage_name) as handle:
            data = handle.read()
        calls.append((context.alias, len(data)))
        return DrillCheckResult(len(data) == stored.size, "sealed bid #1 opened with 3 of 5")

    with drill_check_replaced("bids.sealed_bid_opens", opens):
        drill, _report = services.drill_run(path=path, identities=backup_key.identities)
    assert drill.status == DrillRun.Status.PASSED
    assert calls
    assert calls[0][0] == "backup_drill"
    assert "Check bids.sealed_bid_opens: passed" in drill.summary
    assert drill.report["sealed_bids"] is None


def test_failing_drill_check_fails_the_drill_and_alerts(backup_key, smtp) -> None:
    make_user(Role.SYSADMIN)
    run = services.backup_run(actor=None)
    with drill_check_replaced("bids.sealed_bid_opens",
                              lambda context: DrillCheckResult(False, "shares do not combine")):
        drill, _ = services.drill_run(path=backup_key.directory / run.archive_name,
                                      identities=backup_key.identities)
    assert drill.status == DrillRun.Status.FAILED
    assert "shares do not combine" in drill.summary
    assert len(smtp.messages) == 1


def test_monthly_drill_without_the_key_waits_for_it(backup_key, settings, smtp) -> None:
    make_user(Role.SYSADMIN)
    settings.BACKUP_DRILL_IDENTITY_FILE = ""
    services.backup_run(actor=None)
    result = jobs.monthly_drill.call()
    assert result["status"] == DrillRun.Status.NEEDS_KEY
    assert "restore_drill" in smtp.body(smtp.messages[-1])
    settings.BACKUP_DRILL_IDENTITY_FILE = str(backup_key.identity_file)
    assert jobs.monthly_drill.call()["status"] == DrillRun.Status.PASSED


def test_restore_drill_command_prints_the_report(backup_key) -> None:
    run = services.backup_run(actor=None)
    out = io.StringIO()
    call_command("restore_drill", str(backup_key.directory / run.archive_name),
                 "--identity", str(backup_key.identity_file), stdout=out)
    text = out.getvalue()
    assert "RESULT: PASSED" in text
    assert "Audit chain: intact" in text
    assert DrillRun.objects.get().status == DrillRun.Status.PASSED


def test_keygen_writes_a_private_key_once(tmp_path) -> None:
    out = io.StringIO()
    call_command("backup_keygen", str(tmp_path / "k.txt"), stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("age1")
    assert (tmp_path / "k.txt").stat().st_mode & 0o777 == 0o600
    assert keys.load_identities(tmp_path / "k.txt")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="refusing to overwrite"):
        call_command("backup_keygen", str(tmp_path / "k.txt"), stdout=io.StringIO())


def test_schedules_are_registered(settings) -> None:
    from lpse.core.scheduler import jobs as scheduled

    names = {job.name: job.cron for job in scheduled()}
    assert names["backups.daily"] == "30 1 * * *"
    assert names["backups.freshness"] == "5 * * * *"
    assert names["backups.drill"] == "0 3 1 * *"


def test_operations_capacity_check_shows_the_last_verified_backup(backup_key) -> None:
    from django.utils import timezone

    from lpse.operations import hooks
    from lpse.operations.monitoring import provided_checks

    def line() -> dict:
        check = next(c for c in provided_checks(timezone.now())
                     if c.key == hooks.LAST_VERIFIED_BACKUP)
        return {"level": check.level, "text": str(check.text), "value": check.value}

    assert line()["level"] == hooks.CRITICAL
    run = services.backup_run(actor=None)
    reading = line()
    assert reading["level"] == hooks.OK
    assert run.archive_name in reading["text"]
    assert reading["value"] is not None
    assert reading["value"] < 1


def test_local_destination_copies_an_archive_and_checks_it_reads_back(tmp_path) -> None:
    """A second drive: the archive is copied, read back and named; a copy that does not
    match what was expected is refused and leaves nothing behind."""
    source = tmp_path / "archive.bin"
    source.write_bytes(b"age-encrypted archive bytes" * 1000)
    size, sha = destinations.file_sha256(source)
    drive = destinations.LocalDestination(tmp_path / "second-drive")
    name = "lpse-backup-20261126T000000Z-abcdef.tar.age"
    stored = drive.put(source, name, size, sha)
    assert (stored.size, stored.sha256) == (size, sha)
    assert (tmp_path / "second-drive" / name).read_bytes() == source.read_bytes()
    assert drive.names() == [name]
    with pytest.raises(destinations.DestinationError, match="does not read back"):
        drive.put(source, name.replace("abcdef", "fedcba"), size, "0" * 64)
    assert sorted(p.name for p in (tmp_path / "second-drive").iterdir()) == [name]


def test_a_new_archive_is_read_back_from_the_drive_while_it_is_written(tmp_path,
                                                                       monkeypatch) -> None:
    """Written in pieces across several read-back windows: what the drive returns is
    compared with what was written and hashed; a byte that changed on the drive before it
    was read back is found, and that copy is refused and left unnamed."""
    import hashlib
    import os
    import random

    monkeypatch.setattr(destinations, "READ_BACK_WINDOW", 10_000)
    rng = random.Random(3)
    data = rng.randbytes(123_457)
    drive = destinations.LocalDestination(tmp_path / "drive")
    drive.check_ready()
    name = "lpse-backup-20261126T010000Z-abcdef.tar.age"

    def write_all(writer: destinations.ReadBackWriter) -> None:
        offset = 0
        while offset < len(data):
            piece = data[offset:offset + rng.choice([1, 512, 4096, 25_000])]
            assert writer.write(bytearray(piece)) == len(piece)
            offset += len(piece)

    writer = drive.open_partial(name)
    write_all(writer)
    stored = drive.finish_written(writer, name, len(data))
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert (tmp_path / "drive" / name).read_bytes() == data
    writer.abort()  # after finishing: nothing to do

    other = name.replace("abcdef", "fedcba")
    monkeypatch.setattr(destinations, "READ_BACK_WINDOW", 10 * len(data))
    writer = drive.open_partial(other)
    write_all(writer)  # one window: read back only by finish(), after the change below
    tail = len(data) - 3
    fd = os.open(writer.path, os.O_WRONLY)
    os.pwrite(fd, bytes([data[tail] ^ 0xFF]), tail)
    os.close(fd)
    with pytest.raises(destinations.DestinationError, match=f"first difference at byte {tail}"):
        drive.finish_written(writer, other, len(data))
    assert drive.names() == [name]
