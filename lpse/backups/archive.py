"""The archive: a POSIX tar stream (pax headers) encrypted with age, in constant memory.

    archive.tar.age = age(tar(
        lpse-backup/BACKUP-INFO.json       what this is, when, which engine, how to open it
        lpse-backup/config.json            the settings needed to restore (no secrets)
        lpse-backup/files/<storage name>   every stored file, byte for byte (sealed bids stay
                                           sealed: they are stored encrypted)
        lpse-backup/database/<dump>        PostgreSQL: pg_dump plain SQL | zstd;
                                           SQLite: the database file | zstd
        lpse-backup/database/<dump>.sha256 the dump's digest, so a restore can check it
                                           before it commits
        lpse-backup/manifest.json          size and SHA-256 of every entry above, per-table
                                           row counts and checksums, warnings
    ))

Standard tools open it: `age -d -i key.txt X.tar.age | tar -x`.

Writing: the caller's thread produces the tar into a pipe; a second thread encrypts from
the pipe into the destination file, hashing what it writes. Reading: a thread decrypts
into a pipe; the caller's thread parses the tar from it. age authenticates every 64 KiB
chunk, so damage is detected exactly where it is, and the entry being read there is named.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import queue
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

import pyrage
from pyrage import x25519

FORMAT = "lpse-backup/1"
ROOT = "lpse-backup"
INFO = f"{ROOT}/BACKUP-INFO.json"
CONFIG = f"{ROOT}/config.json"
DATABASE_PREFIX = f"{ROOT}/database/"
FILES_PREFIX = f"{ROOT}/files/"
MANIFEST = f"{ROOT}/manifest.json"
SUFFIX = ".tar.age"
CHUNK = 1024 * 1024
PIPE_SIZE = 1024 * 1024


class ArchiveError(RuntimeError):
    """The archive cannot be written or read; the message is for the operator."""


class ArchiveDamaged(ArchiveError):
    """Decryption failed part-way: the bytes are damaged (or the archive was cut short)."""

    def __init__(self, message: str, entry: str | None) -> None:
        super().__init__(message)
        self.entry = entry


def _pipe() -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    return read_fd, write_fd


class _HashingSink(io.RawIOBase):
    """Where age writes the ciphertext: counted, hashed and written to the destination by
    a thread of its own, so that encryption and the disk work at the same time."""

    BATCH = 4 * CHUNK

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._batch = bytearray()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="backup-write", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                self.sha256.update(data)
                self.out.write(data)
            except BaseException as exc:  # noqa: BLE001 - re-raised by finish()
                self._error = exc

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._error is not None:
            raise self._error
        view = memoryview(data)
        self._batch += view
        self.size += len(view)
        if len(self._batch) >= self.BATCH:
            self._queue.put(bytes(self._batch))
            self._batch.clear()
        return len(view)

    def finish(self) -> None:
        """Write what is left and wait for the writer thread."""
        if self._batch:
            self._queue.put(bytes(self._batch))
            self._batch.clear()
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _CountingReader(io.RawIOBase):
    """Wraps a source: hashes what tar copies from it and reports progress."""

    def __init__(self, source: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.progress = progress

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        if data:
            self.sha256.update(data)
            self.size += len(data)
            if self.progress is not None:
                self.progress(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@dataclass
class WrittenEntry:
    name: str
    size: int
    sha256: str


class ArchiveWriter:
    """Write entries into an encrypted archive (use as a context manager)."""

    def __init__(self, out: IO[bytes], recipients: list[x25519.Recipient],
                 progress: Callable[[int], None] | None = None) -> None:
        if not recipients:
            raise ArchiveError("No backup public key: the archive cannot be encrypted.")
        self.progress = progress
        self._sink = _HashingSink(out)
        self._error: BaseException | None = None
        read_fd, write_fd = _pipe()
        self._reader = open(read_fd, "rb", buffering=CHUNK)  # noqa: SIM115 - closed by thread
        self._pipe = open(write_fd, "wb", buffering=0)  # noqa: SIM115 - closed in close()
        self._thread = threading.Thread(
            target=self._encrypt, args=(recipients,), name="backup-encrypt", daemon=True
        )
        self._thread.start()
        self._tar = tarfile.open(  # noqa: SIM115 - closed in close()
            fileobj=self._pipe, mode="w|", format=tarfile.PAX_FORMAT, bufsize=CHUNK
        )
        self._tar.copybufsize = CHUNK  # type: ignore[attr-defined]
        self.entries: list[WrittenEntry] = []
        self._closed = False

    def _encrypt(self, recipients: list[x25519.Recipient]) -> None:
        try:
            pyrage.encrypt_io(self._reader, self._sink, recipients)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = exc
        finally:
            self._reader.close()

    def _check(self) -> None:
        if self._error is not None:
            raise ArchiveError(f"Encryption failed: {self._error}") from self._error

    def _info(self, name: str, size: int, mtime: float | None) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(mtime if mtime is not None else time.time())
        info.mode = 0o600
        return info

    def add_bytes(self, name: str, data: bytes) -> WrittenEntry:
        return self.add_stream(name, len(data), io.BytesIO(data), count_progress=False)

    def add_stream(self, name: str, size: int, source: IO[bytes], *,
                   mtime: float | None = None, count_progress: bool = True) -> WrittenEntry:
        """Copy exactly `size` bytes of `source` into the archive as `name`."""
        reader = _CountingReader(source, self.progress if count_progress else None)
        try:
            self._tar.addfile(self._info(name, size, mtime), reader)  # type: ignore[arg-type]
        except BrokenPipeError:
            self._thread.join()
            self._check()
            raise
        except OSError as exc:
            if "unexpected end of data" in str(exc):
                raise ArchiveError(
                    f"{name} became shorter while it was being read ({reader.size} of "
                    f"{size} bytes)."
                ) from exc
            raise
        entry = WrittenEntry(name, size, reader.sha256.hexdigest())
        self.entries.append(entry)
        return entry

    def close(self) -> tuple[int, str]:
        """Finish the archive; returns the size and SHA-256 of the ciphertext written."""
        if not self._closed:
            self._closed = True
            try:
                self._tar.close()
            finally:
                self._pipe.close()
                self._thread.join()
                self._sink.finish()
            self._check()
        return self._sink.size, self._sink.sha256.hexdigest()

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):
                self._pipe.close()
            self._thread.join()
            with contextlib.suppress(Exception):
                self._sink.finish()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, exc_type: object, *args: object) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()


# --- Reading --------------------------------------------------------------------------------


class _PipeSink(io.RawIOBase):
    """Where age writes the plaintext while reading: the pipe the tar parser reads."""

    def __init__(self, fd: int) -> None:
        self._out = open(fd, "wb", buffering=0)  # noqa: SIM115 - closed by close()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        written = 0
        while written < len(view):
            written += self._out.write(view[written:]) or 0
        return written

    def close(self) -> None:
        self._out.close()
        super().close()


class _EntryStream(_CountingReader):
    """An entry's bytes: a read that hits damage raises ArchiveDamaged naming the entry."""

    def __init__(self, source: IO[bytes], expected: int,
                 on_damage: Callable[[BaseException], ArchiveDamaged]) -> None:
        super().__init__(source, None)
        self.expected = expected
        self.on_damage = on_damage

    def read(self, size: int = -1) -> bytes:
        try:
            data = super().read(size)
        except (tarfile.TarError, OSError) as exc:
            raise self.on_damage(exc) from exc
        if not data and self.size < self.expected:
            raise self.on_damage(EOFError("unexpected end of data"))
        return data


@dataclass
class Entry:
    """One regular file in the archive, read once as a stream."""

    name: str
    size: int
    stream: _EntryStream
    sha256: str = ""
    read_bytes: int = 0

    def read(self) -> bytes:
        return self.stream.read()

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        while chunk := self.stream.read(size):
            yield chunk


@dataclass
class ReadState:
    current: str | None = None
    entries: list[str] = field(default_factory=list)


class ArchiveReader:
    """Iterate over the entries of an encrypted archive, hashing each one completely."""

    def __init__(self, source: BinaryIO, identities: list[x25519.Identity]) -> None:
        self.source = source
        self.identities = identities
        self.state = ReadState()
        self._error: BaseException | None = None

    def _decrypt(self, sink: _PipeSink) -> None:
        try:
            pyrage.decrypt_io(self.source, sink, self.identities)  # type: ignore[arg-type]
        except BrokenPipeError:
            pass  # the reader stopped early (it has its own error to report)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = exc
        finally:
            with contextlib.suppress(OSError):
                sink.close()

    def _damage(self, cause: BaseException | None) -> ArchiveDamaged:
        error = self._error
        where = self.state.current
        text = str(error) if error is not None else str(cause)
        if error is not None and not self.state.entries and where is None:
            return ArchiveDamaged(
                f"The archive cannot be decrypted: {text} (wrong private key, or the header "
                "is damaged).", None)
        if where is None:
            last = self.state.entries[-1] if self.state.entries else "the start"
            return ArchiveDamaged(
                f"The archive is damaged after {last}: {text}", None)
        return ArchiveDamaged(f"The archive is damaged inside {where}: {text}", where)

    def __iter__(self) -> Iterator[Entry]:
        read_fd, write_fd = _pipe()
        sink = _PipeSink(write_fd)
        thread = threading.Thread(target=self._decrypt, args=(sink,), name="backup-decrypt",
                                  daemon=True)
        thread.start()
        pipe = open(read_fd, "rb", buffering=CHUNK)  # noqa: SIM115 - closed below

        def stop() -> None:
            # Let a failed decryption finish reporting, then unblock a running one.
            thread.join(timeout=0.5)
            pipe.close()
            thread.join()

        def damage(cause: BaseException) -> ArchiveDamaged:
            stop()
            return self._damage(cause)

        try:
            try:
                tar = tarfile.open(fileobj=pipe, mode="r|", bufsize=CHUNK)  # noqa: SIM115
            except tarfile.TarError as exc:
                stop()
                raise self._damage(exc) from exc
            with tar:
                while True:
                    try:
                        info = tar.next()
                    except tarfile.TarError as exc:
                        stop()
                        raise self._damage(exc) from exc
                    if info is None:
                        break
                    if not info.isreg():
                        continue
                    self.state.current = info.name
                    handle = tar.extractfile(info)
                    assert handle is not None
                    entry = Entry(info.name, info.size, _EntryStream(handle, info.size, damage))
                    yield entry
                    while entry.stream.read(CHUNK):
                        pass
                    entry.sha256 = entry.stream.sha256.hexdigest()
                    entry.read_bytes = entry.stream.size
                    self.state.entries.append(info.name)
                    self.state.current = None
            # The tar end marker may be followed by padding: let the decryption finish.
            while pipe.read(CHUNK):
                pass
            thread.join()
            if self._error is not None:
                raise self._damage(None)
        finally:
            pipe.close()
            thread.join(timeout=10)


def decode_json(entry: Entry) -> Any:
    try:
        return json.loads(entry.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{entry.name} is not valid JSON: {exc}") from exc


def encode_json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
