"""Where archives go: a local path (the mounted portable drive) and optionally an
S3-compatible bucket. Each copy is read back after writing and compared with the SHA-256
of what was written; retention removes old archives only after a newer one verified."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import queue
import re
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

from lpse.backups.archive import SUFFIX
from lpse.backups.retention import RetentionPolicy, to_remove

CHUNK = 1024 * 1024
#: How much a backup writes before that part is flushed to the drive and read back (kept in
#: memory until then: at most about four windows).
READ_BACK_WINDOW = 16 * 1024 * 1024
NAME_RE = re.compile(r"^lpse-backup-(\d{8}T\d{6}Z)-[0-9a-f]{6}" + re.escape(SUFFIX) + "$")


class DestinationError(RuntimeError):
    """A copy cannot be written or verified; the message is for the operator."""


def archive_name(when: datetime, token: str) -> str:
    return f"lpse-backup-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}-{token}{SUFFIX}"


def archive_time(name: str) -> datetime | None:
    match = NAME_RE.match(name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _drop_cache(fd: int, offset: int = 0, length: int = 0) -> None:
    """Evict clean pages of the range, so that the next read comes from the device."""
    with contextlib.suppress(AttributeError, OSError):
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


def file_sha256(path: Path, *, drop_cache: bool = True) -> tuple[int, str]:
    """Read a file back from the device (not from the page cache when possible)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        if drop_cache:
            _drop_cache(handle.fileno())
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class ReadBackWriter(io.RawIOBase):
    """A new archive on the drive, read back while it is being written.

    Every READ_BACK_WINDOW bytes, what was written is handed to a second thread that
    flushes it to the device (fdatasync), drops it from the page cache, reads it back from
    the device and compares it byte for byte with what was written (kept until then: at
    most a few windows), hashing what the drive returned. `finish()` does the same for the
    rest. The archive is thus hashed once, on the bytes read back, and checked while the
    backup is still producing data instead of in a second full pass afterwards.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = path.open("wb", buffering=0)
        self._in = path.open("rb", buffering=0)
        self.written = 0
        self._flushed = 0
        self._window: list[bytes] = []
        self._digest = hashlib.sha256()
        self._read = 0
        self.first_difference: int | None = None
        self._ranges: queue.Queue[tuple[int, list[bytes]] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read_back, name="backup-read-back",
                                        daemon=True)
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = data if isinstance(data, bytes) else bytes(data)
        view = memoryview(chunk)
        done = 0
        while done < len(view):
            done += self._out.write(view[done:]) or 0
        self.written += done
        self._window.append(chunk)
        if self.written - self._flushed >= READ_BACK_WINDOW:
            self._hand_over()
        return done

    def _hand_over(self) -> None:
        self._ranges.put((self._flushed, self._window))
        self._flushed, self._window = self.written, []

    def _read_back(self) -> None:
        fd = self._in.fileno()
        while (span := self._ranges.get()) is not None:
            if self._error is not None:
                continue
            position, chunks = span
            try:
                # Here, not in the writing thread: the backup goes on while this waits.
                os.fdatasync(fd)
                _drop_cache(fd, position, sum(len(c) for c in chunks))
                for expected in chunks:
                    got = os.pread(fd, len(expected), position)
                    while len(got) < len(expected):
                        more = os.pread(fd, len(expected) - len(got), position + len(got))
                        if not more:
                            break
                        got += more
                    if got != expected and self.first_difference is None:
                        self.first_difference = position + next(
                            (i for i, (a, b) in enumerate(zip(got, expected, strict=False))
                             if a != b), min(len(got), len(expected)))
                    self._digest.update(got)
                    position += len(got)
                    self._read += len(got)
            except BaseException as exc:  # noqa: BLE001 - reported by finish()
                self._error = exc

    def finish(self) -> tuple[int, str]:
        """Flush and read back what is left, fsync; the size and SHA-256 of what the drive
        returned. `first_difference` is the offset of the first byte that did not read back
        as written (None when all did)."""
        if self._flushed < self.written:
            self._hand_over()
        self._ranges.put(None)
        self._thread.join()
        os.fsync(self._out.fileno())
        self._out.close()
        self._in.close()
        if self._error is not None:
            raise DestinationError(f"Reading {self.path} back failed: {self._error}")
        return self._read, self._digest.hexdigest()

    def abort(self) -> None:
        """Stop after a failed backup (the caller removes the file)."""
        if not self._out.closed:
            self._error = self._error or RuntimeError("aborted")
            self._ranges.put(None)
            self._thread.join()
            self._out.close()
            self._in.close()


@dataclass(frozen=True)
class StoredCopy:
    location: str
    size: int
    sha256: str


class Destination(Protocol):
    kind: str

    def describe(self) -> str: ...
    def put(self, local_path: Path, name: str, size: int, sha256: str) -> StoredCopy: ...
    def names(self) -> list[str]: ...
    def delete(self, name: str) -> None: ...


class LocalDestination:
    """A directory, normally the mount point of the portable drive."""

    kind = "local"

    def __init__(self, directory: Path, *, require_mount: bool = False) -> None:
        self.directory = Path(directory)
        self.require_mount = require_mount

    def describe(self) -> str:
        return str(self.directory)

    def check_ready(self) -> None:
        if self.require_mount and not os.path.ismount(self.directory):
            raise DestinationError(
                f"{self.directory} is not a mounted drive (BACKUP_REQUIRE_MOUNT is on): "
                "plug in and mount the backup drive."
            )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DestinationError(f"Cannot create {self.directory}: {exc}") from exc
        if not os.access(self.directory, os.W_OK):
            raise DestinationError(f"{self.directory} is not writable.")

    def partial_path(self, name: str) -> Path:
        return self.directory / f".{name}.partial"

    def open_partial(self, name: str) -> ReadBackWriter:
        """The file a new archive is written into; `finish_written` names it once its
        read-back matched."""
        return ReadBackWriter(self.partial_path(name))

    def finish_written(self, writer: ReadBackWriter, name: str, size: int) -> StoredCopy:
        """Name the archive once it read back byte for byte as written; its SHA-256 is
        that of the bytes read back."""
        read_size, read_sha = writer.finish()
        if writer.first_difference is not None or read_size != size:
            at = writer.first_difference if writer.first_difference is not None else read_size
            raise DestinationError(
                f"The copy on {self.directory} does not read back as written (first "
                f"difference at byte {at} of {size}): the drive may be failing."
            )
        return self._name(writer.path, name, read_size, read_sha)

    def finish(self, partial: Path, name: str, size: int, sha256: str) -> StoredCopy:
        """fsync the written archive, read it back from the drive, then give it its name."""
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        read_size, read_sha = file_sha256(partial)
        if (read_size, read_sha) != (size, sha256):
            raise DestinationError(
                f"The copy on {self.directory} does not read back as written "
                f"({read_size} bytes, SHA-256 {read_sha[:12]}… instead of {size} bytes, "
                f"{sha256[:12]}…): the drive may be failing."
            )
        return self._name(partial, name, read_size, read_sha)

    def _name(self, partial: Path, name: str, size: int, sha256: str) -> StoredCopy:
        """Give a verified archive its final name, durably."""
        final = self.directory / name
        os.replace(partial, final)
        with contextlib.suppress(OSError):
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return StoredCopy(str(final), size, sha256)

    def put(self, local_path: Path, name: str, size: int, sha256: str) -> StoredCopy:
        """Copy an archive written elsewhere onto this drive (a backup is normally written
        straight into `partial_path` and finished; this serves a second drive)."""
        self.check_ready()
        partial = self.partial_path(name)
        try:
            shutil.copyfile(local_path, partial)
            return self.finish(partial, name, size, sha256)
        finally:
            partial.unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.name for p in self.directory.iterdir() if NAME_RE.match(p.name))

    def delete(self, name: str) -> None:
        (self.directory / name).unlink(missing_ok=True)


class S3Destination:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Wasabi…)."""

    kind = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key: str | None = None,
                 secret_key: str | None = None) -> None:
        import boto3  # type: ignore[import-untyped]

        self.bucket = bucket
        self.prefix = prefix
        self.client: Any = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def put(self, local_path: Path, name: str, size: int, sha256: str) -> StoredCopy:
        from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped]

        key = self.prefix + name
        config = TransferConfig(multipart_chunksize=64 * CHUNK, max_concurrency=2)
        try:
            self.client.upload_file(
                str(local_path), self.bucket, key, Config=config,
                ExtraArgs={"Metadata": {"sha256": sha256}},
            )
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            digest = hashlib.sha256()
            read = 0
            for chunk in response["Body"].iter_chunks(CHUNK):
                digest.update(chunk)
                read += len(chunk)
        except Exception as exc:  # botocore raises many kinds
            raise DestinationError(f"Upload to {self.describe()} failed: {exc}") from exc
        if (read, digest.hexdigest()) != (size, sha256):
            raise DestinationError(
                f"The copy in {self.describe()} does not read back as written."
            )
        return StoredCopy(f"s3://{self.bucket}/{key}", read, digest.hexdigest())

    def names(self) -> list[str]:
        names = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix):]
                if NAME_RE.match(name):
                    names.append(name)
        return sorted(names)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)


def local_destination(directory: Path | None = None) -> LocalDestination:
    return LocalDestination(
        Path(directory or settings.BACKUP_LOCAL_DIR),
        require_mount=settings.BACKUP_REQUIRE_MOUNT and directory is None,
    )


def remote_destinations() -> list[S3Destination]:
    if not settings.BACKUP_S3_BUCKET:
        return []
    return [S3Destination(
        bucket=settings.BACKUP_S3_BUCKET, prefix=settings.BACKUP_S3_PREFIX,
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL, region=settings.BACKUP_S3_REGION,
        access_key=settings.BACKUP_S3_ACCESS_KEY_ID,
        secret_key=settings.BACKUP_S3_SECRET_ACCESS_KEY,
    )]


def configured_policy() -> RetentionPolicy:
    return RetentionPolicy(daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY,
                           monthly=settings.BACKUP_KEEP_MONTHLY)


def apply_retention(destination: Destination, *, newest_verified: str,
                    policy: RetentionPolicy) -> list[str]:
    """Remove the archives the policy no longer keeps; never the newest verified one."""
    dated = {n: t for n in destination.names() if (t := archive_time(n)) is not None}
    removed = []
    for name in to_remove(dated, policy, protect=newest_verified):
        destination.delete(name)
        removed.append(name)
    return removed
