"""The age writer (lpse.core.age) against pyrage, the Rust implementation, as the reader."""

from __future__ import annotations

import io
import os
import random

import pyrage
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lpse.core import age

IDENTITIES = [pyrage.x25519.Identity.generate() for _ in range(2)]
RECIPIENTS = [str(identity.to_public()) for identity in IDENTITIES]


def _stream(pieces: list[bytes], recipients: list[str]) -> bytes:
    out = io.BytesIO()
    encryptor = age.AgeEncryptor(out.write, recipients)
    for piece in pieces:
        encryptor.update(piece)
    encryptor.finish()
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 131072, 300_001])
def test_streamed_file_of_any_length_decrypts_with_rage(size: int) -> None:
    data = os.urandom(size)
    rng = random.Random(size)
    pieces, offset = [], 0
    while offset < size:  # pieces of uneven sizes, some larger than a chunk
        step = rng.choice([1, 100, 65536, 70_000, 200_000])
        pieces.append(data[offset:offset + step])
        offset += step
    sealed = _stream(pieces, RECIPIENTS[:1])
    assert sealed.startswith(age.AGE_HEADER)
    assert pyrage.decrypt(sealed, IDENTITIES[:1]) == data


def test_every_recipient_can_open_and_no_one_else() -> None:
    data = os.urandom(100_000)
    sealed = _stream([data], RECIPIENTS)
    for identity in IDENTITIES:
        assert pyrage.decrypt(sealed, [identity]) == data
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(sealed, [pyrage.x25519.Identity.generate()])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=70_000), max_size=6))
def test_chunking_does_not_depend_on_how_the_input_is_cut(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    sealed = _stream(pieces, RECIPIENTS[:1])
    # 64 KiB chunks, each with a 16-byte tag; an empty file has one empty last chunk.
    chunks = max(1, -(-len(data) // age.CHUNK))
    header_end = sealed.index(b"\n---") + 1
    header_end = sealed.index(b"\n", header_end) + 1 + 16
    assert len(sealed) - header_end == len(data) + 16 * chunks
    assert pyrage.decrypt(sealed, IDENTITIES[:1]) == data


def test_a_finished_file_takes_no_more_and_a_bad_recipient_is_refused() -> None:
    encryptor = age.AgeEncryptor(io.BytesIO().write, RECIPIENTS[:1])
    encryptor.finish()
    with pytest.raises(age.CryptoError):
        encryptor.seal(b"late", last=True)
    with pytest.raises(age.CryptoError):
        age.AgeEncryptor(io.BytesIO().write, ["age1notarecipient"])
    with pytest.raises(age.CryptoError):
        age.AgeEncryptor(io.BytesIO().write, [])
