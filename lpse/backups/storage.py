"""The stored files: which to back up, and writing them back under their exact names."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.files.storage import FileSystemStorage, Storage, default_storage

CHUNK = 1024 * 1024


class StorageError(RuntimeError):
    """A stored file cannot be written back; the message is for the operator."""


@dataclass(frozen=True)
class FileToBackUp:
    name: str  # the storage name
    size: int
    stored_file_id: str | None  # the core.StoredFile row, or None for another storage path
    expected_sha256: str | None


def walk(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in a storage, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from walk(storage, f"{path}/{directory}" if path else directory)


def safe_name(name: str) -> str:
    """A storage name from an archive, refused when it could escape the storage root."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("..", "") for part in path.parts) \
            or "\\" in name or "\x00" in name:
        raise StorageError(f"Refusing an unsafe file name in the archive: {name!r}")
    return str(path)


def open_for_backup(storage: Storage, name: str) -> IO[bytes]:
    return storage.open(name, "rb")


def size_of(storage: Storage, name: str) -> int:
    return int(storage.size(name))


def is_empty(storage: Storage) -> bool:
    return next(walk(storage), None) is None


class FileWriter:
    """Writes one file back under its exact storage name, hashing it on the way."""

    def __init__(self, storage: Storage, name: str) -> None:
        self.storage = storage
        self.name = safe_name(name)
        self.size = 0
        if isinstance(storage, FileSystemStorage):
            path = Path(storage.path(self.name))
            path.parent.mkdir(parents=True, exist_ok=True)
            self._path: Path | None = path
            self._tmp = path.with_name(f".{path.name}.restoring")
            self._handle: IO[bytes] = self._tmp.open("wb")
        else:
            import tempfile

            self._path = None
            self._handle = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115

    def write(self, data: bytes) -> None:
        # The archive reader hashes every entry already: no second hash here.
        self.size += len(data)
        self._handle.write(data)

    def commit(self) -> None:
        if self._path is not None:
            self._handle.close()
            os.chmod(self._tmp, 0o640)
            os.replace(self._tmp, self._path)
            return
        self._handle.seek(0)
        from django.core.files import File

        saved = self.storage.save(self.name, File(self._handle, name=self.name))
        self._handle.close()
        if saved != self.name:
            self.storage.delete(saved)
            raise StorageError(
                f"{self.name} already exists in the storage: restore into an empty storage."
            )

    def abort(self) -> None:
        self._handle.close()
        if self._path is not None:
            self._tmp.unlink(missing_ok=True)


def move_aside(storage: Storage, suffix: str) -> Path:
    """Move every file of a filesystem storage into a sibling directory (kept, not deleted).

    Returns where they went. Object storages are not moved: restore into a new bucket.
    """
    if not isinstance(storage, FileSystemStorage):
        raise StorageError(
            "--replace keeps the replaced files only for a local directory storage; for "
            "object storage, restore into a new, empty bucket instead."
        )
    root = Path(storage.location)
    kept = root.with_name(f"{root.name}.replaced-{suffix}")
    kept.mkdir(parents=True, exist_ok=False)
    for child in sorted(root.iterdir()):
        shutil.move(str(child), str(kept / child.name))
    return kept


def move_back(storage: Storage, kept: Path) -> None:
    """Undo `move_aside`: the kept files return to the (emptied) storage directory."""
    root = Path(storage.location)  # type: ignore[attr-defined]
    # The directories the failed restore created (its files are already deleted).
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            directory.rmdir()
    for child in sorted(kept.iterdir()):
        shutil.move(str(child), str(root / child.name))
    kept.rmdir()


def default() -> Storage:
    return default_storage
