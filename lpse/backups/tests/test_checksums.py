"""Per-table checksums: each names its method; a changed value changes the checksum; a
table the fast method cannot hash gets another without breaking the snapshot; an archive
written before the methods were named (md5 on PostgreSQL, no method field) still drills."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from lpse.backups import database, services
from lpse.backups.archive import MANIFEST
from lpse.backups.models import BackupRun
from lpse.backups.tests.helpers import rewrite_archive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def probe_table():
    """A table with a JSON column (PostgreSQL's `json` has no hash function)."""
    kind = "json" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE aaa_checksum_probe (id integer, doc {kind})")
        cursor.execute("INSERT INTO aaa_checksum_probe VALUES (1, '{\"a\": 1}'), (2, NULL)")
    yield "aaa_checksum_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE aaa_checksum_probe")


def test_methods_named_and_values_counted(probe_table: str) -> None:
    stats = database.table_stats()
    if connection.vendor == "postgresql":
        # The probe sorts first: its fallback must not abort the snapshot's transaction.
        assert stats[probe_table].method == "text-hash"
        assert {s.method for n, s in stats.items() if n != probe_table} == {"record-hash"}
    else:
        assert {s.method for s in stats.values()} == {"blake2b"}
    assert "accounts_user" in stats
    assert stats[probe_table].rows == 2
    assert stats[probe_table].as_json()["method"] == stats[probe_table].method

    with connection.cursor() as cursor:
        cursor.execute("UPDATE aaa_checksum_probe SET doc = '{\"a\": 2}' WHERE id = 1")
    changed = database.table_stats()[probe_table]
    assert changed.rows == 2
    assert changed.checksum != stats[probe_table].checksum
    with connection.cursor() as cursor:
        cursor.execute("UPDATE aaa_checksum_probe SET doc = '{\"a\": 1}' WHERE id = 1")
    assert database.table_stats()[probe_table] == stats[probe_table]


def test_methods_of_a_manifest() -> None:
    assert database.methods_of({"a": {"rows": 1, "checksum": "f"},
                                "b": {"rows": 1, "checksum": "f", "method": "text-hash"}}) == \
        {"a": "md5", "b": "text-hash"}


def test_archive_of_an_earlier_version_still_drills(backup_key, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Archives written before the checksum methods were named: md5 checksums on
    PostgreSQL, and no "method" in the manifest. The drill compares them as md5."""
    monkeypatch.setattr(database, "PG_PREFERRED_METHODS", ("md5",))
    run = services.backup_run(actor=None, output_dir=tmp_path / "usb", remote=False,
                              retention=False)
    assert run.status == BackupRun.Status.VERIFIED
    monkeypatch.undo()

    def without_methods(data: bytes) -> bytes:
        manifest = json.loads(data)
        tables = manifest["database"]["tables"]
        expected = "md5" if connection.vendor == "postgresql" else "blake2b"
        assert {entry.pop("method") for entry in tables.values()} == {expected}
        return json.dumps(manifest).encode()

    old = tmp_path / "old.tar.age"
    rewrite_archive(tmp_path / "usb" / run.archive_name, old, backup_key.identities[0],
                    edit={MANIFEST: without_methods})
    drill, report = services.drill_run(path=old, identities=backup_key.identities)
    assert report is not None
    assert report.tables
    assert report.table_mismatches == []
    assert drill.status == "passed", drill.summary
