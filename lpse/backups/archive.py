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

Writing: the caller's thread produces the tar and encrypts it (lpse.core.age: the age
format with pyca/cryptography primitives) and writes the ciphertext: a backup straight to
the drive's ReadBackWriter (lpse.backups.destinations), which reads it back and hashes it;
any other destination hashed on the way.

Reading: a thread decrypts with pyrage (the Rust implementation) into a pipe; the caller's
thread parses the tar from it. age authenticates every 64 KiB chunk, so damage is detected
exactly where it is, and the entry being read there is named.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

import pyrage
from pyrage import x25519

from lpse.core import age

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

#: Where an archive is written: a file, or lpse.backups.destinations.ReadBackWriter.
Writable = IO[bytes] | io.RawIOBase


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


class _Sink:
    """Where age writes the ciphertext: counted, hashed unless the destination hashes it
    itself (lpse.backups.destinations.ReadBackWriter), and written to `out`."""

    def __init__(self, out: Writable, *, hash_output: bool) -> None:
        self.out = out
        self.size = 0
        self.sha256 = hashlib.sha256() if hash_output else None
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        # age writes 64 KiB chunks: gathered into CHUNK-sized writes (fewer system calls).
        self._buffer += data
        self.size += len(data)
        if len(self._buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            chunk = bytes(self._buffer)
            self._buffer.clear()
            self.out.write(chunk)
            if self.sha256 is not None:
                self.sha256.update(chunk)


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


@dataclass
class Source:
    """One entry to write: exactly `size` bytes read from `stream` (or the bytes `data`)."""

    name: str
    size: int = 0
    stream: IO[bytes] | None = None
    data: bytes | None = None
    mtime: float | None = None
    count_progress: bool = True

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> Source:
        return cls(name=name, size=len(data), data=data, count_progress=False)


class _TarStream:
    """The tar stream as a sequence of byte strings, produced on demand (one thread),
    hashing each entry as it goes."""

    def __init__(self, sources: Iterator[Source], entries: list[WrittenEntry],
                 progress: Callable[[int], None] | None) -> None:
        self._sources = sources
        self.entries = entries
        self.progress = progress
        self.written = 0

    def _header(self, source: Source) -> bytes:
        info = tarfile.TarInfo(source.name)
        info.size = source.size
        info.mtime = int(source.mtime if source.mtime is not None else time.time())
        info.mode = 0o600
        return info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8",
                          errors="surrogateescape")

    def __iter__(self) -> Iterator[bytes]:
        for piece in self._generate():
            self.written += len(piece)
            yield piece

    def _generate(self) -> Iterator[bytes]:
        for source in self._sources:
            yield self._header(source)
            digest = hashlib.sha256()
            if source.data is not None:
                digest.update(source.data)
                yield source.data
            else:
                assert source.stream is not None
                done = 0
                while done < source.size:
                    data = source.stream.read(min(CHUNK, source.size - done))
                    if not data:
                        raise ArchiveError(
                            f"{source.name} became shorter while it was being read "
                            f"({done} of {source.size} bytes)."
                        )
                    digest.update(data)
                    done += len(data)
                    if self.progress is not None and source.count_progress:
                        self.progress(len(data))
                    yield data
            padding = -source.size % tarfile.BLOCKSIZE
            if padding:
                yield bytes(padding)
            self.entries.append(WrittenEntry(source.name, source.size, digest.hexdigest()))
        end = 2 * tarfile.BLOCKSIZE
        yield bytes(end + (-(self.written + end) % tarfile.RECORDSIZE))


class ArchiveWriter:
    """Write entries into an encrypted archive.

    `write(sources)` takes an iterator of Source: the next source is asked for only once the
    previous one is completely in the archive, so a generator can build the manifest last
    from `writer.entries`. The tar stream is encrypted in this thread (lpse.core.age, pyca's
    ChaCha20-Poly1305 on whole chunks) and written to `out`, hashed on the way unless
    hash_output is off (`out` hashes it itself).
    """

    def __init__(self, out: Writable, recipients: list[x25519.Recipient],
                 progress: Callable[[int], None] | None = None,
                 hash_output: bool = True) -> None:
        if not recipients:
            raise ArchiveError("No backup public key: the archive cannot be encrypted.")
        self.out = out
        self.recipients = [str(r) for r in recipients]
        self.progress = progress
        self.hash_output = hash_output
        self.entries: list[WrittenEntry] = []

    def write(self, sources: Iterable[Source]) -> tuple[int, str]:
        """Write the archive; returns the size and SHA-256 of the ciphertext written (the
        SHA-256 is empty with hash_output=False)."""
        sink = _Sink(self.out, hash_output=self.hash_output)
        try:
            encryptor = age.AgeEncryptor(sink.write, self.recipients)
            for piece in _TarStream(iter(sources), self.entries, self.progress):
                encryptor.update(piece)
            encryptor.finish()
            sink.flush()
        except age.CryptoError as exc:
            raise ArchiveError(f"Encryption failed: {exc}") from exc
        return sink.size, sink.sha256.hexdigest() if sink.sha256 is not None else ""


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
