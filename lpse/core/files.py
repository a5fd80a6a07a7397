"""Stored files: streamed in with their hashes, checked by content, served only through views.

Rules (DESIGN.md §4, Uploads): size caps enforced while streaming, type decided by the
content and not the name, archive limits, and never a storage path built from a user's
file name. Every feature that stores files registers who may read them
(`register_file_access`); the download view asks that rule and answers 404 otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import stat
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.dispatch import Signal
from django.http import FileResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lpse.core.models import StoredFile

if TYPE_CHECKING:
    from lpse.accounts.models import User

CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 8192

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ZIP = "application/zip"


@dataclass(frozen=True)
class FilePolicy:
    """What a feature accepts: a size cap and the content types allowed."""

    max_bytes: int
    allowed_types: frozenset[str]
    labels: dict[str, str] = field(default_factory=dict)

    def describe_types(self) -> str:
        names = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", ZIP: "ZIP"}
        return ", ".join(sorted(names.get(t, t) for t in self.allowed_types))


SCAN_POLICY = FilePolicy(max_bytes=5 * 1024 * 1024, allowed_types=frozenset({PDF, JPEG, PNG}))
LETTER_POLICY = FilePolicy(max_bytes=10 * 1024 * 1024, allowed_types=frozenset({PDF, JPEG, PNG}))


def sniff_type(head: bytes) -> str | None:
    """The content type read from the first bytes, or None when unknown."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def display_name(name: str) -> str:
    """A user's file name made safe to show and to put in a download header."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    ).strip(" .")
    return (cleaned or "file")[:200]


class FileRejected(ValidationError):
    """An upload refused by policy; the message is for the user."""


#: Sent for every upload refused by policy (security monitoring counts them):
#: kwargs purpose, original_name, reason, code, uploaded_by.
file_rejected = Signal()


class _HashingReader(io.RawIOBase):
    """Reads a source once, hashing and counting, and stops at the size cap."""

    def __init__(self, source: IO[bytes], head: bytes, max_bytes: int) -> None:
        self._source = source
        self._pending = head
        self.max_bytes = max_bytes
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.md5 = hashlib.md5(usedforsecurity=False)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        if self._pending:
            data, self._pending = self._pending[:want], self._pending[want:]
        else:
            data = self._source.read(want)
        if not data:
            return 0
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FileRejected(
                _("The file is larger than the limit of %(limit)s MB.")
                % {"limit": megabytes(self.max_bytes)},
                code="too_large",
            )
        self.sha256.update(data)
        self.md5.update(data)
        buffer[: len(data)] = data
        return len(data)


def megabytes(size: int) -> str:
    """A size limit in MB in the active language's notation: "5" or "2,5" (Indonesian),
    "2.5" (English) — never Python's "5.0"."""
    value = round(size / (1024 * 1024), 1)
    return formats.number_format(value, 0 if value == int(value) else 1, use_l10n=True)


def _read_head(source: IO[bytes]) -> bytes:
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = source.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def store_file(
    *,
    source: IO[bytes],
    original_name: str,
    purpose: str,
    policy: FilePolicy,
    uploaded_by: User | None = None,
    personal_data: bool = False,
) -> StoredFile:
    """Stream `source` into storage, hashing it, and record it.

    Raises FileRejected (a ValidationError) when the content type is not allowed or the
    size cap is exceeded; nothing stays in storage then.
    """
    try:
        return _store_file(source=source, original_name=original_name, purpose=purpose,
                           policy=policy, uploaded_by=uploaded_by, personal_data=personal_data)
    except FileRejected as exc:
        file_rejected.send(sender=FileRejected, purpose=purpose, original_name=original_name,
                           reason="; ".join(exc.messages), code=exc.code or "",
                           uploaded_by=uploaded_by)
        raise


def _store_file(
    *,
    source: IO[bytes],
    original_name: str,
    purpose: str,
    policy: FilePolicy,
    uploaded_by: User | None,
    personal_data: bool,
) -> StoredFile:
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, io.UnsupportedOperation):
            source.seek(0)
    head = _read_head(source)
    if not head:
        raise FileRejected(_("The file is empty."), code="empty")
    detected = sniff_type(head)
    if detected not in policy.allowed_types:
        raise FileRejected(
            _("This file type is not accepted. Accepted types: %(types)s.")
            % {"types": policy.describe_types()},
            code="type",
        )
    reader = _HashingReader(source, head, policy.max_bytes)
    now = timezone.now()
    name = f"{purpose}/{now:%Y/%m}/{uuid.uuid4().hex}"
    try:
        saved = default_storage.save(
            name, File(io.BufferedReader(reader, CHUNK_SIZE), name=name)
        )
    except BaseException:
        # A refused or interrupted upload leaves no partial file behind.
        with contextlib.suppress(Exception):
            default_storage.delete(name)
        raise
    try:
        return StoredFile.objects.create(
            purpose=purpose,
            storage_name=saved,
            original_name=display_name(original_name),
            content_type=detected,
            size=reader.size,
            sha256=reader.sha256.hexdigest(),
            md5=reader.md5.hexdigest(),
            uploaded_by=uploaded_by,
            personal_data=personal_data,
        )
    except BaseException:
        default_storage.delete(saved)
        raise


def store_bytes(
    *,
    data: bytes,
    original_name: str,
    purpose: str,
    content_type: str,
    uploaded_by: User | None = None,
) -> StoredFile:
    """Store bytes the system produced itself (PDFs it rendered, exports)."""
    name = f"{purpose}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    saved = default_storage.save(name, File(io.BytesIO(data), name=name))
    return StoredFile.objects.create(
        purpose=purpose,
        storage_name=saved,
        original_name=display_name(original_name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        uploaded_by=uploaded_by,
    )


def open_stored(stored: StoredFile) -> IO[bytes]:
    return default_storage.open(stored.storage_name, "rb")


def delete_stored_content(stored: StoredFile) -> None:
    default_storage.delete(stored.storage_name)


def verify_stored(stored: StoredFile) -> bool:
    """Re-read the stored bytes and compare with the recorded SHA-256."""
    digest = hashlib.sha256()
    with open_stored(stored) as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest() == stored.sha256


def file_response(stored: StoredFile, *, inline: bool = False) -> FileResponse:
    response = FileResponse(
        open_stored(stored),
        as_attachment=not inline,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Who may read which stored files -------------------------------------------------------

FileAccessRule = Callable[["User", StoredFile], bool]
_access_rules: dict[str, FileAccessRule] = {}


def register_file_access(purpose: str) -> Callable[[FileAccessRule], FileAccessRule]:
    """Register the rule deciding who may download files stored for `purpose`."""

    def decorator(rule: FileAccessRule) -> FileAccessRule:
        _access_rules[purpose] = rule
        return rule

    return decorator


def can_read_file(user: User, stored: StoredFile) -> bool:
    rule = _access_rules.get(stored.purpose)
    return bool(user.is_authenticated and rule is not None and rule(user, stored))


# --- Archives ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 1000
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 200


def check_zip(source: IO[bytes], limits: ArchiveLimits | None = None) -> list[str]:
    """Validate a ZIP archive without extracting it; returns the entry names.

    Refuses too many entries, too many uncompressed bytes (zip bombs), symbolic links,
    absolute paths and `..` components.
    """
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("The archive is damaged or not a ZIP file."), code="zip") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise FileRejected(
                _("The archive has more than %(n)s entries.") % {"n": limits.max_entries},
                code="zip_entries",
            )
        total = 0
        names: list[str] = []
        for info in infos:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or info.filename.startswith("/"):
                raise FileRejected(
                    _("The archive contains an unsafe path: %(name)s")
                    % {"name": display_name(info.filename)},
                    code="zip_path",
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise FileRejected(
                    _("The archive contains a symbolic link: %(name)s")
                    % {"name": display_name(info.filename)},
                    code="zip_symlink",
                )
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                raise FileRejected(
                    _("The archive is compressed suspiciously well (possible zip bomb)."),
                    code="zip_ratio",
                )
            names.append(info.filename)
        if total > limits.max_uncompressed_bytes:
            raise FileRejected(
                _("The archive expands to more than the allowed size."), code="zip_size"
            )
        return names


def iter_chunks(handle: IO[bytes], size: int = CHUNK_SIZE) -> Iterable[bytes]:
    return iter(lambda: handle.read(size), b"")
