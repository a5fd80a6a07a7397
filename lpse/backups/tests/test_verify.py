"""backup_verify: exit 0 only when every entry matches the manifest; otherwise name the file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lpse.backups import services
from lpse.backups.archive import FILES_PREFIX
from lpse.backups.tests.conftest import store_some_files
from lpse.backups.tests.helpers import rewrite_archive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(backup_key, tmp_path):
    store_some_files(4, size=200_000)
    run = services.backup_run(actor=None, output_dir=tmp_path / "usb")
    assert run.status == "verified", run.error
    return tmp_path / "usb" / run.archive_name


def _verify(path, key) -> tuple[bool, str]:
    err = io.StringIO()
    try:
        call_command("backup_verify", str(path), "--identity", str(key.identity_file),
                     stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, err.getvalue()


def _file_entries(path, key) -> list[str]:
    report = services.archive_verify(path=path, identities=key.identities)
    return [e["path"] for e in report.manifest["entries"] if e["path"].startswith(FILES_PREFIX)]


def test_intact_archive_verifies(archive, backup_key) -> None:
    ok, _ = _verify(archive, backup_key)
    assert ok


def test_one_flipped_byte_in_the_archive_fails_naming_the_file(archive, backup_key,
                                                                tmp_path) -> None:
    names = _file_entries(archive, backup_key)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the second or third file (4 × 200 kB)
    damaged = tmp_path / "damaged.tar.age"
    damaged.write_bytes(bytes(data))
    ok, output = _verify(damaged, backup_key)
    assert not ok
    assert "damaged inside" in output
    assert any(name in output for name in names[1:3]), output


def test_one_changed_byte_in_a_file_fails_naming_it(archive, backup_key, tmp_path) -> None:
    names = _file_entries(archive, backup_key)
    tampered = tmp_path / "tampered.tar.age"
    rewrite_archive(archive, tampered, backup_key.identities[0], flip_in=names[2])
    ok, output = _verify(tampered, backup_key)
    assert not ok
    assert f"BAD (content differs from the manifest): {names[2]}" in output
    assert names[0] not in output
    assert names[1] not in output


def test_one_missing_file_fails_naming_it(archive, backup_key, tmp_path) -> None:
    names = _file_entries(archive, backup_key)
    short = tmp_path / "short.tar.age"
    rewrite_archive(archive, short, backup_key.identities[0], drop=names[1])
    ok, output = _verify(short, backup_key)
    assert not ok
    assert f"MISSING (in the manifest, not in the archive): {names[1]}" in output


def test_missing_manifest_fails(archive, backup_key, tmp_path) -> None:
    cut = tmp_path / "cut.tar.age"
    rewrite_archive(archive, cut, backup_key.identities[0], drop="lpse-backup/manifest.json")
    ok, output = _verify(cut, backup_key)
    assert not ok
    assert "manifest is missing" in output


def test_wrong_key_fails_clearly(archive, tmp_path) -> None:
    from lpse.backups.keys import generate_keypair

    other = tmp_path / "other.txt"
    other.write_text(generate_keypair().identity + "\n")
    with pytest.raises(CommandError):
        call_command("backup_verify", str(archive), "--identity", str(other),
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_not_a_key_is_refused(archive, tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    with pytest.raises(CommandError, match="not an age X25519 identity"):
        call_command("backup_verify", str(archive), "--identity", str(bad))


def test_restore_of_a_tampered_archive_commits_nothing_wrong(archive, backup_key,
                                                             tmp_path) -> None:
    """A dump whose bytes differ from its SHA-256 entry is rolled back, not committed."""
    report = services.archive_verify(path=archive, identities=backup_key.identities)
    dump = report.manifest["database"]["entry"]
    tampered = tmp_path / "tampered-db.tar.age"
    rewrite_archive(archive, tampered, backup_key.identities[0], flip_in=dump)
    from lpse.backups.tests.helpers import destroy_site

    destroy_site()
    with pytest.raises(CommandError):
        call_command("restore", str(tampered), "--identity", str(backup_key.identity_file),
                     stdout=io.StringIO(), stderr=io.StringIO())
    from lpse.backups import database

    assert database.is_empty()
    # …and the intact archive still restores afterwards.
    call_command("restore", str(archive), "--identity", str(backup_key.identity_file),
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert not database.is_empty()


@pytest.mark.parametrize("damage", ["dump", "last file"])
def test_a_failed_replace_puts_the_site_back_as_it_was(archive, backup_key, tmp_path,
                                                       damage) -> None:
    """--replace with a damaged archive: the restore fails clearly and the live database and
    files are exactly what they were (nothing set aside is left behind)."""
    from django.conf import settings
    from django.db import connection

    from lpse.backups import database
    from lpse.backups.tests.helpers import storage_contents

    report = services.archive_verify(path=archive, identities=backup_key.identities)
    target = (report.manifest["database"]["entry"] if damage == "dump"
              else _file_entries(archive, backup_key)[-1])
    tampered = tmp_path / "tampered.tar.age"
    rewrite_archive(archive, tampered, backup_key.identities[0], flip_in=target)
    store_some_files(1, purpose="test.after")  # the site went on after the backup
    stats_before = {n: s for n, s in database.table_stats().items()
                    if not n.startswith(("audit_", "backups_"))}
    files_before = storage_contents()

    with pytest.raises(CommandError, match=r"FAILED|BAD|damaged"):
        call_command("restore", str(tampered), "--identity", str(backup_key.identity_file),
                     "--replace", stdout=io.StringIO(), stderr=io.StringIO())

    assert {n: s for n, s in database.table_stats().items()
            if not n.startswith(("audit_", "backups_"))} == stats_before
    assert storage_contents() == files_before
    media = Path(settings.MEDIA_ROOT)
    assert not list(media.parent.glob(media.name + ".replaced-*"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'lpse_%'")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT count(*) FROM pg_extension e JOIN pg_namespace n "
                           "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm' "
                           "AND n.nspname = 'public'")
            assert cursor.fetchone()[0] == 1
    else:
        db = Path(connection.settings_dict["NAME"])
        assert not list(db.parent.glob(db.name + ".replaced-*"))
