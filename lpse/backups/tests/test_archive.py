"""The archive format: age-encrypted tar, streamed, damage located and named."""

from __future__ import annotations

import io
import os
import tarfile

import pyrage
import pytest
from pyrage import x25519

from lpse.backups.archive import ArchiveDamaged, ArchiveReader, ArchiveWriter, Source


@pytest.fixture
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


def _write(path, identity, files: dict[str, bytes]) -> tuple[int, str]:
    with path.open("wb") as out:
        writer = ArchiveWriter(out, [identity.to_public()])
        return writer.write(Source(name, len(data), io.BytesIO(data))
                            for name, data in files.items())


def _files() -> dict[str, bytes]:
    return {f"lpse-backup/files/doc{n}": os.urandom(150_000 * (n + 1)) for n in range(4)}


def test_round_trip_and_hashes(tmp_path, identity) -> None:
    files = _files()
    size, digest = _write(tmp_path / "a.tar.age", identity, files)
    data = (tmp_path / "a.tar.age").read_bytes()
    assert size == len(data)
    import hashlib

    assert digest == hashlib.sha256(data).hexdigest()
    seen = {}
    with (tmp_path / "a.tar.age").open("rb") as source:
        for entry in ArchiveReader(source, [identity]):
            seen[entry.name] = entry.read()
    assert seen == files


def test_standard_tools_open_it(tmp_path, identity) -> None:
    """age (here the rage implementation through pyrage) then tar: no LPSE code needed."""
    files = _files()
    _write(tmp_path / "a.tar.age", identity, files)
    plain = pyrage.decrypt((tmp_path / "a.tar.age").read_bytes(), [identity])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        assert {m.name: tar.extractfile(m).read() for m in tar.getmembers()} == files
    assert not (tmp_path / "a.tar.age").read_bytes().startswith(b"lpse-backup")
    assert (tmp_path / "a.tar.age").read_bytes().startswith(b"age-encryption.org/v1\n")


def test_one_flipped_byte_names_the_file_it_is_in(tmp_path, identity) -> None:
    files = _files()
    _write(tmp_path / "a.tar.age", identity, files)
    data = bytearray((tmp_path / "a.tar.age").read_bytes())
    # doc0 and doc1 take the first ~450 kB of plaintext: flip a byte inside doc2.
    data[600_000] ^= 0x01
    (tmp_path / "b.tar.age").write_bytes(bytes(data))
    with (tmp_path / "b.tar.age").open("rb") as source, \
            pytest.raises(ArchiveDamaged) as caught:
        list(ArchiveReader(source, [identity]))
    assert caught.value.entry == "lpse-backup/files/doc2"
    assert "doc2" in str(caught.value)


def test_cut_short_archive_is_damaged(tmp_path, identity) -> None:
    _write(tmp_path / "a.tar.age", identity, _files())
    data = (tmp_path / "a.tar.age").read_bytes()
    (tmp_path / "b.tar.age").write_bytes(data[: len(data) - 70_000])
    with pytest.raises(ArchiveDamaged), (tmp_path / "b.tar.age").open("rb") as source:
        for _ in ArchiveReader(source, [identity]):
            pass


def test_wrong_key_is_told(tmp_path, identity) -> None:
    _write(tmp_path / "a.tar.age", identity, _files())
    with pytest.raises(ArchiveDamaged, match="wrong private key"), \
            (tmp_path / "a.tar.age").open("rb") as source:
        for _ in ArchiveReader(source, [x25519.Identity.generate()]):
            pass


def test_memory_stays_flat_for_a_large_entry(tmp_path, identity) -> None:
    """A 300 MB entry is streamed through in chunks: the process grows by far less."""
    import resource

    class Zeros(io.RawIOBase):
        def __init__(self, size: int) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), self.left)
            buffer[:n] = bytes(n)
            self.left -= n
            return n

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = 300 * 1024 * 1024
    with (tmp_path / "big.tar.age").open("wb") as out:
        writer = ArchiveWriter(out, [identity.to_public()])
        writer.write([Source("lpse-backup/files/big", size, io.BufferedReader(Zeros(size)))])
    with (tmp_path / "big.tar.age").open("rb") as source:
        for entry in ArchiveReader(source, [identity]):
            assert entry.name == "lpse-backup/files/big"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64, f"memory grew by {grown_mb:.0f} MB"
