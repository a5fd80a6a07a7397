from __future__ import annotations

import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.files import (
    ArchiveLimits,
    FilePolicy,
    FileRejected,
    check_zip,
    display_name,
    open_stored,
    register_file_access,
    store_file,
    verify_stored,
)
from lpse.core.models import StoredFile

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\0" * 200
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 400
POLICY = FilePolicy(max_bytes=10_000, allowed_types=frozenset({"application/pdf", "image/png"}))


def test_store_hashes_while_streaming_and_never_uses_the_user_name() -> None:
    stored = store_file(source=io.BytesIO(PDF_BYTES), original_name="../../etc/passwd.pdf",
                        purpose="test", policy=POLICY)
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.md5 == hashlib.md5(PDF_BYTES, usedforsecurity=False).hexdigest()
    assert stored.size == len(PDF_BYTES)
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "passwd.pdf"
    assert "passwd" not in stored.storage_name
    assert ".." not in stored.storage_name
    with open_stored(stored) as handle:
        assert handle.read() == PDF_BYTES
    assert verify_stored(stored)


def test_type_is_decided_by_content_not_by_name() -> None:
    with pytest.raises(FileRejected) as excinfo:
        store_file(source=io.BytesIO(EXE_BYTES), original_name="invoice.pdf", purpose="test",
                   policy=POLICY)
    assert excinfo.value.code == "type"
    png = store_file(source=io.BytesIO(PNG_BYTES), original_name="scan.pdf", purpose="test",
                     policy=POLICY)
    assert png.content_type == "image/png"
    assert StoredFile.objects.count() == 1


def test_size_cap_enforced_while_streaming_leaves_nothing_behind(settings) -> None:
    big = b"%PDF-1.4\n" + b"1" * 200_000
    with pytest.raises(FileRejected) as excinfo:
        store_file(source=io.BytesIO(big), original_name="big.pdf", purpose="test", policy=POLICY)
    assert excinfo.value.code == "too_large"
    assert StoredFile.objects.count() == 0
    leftovers = [f for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert leftovers == []


def test_empty_file_rejected() -> None:
    with pytest.raises(FileRejected):
        store_file(source=io.BytesIO(b""), original_name="x.pdf", purpose="test", policy=POLICY)


def test_tampered_file_fails_verification() -> None:
    stored = store_file(source=io.BytesIO(PDF_BYTES), original_name="a.pdf", purpose="test",
                        policy=POLICY)
    path = default_storage.path(stored.storage_name)
    with open(path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"X")
    assert not verify_stored(stored)


def _zip(entries: dict[str, bytes], symlink: str | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    buffer.seek(0)
    return buffer


def test_zip_limits() -> None:
    assert check_zip(_zip({"a.pdf": b"1", "dir/b.pdf": b"2"})) == ["a.pdf", "dir/b.pdf"]
    for bad, code in [
        (_zip({"../evil.pdf": b"x"}), "zip_path"),
        (_zip({"/abs.pdf": b"x"}), "zip_path"),
        (_zip({}, symlink="link"), "zip_symlink"),
        (_zip({"bomb.bin": b"\0" * 5_000_000}), "zip_ratio"),
        (_zip({f"{i}.txt": b"x" for i in range(20)}), "zip_entries"),
        (io.BytesIO(b"not a zip"), "zip"),
    ]:
        with pytest.raises(FileRejected) as excinfo:
            check_zip(bad, ArchiveLimits(max_entries=10))
        assert excinfo.value.code == code


def test_display_name_strips_paths_and_control_characters() -> None:
    assert display_name("C:\\Users\\x\\Penawaran\x00.pdf") == "Penawaran.pdf"
    assert display_name("...") == "file"


def test_download_only_through_the_registered_rule(client_for) -> None:
    owner = make_user(Role.VENDOR)
    other = make_user(Role.VENDOR)

    @register_file_access("test-owned")
    def _rule(user, stored):
        return stored.uploaded_by_id == user.pk

    stored = store_file(source=io.BytesIO(PDF_BYTES), original_name="mine.pdf",
                        purpose="test-owned", policy=POLICY, uploaded_by=owner)
    response = client_for(owner).get(f"/files/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "mine.pdf" in response["Content-Disposition"]
    assert client_for(other).get(f"/files/{stored.pk}/").status_code == 404
    unregistered = store_file(source=io.BytesIO(PDF_BYTES), original_name="x.pdf",
                              purpose="nobody-registered", policy=POLICY, uploaded_by=owner)
    assert client_for(owner).get(f"/files/{unregistered.pk}/").status_code == 404
    assert client_for(None).get(f"/files/{stored.pk}/").status_code == 302
