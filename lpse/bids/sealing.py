"""Sealing a segment while it streams in, and reading sealed segments back.

The request body is read in 64 KiB pieces, hashed (SHA-256 of the plaintext) and sealed
chunk by chunk as one age file (`crypto.age_encrypt_known_length`: the segment's length is
known in advance), whose output is hashed again (SHA-256 of the ciphertext) and written to
a spool file that then moves into storage. Memory stays constant; the plaintext exists
only in those buffers — never in a file, never in the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.bids import crypto
from lpse.core.files import sniff_type

READ_SIZE = 64 * 1024
SNIFF_BYTES = 8192
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2 = "application/x-ole-storage"

#: What a bid file may be, decided by its content (first bytes), never by its name.
BID_TYPES = frozenset({
    "application/pdf", "application/zip", "application/x-rar-compressed", "application/vnd.rar",
    "application/x-7z-compressed", "application/gzip", "application/x-tar",
    "image/jpeg", "image/png", "image/tiff", OLE2,
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
})
TYPE_NAMES = "PDF, ZIP, RAR, 7z, GZIP/TAR, JPEG, PNG, TIFF, Word, Excel, PowerPoint, ODF"


def detect_type(head: bytes) -> str | None:
    if head.startswith(OLE2_MAGIC):
        return OLE2
    return sniff_type(head)


class SegmentError(Exception):
    """A segment that could not be sealed. `stage` and `code` go to the upload attempt."""

    def __init__(self, message: str, *, stage: str, code: str) -> None:
        super().__init__(message)
        self.message, self.stage, self.code = message, stage, code


class _PlaintextReader(io.RawIOBase):
    """Reads exactly `length` bytes of the request body, hashing, checking the deadline and
    (for a file's first segment) the content type as soon as the first bytes are in."""

    def __init__(self, source: IO[bytes], length: int, *, deadline: datetime,
                 check_type: bool) -> None:
        self._source = source
        self._left = length
        self._buffer = b""
        self._deadline = deadline
        self._check_type = check_type
        self._head = b""
        self.detected_type = ""
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.error: SegmentError | None = None

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        if self._buffer or self._left <= 0:
            return
        try:
            data = self._source.read(min(READ_SIZE, self._left))
        except OSError as exc:
            raise SegmentError(_("The connection was interrupted during the upload."),
                               stage="transfer", code="disconnected") from exc
        if not data:
            return
        self._left -= len(data)
        if timezone.now() >= self._deadline:
            raise SegmentError(_("The upload deadline has passed: this upload was not "
                                 "accepted."), stage="deadline", code="deadline_passed")
        self._buffer = data

    def _sniff(self, data: bytes) -> None:
        if not self._check_type or self.detected_type:
            return
        self._head += data[: SNIFF_BYTES - len(self._head)]
        if len(self._head) >= SNIFF_BYTES or self._left <= 0:
            detected = detect_type(self._head)
            self.detected_type = detected or "unknown"
            if detected not in BID_TYPES:
                raise SegmentError(
                    _("This file type is not accepted (detected from its content). Accepted "
                      "types: %(types)s.") % {"types": TYPE_NAMES},
                    stage="type", code="type_refused")

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            self._fill()
            if size is None or size < 0:
                size = len(self._buffer)
            data, self._buffer = self._buffer[:size], self._buffer[size:]
            if data:
                self.size += len(data)
                self.sha256.update(data)
                self._sniff(data)
            return data
        except SegmentError as exc:
            self.error = exc
            raise

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read_exact(self, size: int) -> bytes:
        """`size` bytes, or fewer only when the body ended early."""
        parts, got = [], 0
        while got < size:
            piece = self.read(size - got)
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        return b"".join(parts)


class _HashingWriter(io.RawIOBase):
    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self.size = 0
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._target.write(chunk)
        self.size += len(chunk)
        self.sha256.update(chunk)
        return len(chunk)


class _SpoolFile(File):  # type: ignore[type-arg]
    """Lets FileSystemStorage move the spool file into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return str(self.name)


@dataclass(frozen=True)
class SealedSegment:
    storage_name: str
    size: int
    sha256: str
    sealed_size: int
    sealed_sha256: str
    detected_type: str


def spool_dir() -> str:
    path = settings.BIDS_SPOOL_DIR
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def seal_segment(*, source: IO[bytes], length: int, recipient: str, deadline: datetime,
                 check_type: bool, storage_prefix: str) -> SealedSegment:
    """Encrypt `length` bytes of `source` to `recipient` into storage. Raises SegmentError
    (nothing left in storage) when the body is short, the type is refused, the deadline
    passes during the transfer, or storage fails."""
    reader = _PlaintextReader(source, length, deadline=deadline, check_type=check_type)
    fd, spool_path = tempfile.mkstemp(prefix="seg-", suffix=".age", dir=spool_dir())
    saved: str | None = None
    try:
        with os.fdopen(fd, "wb") as spool:
            writer = _HashingWriter(spool)
            try:
                crypto.age_encrypt_known_length(reader.read_exact, length, writer.write,
                                                recipient)
            except SegmentError:
                raise
            except crypto.CryptoError as exc:
                if reader.size >= length:
                    raise SegmentError(_("The file could not be encrypted."), stage="server",
                                       code="encrypt_failed") from exc
        if reader.size != length:
            raise SegmentError(
                _("The connection was interrupted: %(got)s of %(expected)s bytes arrived.")
                % {"got": reader.size, "expected": length},
                stage="transfer", code="incomplete")
        if timezone.now() >= deadline:
            raise SegmentError(_("The upload deadline has passed: this upload was not "
                                 "accepted."), stage="deadline", code="deadline_passed")
        name = f"{storage_prefix}/{uuid.uuid4().hex}.age"
        try:
            with open(spool_path, "rb") as handle:
                saved = default_storage.save(name, _SpoolFile(handle, name=spool_path))
        except OSError as exc:
            raise SegmentError(_("The file could not be stored. Please try again."),
                               stage="storage", code="storage_failed") from exc
        return SealedSegment(storage_name=saved, size=reader.size,
                             sha256=reader.sha256.hexdigest(), sealed_size=writer.size,
                             sealed_sha256=writer.sha256.hexdigest(),
                             detected_type=reader.detected_type)
    except BaseException:
        if saved is not None:
            with contextlib.suppress(Exception):
                default_storage.delete(saved)
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spool_path)


def spool_sweep(older_than_seconds: int = 6 * 3600) -> int:
    """Remove spool files left by a killed worker (ciphertext only, never plaintext)."""
    import time

    limit = time.time() - older_than_seconds
    removed = 0
    for path in settings.BIDS_SPOOL_DIR.glob("seg-*.age"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


def read_sealed(storage_name: str) -> bytes:
    """A sealed segment's bytes (at most BIDS_SEGMENT_BYTES plus 16 bytes per 64 KiB)."""
    with default_storage.open(storage_name, "rb") as handle:
        data: bytes = handle.read()
        return data


def delete_sealed(storage_names: list[str]) -> Callable[[], None]:
    """A callback deleting stored segments (run it on commit)."""

    def delete() -> None:
        for name in storage_names:
            with contextlib.suppress(Exception):
                default_storage.delete(name)

    return delete
