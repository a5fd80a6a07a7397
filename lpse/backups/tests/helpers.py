"""Shared test helpers: destroying the site, reading the storage, tampering with archives."""

from __future__ import annotations

import contextlib
import io
import shutil
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connections
from pyrage import x25519

from lpse.backups.drills import (
    DrillCheck,
    drill_checks,
    register_drill_check,
    unregister_drill_check,
)


def destroy_site(alias: str = "default") -> None:
    """Lose everything: every table of the database and every stored file."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table' "
                           "AND name NOT LIKE 'sqlite_%'")
            for (table,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys=ON")
    connection.close()
    root = Path(settings.MEDIA_ROOT)
    for child in root.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def storage_contents() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def rewrite_archive(path: Path, out: Path, identity: x25519.Identity, *,
                    drop: str | None = None, flip_in: str | None = None,
                    edit: dict[str, Callable[[bytes], bytes]] | None = None) -> None:
    """Decrypt, change the tar (drop one entry / flip one byte of one entry / rewrite
    entries with `edit`), re-encrypt to the same key: what a wrong copy, a tampered archive
    or an archive of an earlier version looks like."""
    plain = pyrage.decrypt(path.read_bytes(), [identity])
    buffer = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(plain)) as source, \
            tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            if member.name == drop:
                continue
            data = source.extractfile(member).read()
            if member.name == flip_in:
                data = bytearray(data)
                data[len(data) // 2] ^= 0x40
                data = bytes(data)
            if edit and member.name in edit:
                data = edit[member.name](data)
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    out.write_bytes(pyrage.encrypt(buffer.getvalue(), [identity.to_public()]))


@contextlib.contextmanager
def drill_check_replaced(name: str, check: DrillCheck | None) -> Iterator[None]:
    """Run drills with `check` under `name` (None: without any), then put back what was
    registered (the sealed-bids app registers its check at start-up)."""
    previous = drill_checks().get(name)
    unregister_drill_check(name)
    if check is not None:
        register_drill_check(name, check)
    try:
        yield
    finally:
        unregister_drill_check(name)
        if previous is not None:
            register_drill_check(name, previous)
