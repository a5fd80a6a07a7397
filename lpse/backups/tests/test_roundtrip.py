"""Demo data → backup → destroy → restore: the same rows, the same files, the audit chain
intact (runs on SQLite and on PostgreSQL, whichever the suite runs on)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from lpse.audit.models import AuditEvent
from lpse.audit.verify import verify_chain
from lpse.backups import database, engine, keys, restore
from lpse.backups.archive import FILES_PREFIX
from lpse.backups.models import BackupRun
from lpse.backups.tests.conftest import store_some_files
from lpse.backups.tests.helpers import destroy_site, storage_contents
from lpse.bids.models import BidSegment
from lpse.core.models import StoredFile

pytestmark = pytest.mark.django_db(transaction=True)

#: Tables the backup and restore themselves write to (checked on their own below).
OWN_TABLES = {"audit_auditevent", "audit_auditchainhead", "backups_backuprun"}


def _seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    store_some_files(6, purpose="test.scan")
    store_some_files(3, size=120_000, purpose="bids.sealed")  # ciphertext-like bytes


def test_engine_round_trip_is_exact(backup_key, tmp_path) -> None:
    _seed()
    before = database.table_stats()
    files_before = storage_contents()
    # The demo data of other apps stores files too (letters, attachments, PDFs).
    assert len(files_before) >= 9
    # Every stored file is accounted for: documents, and the sealed bid segments.
    assert len(files_before) == StoredFile.objects.count() + BidSegment.objects.count()
    # A refused form's held upload (personal data for a day at most) is not backed up.
    default_storage.save("held/0123abcd", ContentFile(b"%PDF-1.4 held scan"))
    archive = tmp_path / "x.tar.age"
    with archive.open("wb") as out:
        result = engine.write_backup(
            out=out, recipients=keys.recipients_or_error(),
            recipient_texts=keys.configured_recipients(), storage=default_storage,
            work_dir=tmp_path / "work",
        )
    assert {n: s.as_json() for n, s in before.items()} == result.manifest["database"]["tables"]
    assert result.file_count == len(files_before)

    destroy_site()
    assert database.is_empty()

    with archive.open("rb") as source:
        restored = restore.restore_into_live(source=source, identities=backup_key.identities,
                                             replace=False, storage=default_storage)
    assert restored.report.ok, restored.report.problems()
    assert restored.database_restored
    assert restored.files_restored == len(files_before)
    assert database.table_stats() == before
    assert storage_contents() == files_before
    assert restored.chain is not None
    assert restored.chain.ok
    assert restored.chain.checked == before["audit_auditevent"].rows > 0


def test_commands_round_trip(backup_key, tmp_path) -> None:
    _seed()
    files_before = storage_contents()
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "usb"), stdout=out)
    assert "Backup verified" in out.getvalue()
    run = BackupRun.objects.get()
    archive = tmp_path / "usb" / run.archive_name
    assert archive.is_file()
    verify_out = io.StringIO()
    call_command("backup_verify", str(archive), "--identity", str(backup_key.identity_file),
                 stdout=verify_out)
    assert verify_out.getvalue().startswith("OK:")

    report = engine.read_archive(archive.open("rb"), backup_key.identities)
    snapshot = report.manifest["database"]["tables"]

    destroy_site()
    restore_out = io.StringIO()
    call_command("restore", str(archive), "--identity", str(backup_key.identity_file),
                 stdout=restore_out)
    assert "Audit chain: intact" in restore_out.getvalue()

    after = {n: s.as_json() for n, s in database.table_stats().items()}
    assert set(after) == set(snapshot)
    assert {n: s for n, s in after.items() if n not in OWN_TABLES} == \
        {n: s for n, s in snapshot.items() if n not in OWN_TABLES}
    # The backup's own run was "running" in the snapshot: the restore closes it, and
    # records itself as one more audit event on the intact chain.
    assert after["audit_auditevent"]["rows"] == snapshot["audit_auditevent"]["rows"] + 1
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.action == "backups.restored"
    assert last.data["archive"] == archive.name
    assert last.data["ok"] is True
    assert verify_chain().ok
    assert BackupRun.objects.get().status == BackupRun.Status.FAILED  # closed as interrupted
    assert storage_contents() == files_before


def test_restore_refuses_a_site_with_data_and_replace_keeps_it(backup_key, tmp_path) -> None:
    store_some_files(2)
    call_command("backup", "--output", str(tmp_path / "usb"), stdout=io.StringIO())
    archive = next((tmp_path / "usb").glob("*.tar.age"))
    # The site goes on and gets one more file; the database holds data.
    extra = store_some_files(1, purpose="test.after")[0]
    with pytest.raises(CommandError, match="already hold"):
        call_command("restore", str(archive), "--identity", str(backup_key.identity_file),
                     stdout=io.StringIO())
    assert default_storage.exists(extra.storage_name)  # nothing was touched

    out = io.StringIO()
    call_command("restore", str(archive), "--identity", str(backup_key.identity_file),
                 "--replace", stdout=out)
    text = out.getvalue()
    assert "Kept: files moved to" in text
    assert "Kept: database kept as" in text
    # The replaced file is kept beside the storage, not lost; the restored site lacks it.
    assert not default_storage.exists(extra.storage_name)
    from django.conf import settings

    kept_dirs = list(Path(settings.MEDIA_ROOT).parent.glob(
        Path(settings.MEDIA_ROOT).name + ".replaced-*"))
    assert len(kept_dirs) == 1
    assert (kept_dirs[0] / extra.storage_name).is_file()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lpse_replaced_%'")
            schemas = [r[0] for r in cursor.fetchall()]
            assert len(schemas) == 1
            cursor.execute(f'SELECT count(*) FROM "{schemas[0]}".core_storedfile')  # noqa: S608
            assert cursor.fetchone()[0] == 3  # the replaced data is all there
            cursor.execute(f'DROP SCHEMA "{schemas[0]}" CASCADE')
    else:
        name = Path(connection.settings_dict["NAME"])
        copies = list(name.parent.glob(name.name + ".replaced-*"))
        assert len(copies) == 1
        import sqlite3

        kept = sqlite3.connect(copies[0])
        assert kept.execute("SELECT count(*) FROM core_storedfile").fetchone()[0] == 3
        kept.close()
        copies[0].unlink()
    for path in kept_dirs:
        import shutil

        shutil.rmtree(path)
    assert verify_chain().ok


def test_restore_of_an_archive_for_another_engine_is_refused(backup_key, tmp_path) -> None:
    store_some_files(1)
    call_command("backup", "--output", str(tmp_path / "usb"), stdout=io.StringIO())
    archive = next((tmp_path / "usb").glob("*.tar.age"))
    report = engine.read_archive(archive.open("rb"), backup_key.identities)
    assert report.ok
    assert all(e["path"].startswith(("lpse-backup/",)) for e in report.manifest["entries"])
    assert any(e["path"].startswith(FILES_PREFIX) for e in report.manifest["entries"])
    other = "sqlite" if database.engine_of() == "postgresql" else "postgresql"
    restorer = restore.Restorer(engine=other, new_loader=lambda: None, storage=default_storage)
    with pytest.raises(restore.RestoreError, match="same kind of database"):
        engine.read_archive(archive.open("rb"), backup_key.identities, restorer)
