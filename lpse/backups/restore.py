"""Restoring an archive: into the live database and storage, or into a scratch copy (drill).

The entries stream straight to their targets: files to the storage under their exact
names, the database dump into psql (inside one transaction) or into a scratch SQLite file.
The database is committed only after the dump's own SHA-256 entry matched what arrived.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg
from django.core.files.storage import FileSystemStorage, Storage
from django.db import connections
from django.utils import timezone
from pyrage import x25519

from lpse.audit.verify import ChainReport, verify_chain
from lpse.backups import database
from lpse.backups import storage as files
from lpse.backups.archive import FILES_PREFIX, ArchiveDamaged, Entry
from lpse.backups.drills import NO_SEALED_BIDS, DrillContext, drill_checks, run_checks
from lpse.backups.engine import CheckReport, read_archive


class RestoreError(RuntimeError):
    """The restore cannot go on; the message is for the operator."""


class Loader(Protocol):
    def write(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class Restorer:
    """The entry handler: writes every entry to its target while the archive is read."""

    def __init__(self, *, engine: str, new_loader: Callable[[], Loader],
                 storage: Storage) -> None:
        self.engine = engine
        self.new_loader = new_loader
        self.storage = storage
        self.files_written: dict[str, tuple[int, str]] = {}
        self.database_restored = False
        self._pending: tuple[Loader, str, str] | None = None

    def __call__(self, entry: Entry, report: CheckReport) -> None:
        info = report.info or {}
        database_entry = info.get("database_entry", "")
        if entry.name.endswith("BACKUP-INFO.json"):
            if info.get("engine") != self.engine:
                raise RestoreError(
                    f"This archive holds a {info.get('engine')} database; the target is "
                    f"{self.engine}. Restore it into the same kind of database."
                )
        elif entry.name.startswith(FILES_PREFIX):
            self._write_file(entry)
        elif database_entry and entry.name == database_entry:
            loader = self.new_loader()
            try:
                for chunk in entry.chunks():
                    loader.write(chunk)
            except BaseException as exc:
                loader.abort()
                if isinstance(exc, Exception) and not isinstance(
                        exc, RestoreError | ArchiveDamaged):
                    # zstd, psql: a damaged dump, told as such
                    raise RestoreError(f"BAD: {entry.name} cannot be read ({exc}); nothing "
                                       "of the database was committed.") from exc
                raise
            self._pending = (loader, entry.stream.sha256.hexdigest(), entry.name)
        elif database_entry and entry.name == database_entry + ".sha256":
            expected = entry.read().decode("ascii", errors="replace").split()[:1]
            if self._pending is None:
                raise RestoreError("The database dump is missing from the archive.")
            loader, actual, name = self._pending
            self._pending = None
            if expected != [actual]:
                loader.abort()
                raise RestoreError(f"BAD: {name} does not match its SHA-256; nothing of the "
                                   "database was committed.")
            try:
                loader.commit()
            except Exception as exc:
                with contextlib.suppress(Exception):
                    loader.abort()
                raise RestoreError(f"BAD: {name} could not be loaded ({exc}); nothing of the "
                                   "database was committed.") from exc
            self.database_restored = True

    def _write_file(self, entry: Entry) -> None:
        name = entry.name[len(FILES_PREFIX):]
        writer = files.FileWriter(self.storage, name)
        try:
            for chunk in entry.chunks():
                writer.write(chunk)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        self.files_written[name] = (writer.size, entry.stream.sha256.hexdigest())

    def close(self) -> None:
        """Abort a database load that never got its checksum (damaged archive)."""
        if self._pending is not None:
            self._pending[0].abort()
            self._pending = None


@dataclass
class RestoreResult:
    report: CheckReport
    database_restored: bool
    files_restored: int
    chain: ChainReport | None
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.report.ok and self.database_restored
                    and self.chain is not None and self.chain.ok)


def live_loader(alias: str) -> Callable[[], Loader]:
    settings_dict = connections[alias].settings_dict
    if database.engine_of(alias) == "postgresql":
        params = database.pg_params(settings_dict)
        return lambda: database.PgLoader(params)
    return lambda: database.SqliteLoader(Path(settings_dict["NAME"]), into_alias=alias)


def restore_into_live(*, source: IO[bytes], identities: list[x25519.Identity], replace: bool,
                      alias: str = "default", storage: Storage) -> RestoreResult:
    """Restore into the site's own database and storage.

    Refuses a database or storage that holds data unless `replace`; then the replaced data
    is kept (PostgreSQL: the old schema renamed; SQLite: a copy of the file; files: moved
    into a sibling directory) and named in the result.
    """
    engine = database.engine_of(alias)
    db_empty = database.is_empty(alias)
    storage_empty = files.is_empty(storage)
    if not (db_empty and storage_empty) and not replace:
        what = " and ".join(w for w, empty in (("the database", db_empty),
                                               ("the file storage", storage_empty)) if not empty)
        raise RestoreError(
            f"Refusing to restore: {what} already hold{'' if ' and ' in what else 's'} data. "
            "Restore into an empty database and storage, or give --replace (what is replaced "
            "is kept)."
        )
    suffix = timezone.now().strftime("%Y%m%d%H%M%S")
    # All or nothing: what the target held (even an empty schema) is set aside first and put
    # back if anything goes wrong; it is kept after success only when it held data.
    previous = _set_aside(alias, engine, suffix)
    files_kept = None if storage_empty else files.move_aside(storage, suffix)
    restorer = Restorer(engine=engine, new_loader=live_loader(alias), storage=storage)
    try:
        report = read_archive(source, identities, restorer)
    except BaseException:
        restorer.close()
        _undo(restorer, alias, engine, previous, files_kept)
        raise
    restorer.close()
    if not (report.ok and restorer.database_restored):
        _undo(restorer, alias, engine, previous, files_kept)
        return RestoreResult(report, False, 0, None, [])
    kept: list[str] = []
    if files_kept is not None:
        kept.append(f"files moved to {files_kept}")
    if db_empty:
        _discard(alias, engine, previous)
    elif engine == "postgresql":
        kept.append(f"database kept as PostgreSQL schema {previous}")
    else:
        kept.append(f"database kept as {previous}")
    for connection in connections.all():
        connection.close()
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    chain = verify_chain(using=alias)
    result = RestoreResult(report, True, len(restorer.files_written), chain, kept)
    result.warnings = check_stored_files(alias, restorer.files_written)
    return result


def _set_aside(alias: str, engine: str, suffix: str) -> str:
    """Keep the target database as it is: PostgreSQL renames its schema, SQLite copies the
    file. Returns the schema name or the copy's path."""
    if engine == "postgresql":
        schema = f"lpse_replaced_{suffix}"
        database.pg_reset_schema(alias, keep_as=schema)
        return schema
    path = Path(connections[alias].settings_dict["NAME"])
    copy = path.with_name(f"{path.name}.replaced-{suffix}")
    database.sqlite_keep_copy(alias, copy)
    return str(copy)


def _discard(alias: str, engine: str, previous: str) -> None:
    if engine == "postgresql":
        database.pg_drop_schema(alias, previous)
    else:
        Path(previous).unlink(missing_ok=True)


def _undo(restorer: Restorer, alias: str, engine: str, previous: str,
          files_kept: Path | None) -> None:
    """Put the target back exactly as it was before the restore began."""
    for name in restorer.files_written:
        with contextlib.suppress(OSError):
            restorer.storage.delete(name)
    restorer.files_written.clear()
    if files_kept is not None:
        files.move_back(restorer.storage, files_kept)
    if engine == "postgresql":
        database.pg_put_back(alias, previous)
    else:
        if restorer.database_restored:
            database.sqlite_put_back(alias, Path(previous))
        Path(previous).unlink(missing_ok=True)
    restorer.database_restored = False
    for connection in connections.all():
        connection.close()


def check_stored_files(alias: str, written: dict[str, tuple[int, str]]) -> list[str]:
    """Stored-file records of the restored database whose file is absent or differs from
    the SHA-256 recorded at upload. These are faults of the source (the backup lists them
    as warnings too), not of the archive."""
    from lpse.core.models import StoredFile

    problems = []
    for name, size, sha256 in StoredFile.objects.using(alias).values_list(
            "storage_name", "size", "sha256").iterator(chunk_size=2000):
        got = written.get(name)
        if got is None:
            problems.append(f"No file for the stored-file record {name}")
        elif got != (size, sha256):
            problems.append(f"{name} differs from the SHA-256 recorded at upload")
    return problems


# --- Drill ----------------------------------------------------------------------------------


@dataclass
class DrillReport:
    archive: str
    engine: str = ""
    report: CheckReport | None = None
    tables: list[dict[str, Any]] = field(default_factory=list)
    table_mismatches: list[str] = field(default_factory=list)
    files_checked: int = 0
    chain: ChainReport | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return bool(
            not self.error and self.report is not None and self.report.ok
            and not self.table_mismatches and self.chain is not None and self.chain.ok
            and all(c["ok"] for c in self.checks)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "archive": self.archive,
            "engine": self.engine,
            "ok": self.ok,
            "error": self.error,
            "problems": self.report.problems() if self.report else [],
            "tables": self.tables,
            "table_mismatches": self.table_mismatches,
            "files_checked": self.files_checked,
            "warnings": self.warnings,
            "audit_chain": None if self.chain is None else {
                "ok": self.chain.ok, "checked": self.chain.checked,
                "first_broken_seq": self.chain.first_broken_seq, "reason": self.chain.reason,
            },
            "checks": self.checks,
            "sealed_bids": (None if any(c["name"].startswith("bids.") for c in self.checks)
                            else NO_SEALED_BIDS),
        }

    def lines(self) -> list[str]:
        data = self.as_json()
        out = [f"Restore drill of {self.archive} ({self.engine or 'unknown engine'})"]
        if self.error:
            out.append(f"  ERROR: {self.error}")
        out += [f"  {p}" for p in data["problems"]]
        matched = sum(1 for t in self.tables if t["ok"])
        out.append(f"  Tables: {matched} of {len(self.tables)} equal in rows and checksum")
        out += [f"  TABLE DIFFERS: {m}" for m in self.table_mismatches]
        out.append(f"  Files: {self.files_checked} restored and byte-identical to the manifest")
        out += [f"  warning: {w}" for w in self.warnings]
        if self.chain is not None:
            out.append(f"  Audit chain: {'intact' if self.chain.ok else 'BROKEN'} "
                       f"({self.chain.checked} events)"
                       + ("" if self.chain.ok else
                          f" at #{self.chain.first_broken_seq}: {self.chain.reason}"))
        if not self.checks:
            out.append(f"  Sealed bids: {NO_SEALED_BIDS}")
        for check in self.checks:
            out.append(f"  Check {check['name']}: {'passed' if check['ok'] else 'FAILED'}"
                       f" {check['detail']}")
        out.append("RESULT: " + ("PASSED" if self.ok else "FAILED"))
        return out


@contextlib.contextmanager
def _alias(name: str, settings_dict: dict[str, Any]) -> Iterator[str]:
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), name: dict(settings_dict)}
    )
    connections.settings[name] = configured[name]
    try:
        # Connect at once: the scratch database is used straight away (and a test run's
        # guard against undeclared databases only stops connections opened lazily).
        connections[name].connect()
        yield name
    finally:
        with contextlib.suppress(Exception):
            connections[name].close()
        connections.settings.pop(name, None)
        with contextlib.suppress(AttributeError):
            del connections[name]


def _stats(engine: str, target: Any, methods: dict[str, str]) -> dict[str, database.TableStat]:
    if engine == "postgresql":
        with psycopg.connect(**target) as conn, conn.cursor() as cursor:
            return database.pg_table_stats(cursor, methods)
    lite = sqlite3.connect(str(target))
    try:
        return database.sqlite_table_stats(lite.cursor())
    finally:
        lite.close()


def drill(*, source: IO[bytes], archive: str, identities: list[x25519.Identity],
          alias: str = "default", keep: Path | None = None) -> DrillReport:
    """Restore into a scratch database and directory and compare with the source."""
    engine = database.engine_of(alias)
    result = DrillReport(archive=archive, engine=engine)
    base = dict(connections[alias].settings_dict)
    with tempfile.TemporaryDirectory(prefix="lpse-drill-") as tmp:
        root = keep or Path(tmp)
        files_root = root / "files"
        files_root.mkdir(parents=True, exist_ok=True)
        scratch_storage = FileSystemStorage(location=str(files_root))
        pg_target: dict[str, str] | None = None
        sqlite_target = root / "drill.sqlite3"
        if engine == "postgresql":
            name = f"{base['NAME']}_drill_{uuid.uuid4().hex[:8]}"[:63]
            pg_target = database.pg_create_database(alias, name)
            target_params: dict[str, str] = pg_target

            def new_loader() -> Loader:
                return database.PgLoader(target_params)

            scratch_settings = {**base, "NAME": name, "TEST": {}}
        else:
            def new_loader() -> Loader:
                return database.SqliteLoader(sqlite_target, into_alias=None)

            scratch_settings = {**base, "NAME": str(sqlite_target), "TEST": {}}
        try:
            restorer = Restorer(engine=engine, new_loader=new_loader, storage=scratch_storage)
            try:
                report = read_archive(source, identities, restorer)
            finally:
                restorer.close()
            result.report = report
            if not restorer.database_restored:
                result.error = "The database could not be restored."
                return result
            _compare(result, report, restorer, engine, pg_target or sqlite_target)
            with _alias("backup_drill", scratch_settings) as drill_alias:
                result.warnings = check_stored_files(drill_alias, restorer.files_written)
                result.chain = verify_chain(using=drill_alias)
                if drill_checks():
                    result.checks = run_checks(DrillContext(
                        alias=drill_alias, storage=scratch_storage, files_root=files_root,
                        manifest=report.manifest or {},
                    ))
        except Exception as exc:  # noqa: BLE001 - reported, not raised: a drill always ends in a report
            result.error = f"{type(exc).__name__}: {exc}"
        finally:
            if pg_target is not None and keep is None:
                database.pg_drop_database(pg_target)
    return result


def _compare(result: DrillReport, report: CheckReport, restorer: Restorer, engine: str,
             target: Any) -> None:
    manifest = report.manifest or {}
    expected = manifest.get("database", {}).get("tables", {})
    actual = _stats(engine, target, database.methods_of(expected))
    for table in sorted(set(expected) | set(actual)):
        want = expected.get(table)
        got = actual.get(table)
        ok = want is not None and got is not None and \
            (int(want["rows"]), want["checksum"]) == (got.rows, got.checksum)
        result.tables.append({
            "table": table, "ok": ok,
            "rows_source": None if want is None else int(want["rows"]),
            "rows_restored": None if got is None else got.rows,
        })
        if not ok:
            result.table_mismatches.append(
                f"{table}: source {want['rows'] if want else '—'} rows, restored "
                f"{got.rows if got else '—'} rows" + (" (same count, different content)"
                                                      if want and got and
                                                      int(want['rows']) == got.rows else "")
            )
    listed = [e for e in manifest.get("entries", []) if e["path"].startswith(FILES_PREFIX)]
    for entry in listed:
        name = entry["path"][len(FILES_PREFIX):]
        if restorer.files_written.get(name) == (int(entry["size"]), entry["sha256"]):
            result.files_checked += 1
        else:
            report.errors.append(f"FILE DIFFERS after restore: {name}")
