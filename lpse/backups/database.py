"""Database snapshots, dumps, loads and per-table checksums, for PostgreSQL and SQLite.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump --snapshot` dumps
exactly that state while the same transaction lists the stored files and computes the
per-table checksums, so the dump, the file list and the checksums describe one instant.
SQLite: the online backup API copies the database in one step under a read transaction
(consistent in WAL mode while others write); the copy is then read at leisure.

Checksums are order-independent sums of per-row hashes, computed by the same engine on
both sides (backup and drill), so they compare exactly. Each table's entry in the manifest
names its method, and a drill computes the restored table's checksum the same way:

- PostgreSQL "record-hash": the sum of `hash_record_extended(row, 0)` — the row hashed from
  its typed column values by the hash functions that hash joins and hash partitioning use
  (PostgreSQL 14 or later), without converting the row to text;
- PostgreSQL "text-hash": the sum of `hashtextextended(row::text, 0)`, for a table with a
  column type that has no hash function;
- PostgreSQL "md5": the sum of the first 60 bits of `md5(row::text)`, as archives written
  before the method was named were checksummed (an entry without a method is "md5");
- SQLite "blake2b": BLAKE2b of each row's Python representation, summed modulo 2**64.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg
import zstandard
from django.db import connections

CHUNK = 1024 * 1024
ZSTD_LEVEL = 3
STORED_FILE_TABLE = "core_storedfile"
#: Tables whose rows are the data of the site: a database without any is "empty".
DATA_TABLES = ("accounts_user", "audit_auditevent", STORED_FILE_TABLE)


class DatabaseError(RuntimeError):
    """A dump or load failed; the message names the tool and its error output."""


@dataclass(frozen=True)
class TableStat:
    rows: int
    checksum: str
    method: str = "md5"

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "checksum": self.checksum, "method": self.method}


def methods_of(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The checksum method of each table of a manifest (entries without one: "md5")."""
    return {name: str(entry.get("method") or "md5") for name, entry in tables.items()}


@dataclass(frozen=True)
class StoredFileRef:
    id: str
    storage_name: str
    size: int
    sha256: str


@dataclass
class Snapshot:
    """One consistent state of the database, ready to be dumped."""

    engine: str
    tables: dict[str, TableStat] = field(default_factory=dict)
    stored_files: list[StoredFileRef] = field(default_factory=list)

    @property
    def dump_name(self) -> str:
        return "postgresql.sql.zst" if self.engine == "postgresql" else "sqlite3.db.zst"


class Dumper(Protocol):
    def dump(self, out: IO[bytes]) -> None: ...


def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise DatabaseError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_params(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """libpq parameters (also given to pg_dump and psql through the environment)."""
    params = {
        "dbname": str(settings_dict.get("NAME") or ""),
        "user": str(settings_dict.get("USER") or ""),
        "password": str(settings_dict.get("PASSWORD") or ""),
        "host": str(settings_dict.get("HOST") or ""),
        "port": str(settings_dict.get("PORT") or ""),
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options"):
        value = (settings_dict.get("OPTIONS") or {}).get(key)
        if value:
            params[key] = str(value)
    return {k: v for k, v in params.items() if v}


def _pg_env(params: Mapping[str, str]) -> dict[str, str]:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD",
             "host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE",
             "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
             "options": "PGOPTIONS"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[k]: v for k, v in params.items() if k in names})
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseError(
            f"{name} was not found: install the PostgreSQL client "
            f"(Debian: apt-get install postgresql-client)."
        )
    return path


def pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' "
        "ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: The SQL of each PostgreSQL checksum method: the hash of one row `t`, as a bigint.
PG_ROW_HASHES = {
    "record-hash": "hash_record_extended(t, 0)",
    "text-hash": "hashtextextended(t::text, 0)",
    "md5": "('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint",
}


def _pg_table_stat(cursor: Any, table: str, method: str) -> TableStat:
    if method not in PG_ROW_HASHES:
        raise DatabaseError(f"Unknown checksum method {method!r} for table {table}.")
    cursor.execute(
        f"SELECT count(*), coalesce(sum({PG_ROW_HASHES[method]}), 0)::text "  # noqa: S608
        f"FROM public.{_quote(table)} AS t"
    )
    rows, checksum = cursor.fetchone()
    return TableStat(int(rows), f"{int(checksum):x}", method)


def _pg_table_stat_if_hashable(cursor: Any, table: str, method: str) -> TableStat | None:
    """The stat by `method`, or None when a column type of the table has no hash function
    for it (the attempt is rolled back to a savepoint: the transaction and its snapshot go
    on)."""
    cursor.execute("SAVEPOINT lpse_table_stat")
    try:
        stat = _pg_table_stat(cursor, table, method)
    except psycopg.errors.UndefinedFunction:
        cursor.execute("ROLLBACK TO SAVEPOINT lpse_table_stat")
        stat = None
    cursor.execute("RELEASE SAVEPOINT lpse_table_stat")
    return stat


#: The methods a backup tries for each table, in order (the first that works is kept).
PG_PREFERRED_METHODS = ("record-hash", "text-hash")


def pg_table_stats(cursor: Any, methods: Mapping[str, str] | None = None) -> dict[str, TableStat]:
    """Rows and checksum of every table, inside the cursor's transaction. `methods` (from a
    manifest) names the method of each table; other tables get the first preferred method
    that works: the record hash, or the text hash when a column type has no hash function."""
    methods = methods or {}
    cursor.execute("SHOW server_version_num")
    record_hash = int(cursor.fetchone()[0]) >= 140000
    *attempts, last = [m for m in PG_PREFERRED_METHODS if record_hash or m != "record-hash"]
    stats = {}
    for table in pg_tables(cursor):
        if table in methods:
            stats[table] = _pg_table_stat(cursor, table, methods[table])
            continue
        found = (_pg_table_stat_if_hashable(cursor, table, method) for method in attempts)
        stats[table] = next((s for s in found if s is not None), None) or \
            _pg_table_stat(cursor, table, last)
    return stats


def _stored_files(cursor: Any, tables: list[str]) -> list[StoredFileRef]:
    if STORED_FILE_TABLE not in tables:
        return []
    cursor.execute(
        f"SELECT id, storage_name, size, sha256 FROM {STORED_FILE_TABLE} "  # noqa: S608
        "ORDER BY storage_name"
    )
    return [StoredFileRef(str(r[0]), r[1], int(r[2]), r[3]) for r in cursor.fetchall()]


class _PgDumper:
    def __init__(self, params: dict[str, str], snapshot_id: str) -> None:
        self.params = params
        self.snapshot_id = snapshot_id

    def dump(self, out: IO[bytes]) -> None:
        """pg_dump (plain SQL, the exported snapshot) compressed with zstd into `out`."""
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [_tool("pg_dump"), "--format=plain", "--no-owner", "--no-privileges",
                 f"--snapshot={self.snapshot_id}", "--encoding=UTF8"],
                stdout=subprocess.PIPE, stderr=errors, env=_pg_env(self.params),
            )
            assert proc.stdout is not None
            try:
                zstandard.ZstdCompressor(level=ZSTD_LEVEL).copy_stream(
                    proc.stdout, out, read_size=CHUNK, write_size=CHUNK
                )
            finally:
                proc.stdout.close()
                code = proc.wait()
            if code != 0:
                errors.seek(0)
                raise DatabaseError(
                    f"pg_dump failed ({code}): {errors.read().decode(errors='replace')[-2000:]}"
                )


@contextlib.contextmanager
def pg_snapshot(alias: str = "default") -> Iterator[tuple[Snapshot, Dumper]]:
    params = pg_params(connections[alias].settings_dict)
    with psycopg.connect(**params, autocommit=False) as conn:  # type: ignore[arg-type]
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot_id = str(row[0])
            tables = pg_tables(cursor)
            stored = _stored_files(cursor, tables)
            dumper = _PgDumper(params, snapshot_id)
            stats_holder: dict[str, TableStat] = {}
            snapshot = Snapshot("postgresql", stats_holder, stored)
            yield snapshot, _PgStatsThenDump(dumper, cursor, stats_holder)
        conn.rollback()


class _PgStatsThenDump:
    """Dump and compute the checksums at the same time: pg_dump reads the exported
    snapshot in its own session while this session sums the rows of the same snapshot."""

    def __init__(self, dumper: _PgDumper, cursor: Any, stats: dict[str, TableStat]) -> None:
        self.dumper, self.cursor, self.stats = dumper, cursor, stats

    def dump(self, out: IO[bytes]) -> None:
        failure: list[BaseException] = []

        def stats() -> None:
            try:
                self.stats.update(pg_table_stats(self.cursor))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                failure.append(exc)

        worker = threading.Thread(target=stats, name="backup-table-stats")
        worker.start()
        try:
            self.dumper.dump(out)
        finally:
            worker.join()
        if failure:
            raise failure[0]


def pg_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        tables = pg_tables(cursor)
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM public.{_quote(table)})")  # noqa: S608
                if cursor.fetchone()[0]:
                    return False
    return True


def pg_reset_schema(alias: str = "default", *, keep_as: str | None = None) -> None:
    """Give the database an empty `public` schema; with keep_as the old one is renamed
    (kept, with all its data) instead of dropped. Extensions (pg_trgm) move into the new
    `public` schema: a restored dump creates them "IF NOT EXISTS" and names their objects
    as public.*."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if keep_as:
            cursor.execute(f"ALTER SCHEMA public RENAME TO {_quote(keep_as)}")
        else:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
        if keep_as:
            for name in _pg_extensions_in(cursor, keep_as):
                cursor.execute(f"ALTER EXTENSION {_quote(name)} SET SCHEMA public")
    connection.close()


def pg_put_back(alias: str, kept: str) -> None:
    """Undo `pg_reset_schema(keep_as=kept)`: the kept schema becomes `public` again, with its
    extensions, and whatever was loaded into the new `public` is dropped."""
    connection = connections[alias]
    connection.close()
    with connection.cursor() as cursor:
        for name in _pg_extensions_in(cursor, "public"):
            cursor.execute(f"ALTER EXTENSION {_quote(name)} SET SCHEMA {_quote(kept)}")
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute(f"ALTER SCHEMA {_quote(kept)} RENAME TO public")
    connection.close()


def pg_drop_schema(alias: str, name: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(name)} CASCADE")
    connection.close()


def _pg_extensions_in(cursor: Any, schema: str) -> list[str]:
    cursor.execute("SELECT e.extname FROM pg_extension e JOIN pg_namespace n "
                   "ON n.oid = e.extnamespace WHERE n.nspname = %s", [schema])
    return [row[0] for row in cursor.fetchall()]


class PgLoader:
    """Feeds a compressed plain dump to psql inside one transaction; commits only when the
    caller has checked the dump's hash."""

    def __init__(self, params: dict[str, str]) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in commit/abort
        self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-psqlrc"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors,
            env=_pg_env(params),
        )
        assert self._proc.stdin is not None
        self._stdin = self._proc.stdin
        self._stdin.write(b"BEGIN;\n")
        self._decompressor = zstandard.ZstdDecompressor().stream_writer(
            self._stdin, write_size=CHUNK, closefd=False
        )

    def write(self, data: bytes) -> None:
        try:
            self._decompressor.write(data)
        except BrokenPipeError as exc:
            raise self._failure() from exc

    def _failure(self) -> DatabaseError:
        code = self._proc.wait()
        self._errors.seek(0)
        message = self._errors.read().decode(errors="replace")[-2000:]
        self._errors.close()
        return DatabaseError(f"psql failed ({code}): {message}")

    def commit(self) -> None:
        try:
            self._decompressor.flush()  # type: ignore[no-untyped-call]
            self._stdin.write(b"\nCOMMIT;\n")
            self._stdin.close()
        except BrokenPipeError as exc:
            raise self._failure() from exc
        if self._proc.wait() != 0:
            raise self._failure()
        self._errors.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._stdin.write(b"\nROLLBACK;\n")
            self._stdin.close()
        self._proc.wait()
        self._errors.close()


def pg_create_database(alias: str, name: str) -> dict[str, str]:
    """Create an empty scratch database beside the one of `alias`; returns its params."""
    params = pg_params(connections[alias].settings_dict)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE DATABASE {_quote(name)}")  # type: ignore[arg-type]
    return {**params, "dbname": name}


def pg_drop_database(params: Mapping[str, str]) -> None:
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"DROP DATABASE IF EXISTS {_quote(params['dbname'])} WITH (FORCE)")  # type: ignore[arg-type]


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def sqlite_table_stats(cursor: Any) -> dict[str, TableStat]:
    stats = {}
    for table in sqlite_tables(cursor):
        total = 0
        rows = 0
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest = hashlib.blake2b(repr(tuple(row)).encode(), digest_size=8).digest()
                total = (total + int.from_bytes(digest, "big")) % (1 << 64)
                rows += 1
        stats[table] = TableStat(rows, f"{total:x}", "blake2b")
    return stats


class _SqliteDumper:
    def __init__(self, path: Path) -> None:
        self.path = path

    def dump(self, out: IO[bytes]) -> None:
        with self.path.open("rb") as source:
            zstandard.ZstdCompressor(level=ZSTD_LEVEL).copy_stream(
                source, out, read_size=CHUNK, write_size=CHUNK
            )


def sqlite_copy(source_path: str | Path, target: sqlite3.Connection) -> None:
    """Copy a database file into `target` with the online backup API (one step)."""
    source = sqlite3.connect(str(source_path), timeout=60)
    try:
        source.backup(target)
    finally:
        source.close()


@contextlib.contextmanager
def sqlite_snapshot(alias: str, work_dir: Path) -> Iterator[tuple[Snapshot, Dumper]]:
    path = Path(connections[alias].settings_dict["NAME"])
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="snapshot-") as tmp:
        copy_path = Path(tmp) / "snapshot.sqlite3"
        copy = sqlite3.connect(str(copy_path))
        try:
            sqlite_copy(path, copy)
            cursor = copy.cursor()
            tables = sqlite_tables(cursor)
            snapshot = Snapshot("sqlite", sqlite_table_stats(cursor), _stored_files(cursor, tables))
            cursor.close()
        finally:
            copy.close()
        yield snapshot, _SqliteDumper(copy_path)


def sqlite_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        tables = sqlite_tables(cursor)
        for table in DATA_TABLES:
            if table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")  # noqa: S608
                if cursor.fetchone()[0]:
                    return False
    return True


class SqliteLoader:
    """Decompresses the dump into a file beside the target; `commit` copies it into the
    target database with the backup API (all or nothing)."""

    def __init__(self, target_path: Path, *, into_alias: str | None) -> None:
        self.target_path = target_path
        self.into_alias = into_alias
        target_path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target_path.parent, prefix=".restore-", suffix=".db")
        self._tmp_path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._decompressor = zstandard.ZstdDecompressor().stream_writer(
            self._file, write_size=CHUNK, closefd=False
        )

    def write(self, data: bytes) -> None:
        self._decompressor.write(data)

    def commit(self) -> None:
        self._decompressor.flush()  # type: ignore[no-untyped-call]
        self._file.close()
        try:
            check = sqlite3.connect(str(self._tmp_path))
            try:
                result = check.execute("PRAGMA integrity_check").fetchone()
            finally:
                check.close()
            if not result or result[0] != "ok":
                raise DatabaseError(f"The restored SQLite database is damaged: {result}")
            if self.into_alias is not None:
                connection = connections[self.into_alias]
                connection.close()
                connection.ensure_connection()
                sqlite_copy(self._tmp_path, connection.connection)
            else:
                target = sqlite3.connect(str(self.target_path))
                try:
                    sqlite_copy(self._tmp_path, target)
                finally:
                    target.close()
        finally:
            self._tmp_path.unlink(missing_ok=True)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        self._tmp_path.unlink(missing_ok=True)


def sqlite_keep_copy(alias: str, path: Path) -> None:
    """Keep the current database (consistently) in `path` before it is replaced."""
    target = sqlite3.connect(str(path))
    try:
        sqlite_copy(connections[alias].settings_dict["NAME"], target)
    finally:
        target.close()


def sqlite_put_back(alias: str, path: Path) -> None:
    """Undo a restore: copy the kept database back into the live one."""
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    sqlite_copy(path, connection.connection)
    connection.close()


# --- Engine-independent entry points --------------------------------------------------------


@contextlib.contextmanager
def snapshot(alias: str, work_dir: Path) -> Iterator[tuple[Snapshot, Dumper]]:
    if engine_of(alias) == "postgresql":
        with pg_snapshot(alias) as result:
            yield result
    else:
        with sqlite_snapshot(alias, work_dir) as result:
            yield result


def table_stats(alias: str = "default") -> dict[str, TableStat]:
    """Per-table rows and checksums of a live database, computed exactly as for the manifest
    (through the database driver itself, not Django's type conversions)."""
    settings_dict = connections[alias].settings_dict
    if engine_of(alias) == "postgresql":
        with psycopg.connect(**pg_params(settings_dict)) as conn, conn.cursor() as cursor:  # type: ignore[arg-type]
            return pg_table_stats(cursor)
    lite = sqlite3.connect(str(settings_dict["NAME"]), timeout=60)
    try:
        return sqlite_table_stats(lite.cursor())
    finally:
        lite.close()


def is_empty(alias: str = "default") -> bool:
    return pg_is_empty(alias) if engine_of(alias) == "postgresql" else sqlite_is_empty(alias)
