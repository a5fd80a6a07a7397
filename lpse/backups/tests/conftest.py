from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyrage import x25519

from lpse.backups.keys import generate_keypair, parse_identities


@dataclass
class BackupKey:
    identity_file: Path
    recipient: str
    directory: Path

    @property
    def identities(self) -> list[x25519.Identity]:
        return parse_identities(self.identity_file.read_text())


@pytest.fixture
def backup_key(tmp_path: Path, settings) -> BackupKey:
    """A key pair (private key in a file, as it would be on the offline medium) and the
    settings that point backups at it and at a temporary "portable drive"."""
    pair = generate_keypair()
    identity_file = tmp_path / "offline-key.txt"
    identity_file.write_text(f"# test key\n{pair.identity}\n")
    os.chmod(identity_file, 0o600)
    settings.BACKUP_RECIPIENTS = [pair.recipient]
    settings.BACKUP_LOCAL_DIR = tmp_path / "drive"
    settings.BACKUP_WORK_DIR = tmp_path / "work"
    settings.BACKUP_S3_BUCKET = ""
    settings.BACKUP_REQUIRE_MOUNT = False
    return BackupKey(identity_file, pair.recipient, tmp_path / "drive")


def store_some_files(count: int = 5, size: int = 50_000, purpose: str = "test.backup") -> list:
    """Stored files with random content (like sealed bids: incompressible bytes)."""
    from lpse.core.files import store_bytes

    return [
        store_bytes(data=os.urandom(size + n), original_name=f"dokumen-{n}.bin",
                    purpose=purpose, content_type="application/octet-stream")
        for n in range(count)
    ]


@pytest.fixture(autouse=True)
def _schema_back(request: pytest.FixtureRequest):
    """Tests that destroy the site and then fail to restore (on purpose: tampered archives)
    leave a database without tables; build the schema again before the test database is
    flushed for the next test on this worker."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    if "accounts_user" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0, interactive=False)
