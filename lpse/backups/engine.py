"""Writing an archive from the live site, and reading one back entry by entry.

This module knows the archive's layout (lpse.backups.archive) and the database and
storage helpers; it has no model records. lpse.backups.services wraps it with the
BackupRun / DrillRun records, the audit trail and the alerts.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import platform
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.core.files.storage import Storage
from django.utils import timezone
from pyrage import x25519

from lpse.backups import database
from lpse.backups import storage as files
from lpse.backups.archive import (
    CONFIG,
    DATABASE_PREFIX,
    FILES_PREFIX,
    FORMAT,
    INFO,
    MANIFEST,
    ArchiveDamaged,
    ArchiveError,
    ArchiveReader,
    ArchiveWriter,
    Entry,
    Source,
    Writable,
    decode_json,
    encode_json,
)
from lpse.backups.keys import fingerprint
from lpse.core.held_uploads import HELD_PREFIX

#: Settings copied into config.json: what a restore on a new machine needs to know.
#: Secrets (SECRET_KEY, passwords, access keys) are never included.
CONFIG_SETTINGS = (
    "SITE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "TIME_ZONE", "LANGUAGE_CODE",
    "STORAGE_BACKEND", "MEDIA_ROOT", "LPSE_UNIT_NAME", "LPSE_UNIT_PARENT",
    "LPSE_UNIT_ADDRESS", "LPSE_UNIT_PHONE", "LPSE_UNIT_EMAIL", "LPSE_UNIT_CODE",
    "LPSE_REGION_NAME", "SERVICE_HOURS_START", "SERVICE_HOURS_END", "LETTER_NUMBER_FORMAT",
    "DEFAULT_FROM_EMAIL", "UPLOAD_MAX_BYTES", "BACKUP_RECIPIENTS", "BACKUP_LOCAL_DIR",
    "BACKUP_S3_BUCKET", "BACKUP_S3_PREFIX", "BACKUP_S3_ENDPOINT_URL", "BACKUP_TIME",
    "BACKUP_KEEP_DAILY", "BACKUP_KEEP_WEEKLY", "BACKUP_KEEP_MONTHLY",
)
#: Kept elsewhere (a password manager or sealed envelope), never in a backup.
SECRET_SETTINGS = ("SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "S3_ACCESS_KEY_ID",
                   "S3_SECRET_ACCESS_KEY", "BACKUP_S3_ACCESS_KEY_ID",
                   "BACKUP_S3_SECRET_ACCESS_KEY", "REDIS_URL")

Progress = Callable[[str, int, int], None]


def app_version() -> str:
    try:
        return importlib.metadata.version("lpse")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def restore_config() -> dict[str, Any]:
    return {
        "settings": {name: _jsonable(getattr(settings, name, None)) for name in CONFIG_SETTINGS},
        "secrets_not_included": list(SECRET_SETTINGS),
        "app_version": app_version(),
        "django": django.get_version(),
        "python": platform.python_version(),
    }


@dataclass
class BackupResult:
    engine: str
    size: int
    sha256: str
    tables: dict[str, database.TableStat]
    file_count: int
    file_bytes: int
    warnings: list[str]
    manifest: dict[str, Any]


class _Progress:
    """Throttles progress reports to about one a second."""

    def __init__(self, report: Progress | None) -> None:
        self.report = report
        self.phase = ""
        self.done = 0
        self.total = 0
        self._last = 0.0
        self._lock = threading.Lock()

    def set(self, phase: str, total: int | None = None) -> None:
        self.phase = phase
        if total is not None:
            self.total = total
        self._emit(force=True)

    def add(self, amount: int) -> None:
        with self._lock:
            self.done += amount
        self._emit()

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.report is not None and (force or now - self._last >= 1.0):
            self._last = now
            self.report(self.phase, self.done, max(self.total, self.done))


def plan_files(snapshot: database.Snapshot, storage: Storage,
               warnings: list[str]) -> list[files.FileToBackUp]:
    """The stored files of the snapshot, then any other file found in the storage."""
    plan = []
    referenced = set()
    for ref in snapshot.stored_files:
        referenced.add(ref.storage_name)
        try:
            size = files.size_of(storage, ref.storage_name)
        except (FileNotFoundError, OSError):
            warnings.append(f"Missing from the storage: {ref.storage_name} (stored file {ref.id})")
            continue
        plan.append(files.FileToBackUp(ref.storage_name, size, ref.id, ref.sha256))
    for name in files.walk(storage):
        if name in referenced or name.rsplit("/", 1)[-1].startswith(".") \
                or name.startswith(f"{HELD_PREFIX}/"):
            continue  # held uploads: a refused form's files, gone within a day
        with contextlib.suppress(FileNotFoundError, OSError):
            plan.append(files.FileToBackUp(name, files.size_of(storage, name), None, None))
    return plan


def write_backup(*, out: Writable, recipients: list[x25519.Recipient], recipient_texts: list[str],
                 storage: Storage, work_dir: Path, alias: str = "default",
                 progress: Progress | None = None, created_at: datetime | None = None,
                 hash_output: bool = True) -> BackupResult:
    """Write one consistent, encrypted archive of the database and the stored files.

    With hash_output=False the result's sha256 is empty: `out` hashes what it wrote
    (lpse.backups.destinations.ReadBackWriter, on the bytes read back from the drive)."""
    created_at = created_at or timezone.now()
    meter = _Progress(progress)
    warnings: list[str] = []
    work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    meter.set("snapshot")
    with database.snapshot(alias, work_dir) as (snap, dumper), \
            tempfile.TemporaryFile(dir=work_dir, prefix="dump-") as spool:
        plan = plan_files(snap, storage, warnings)
        file_total = sum(f.size for f in plan)
        # The database is dumped into a scratch file while the files stream into the
        # archive; the dump joins the archive once it is complete (its size is needed).
        dump_error: list[BaseException] = []

        def dump() -> None:
            try:
                dumper.dump(spool)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                dump_error.append(exc)

        dump_thread = threading.Thread(target=dump, name="backup-dump", daemon=True)
        dump_thread.start()
        info = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "engine": snap.engine,
            "database_entry": DATABASE_PREFIX + snap.dump_name,
            "app_version": app_version(),
            "site_url": settings.SITE_URL,
            "unit": settings.LPSE_UNIT_NAME,
            "recipients": [fingerprint(r) for r in recipient_texts],
            "open_with": "age -d -i KEY.txt ARCHIVE.tar.age | tar -x",
        }
        writer = ArchiveWriter(out, recipients, progress=meter.add, hash_output=hash_output)
        manifest_files: dict[str, dict[str, Any]] = {}
        db_name = DATABASE_PREFIX + snap.dump_name
        manifest: dict[str, Any] = {}

        def sources() -> Iterator[Source]:
            yield Source.of_bytes(INFO, encode_json(info))
            yield Source.of_bytes(CONFIG, encode_json(restore_config()))
            meter.set("files", total=file_total)
            for item in plan:
                try:
                    handle = files.open_for_backup(storage, item.name)
                except (FileNotFoundError, OSError):
                    warnings.append(f"Removed from the storage during the backup: {item.name}")
                    meter.add(item.size)
                    continue
                with handle:
                    yield Source(FILES_PREFIX + item.name, item.size, handle)
                entry = writer.entries[-1]
                if item.expected_sha256 and entry.sha256 != item.expected_sha256:
                    warnings.append(
                        f"{item.name} no longer matches the SHA-256 recorded at upload "
                        f"(stored file {item.stored_file_id}): backed up as it is now."
                    )
                manifest_files[entry.name] = {"stored_file": item.stored_file_id}
            meter.set("database")
            dump_thread.join()
            if dump_error:
                raise dump_error[0]
            db_size = spool.tell()
            spool.seek(0)
            meter.set("database", total=file_total + db_size)
            yield Source(db_name, db_size, spool)
            db_sha = writer.entries[-1].sha256
            yield Source.of_bytes(db_name + ".sha256",
                                  f"{db_sha}  {snap.dump_name}\n".encode("ascii"))
            meter.set("finishing")
            file_entries = [e for e in writer.entries if e.name.startswith(FILES_PREFIX)]
            manifest.update({
                "format": FORMAT,
                "created_at": created_at.isoformat(),
                "engine": snap.engine,
                "database": {
                    "entry": db_name,
                    "encoding": "pg_dump --format=plain | zstd" if snap.engine == "postgresql"
                    else "SQLite database file | zstd",
                    "tables": {name: stat.as_json() for name, stat in sorted(snap.tables.items())},
                },
                "files": {"count": len(file_entries),
                          "bytes": sum(e.size for e in file_entries)},
                "entries": [
                    {"path": e.name, "size": e.size, "sha256": e.sha256,
                     **manifest_files.get(e.name, {})}
                    for e in writer.entries
                ],
                "warnings": warnings,
            })
            yield Source.of_bytes(MANIFEST, encode_json(manifest))

        try:
            size, sha256 = writer.write(sources())
        finally:
            dump_thread.join()
    file_entries = [e for e in writer.entries if e.name.startswith(FILES_PREFIX)]
    return BackupResult(
        engine=snap.engine, size=size, sha256=sha256, tables=dict(snap.tables),
        file_count=len(file_entries), file_bytes=sum(e.size for e in file_entries),
        warnings=warnings, manifest=manifest,
    )


# --- Reading and checking -------------------------------------------------------------------


@dataclass
class CheckReport:
    """What reading an archive found, entry by entry, against its manifest."""

    info: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    damaged: str = ""
    damaged_entry: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.manifest is not None and not self.bad and not self.missing
                and not self.unexpected and not self.damaged and not self.errors)

    def problems(self) -> list[str]:
        lines = []
        if self.damaged:
            lines.append(self.damaged)
        elif self.manifest is None:
            lines.append("The manifest is missing: the archive is incomplete.")
        lines += [f"BAD (content differs from the manifest): {n}" for n in self.bad]
        lines += [f"MISSING (in the manifest, not in the archive): {n}" for n in self.missing]
        lines += [f"UNEXPECTED (not in the manifest): {n}" for n in self.unexpected]
        lines += self.errors
        return lines

    def compare(self) -> None:
        if self.manifest is None:
            return
        listed = {e["path"]: e for e in self.manifest.get("entries", [])}
        for name, entry in listed.items():
            if name not in self.seen:
                if self.damaged:
                    continue  # not reached: reported as damage, not as missing
                self.missing.append(name)
            elif self.seen[name] != (int(entry["size"]), entry["sha256"]):
                self.bad.append(name)
        self.unexpected = [n for n in self.seen if n not in listed and n != MANIFEST]


EntryHandler = Callable[[Entry, CheckReport], None]


def read_archive(source: IO[bytes], identities: list[x25519.Identity],
                 handler: EntryHandler | None = None,
                 progress: Callable[[int], None] | None = None) -> CheckReport:
    """Decrypt and walk an archive, hashing every entry, then compare with its manifest.

    `handler(entry, report)` may consume each entry's stream (restore); whatever it leaves
    unread is read and hashed anyway. Damage stops the walk and names the entry.
    """
    report = CheckReport()
    reader = ArchiveReader(source, identities)  # type: ignore[arg-type]
    try:
        for entry in reader:
            if entry.name == INFO:
                report.info = decode_json(entry)
                if report.info.get("format") != FORMAT:
                    raise ArchiveError(f"Not an {FORMAT} archive: {report.info.get('format')}")
            elif entry.name == MANIFEST:
                report.manifest = decode_json(entry)
            if handler is not None:
                handler(entry, report)
            while chunk := entry.stream.read(1024 * 1024):
                if progress is not None:
                    progress(len(chunk))
            entry_sha = entry.stream.sha256.hexdigest()
            report.seen[entry.name] = (entry.stream.size, entry_sha)
            if progress is not None and handler is not None:
                progress(0)
    except ArchiveDamaged as exc:
        report.damaged = str(exc)
        report.damaged_entry = exc.entry
    report.compare()
    return report
