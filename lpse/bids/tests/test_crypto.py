"""The cryptographic building blocks, against the reference implementations."""

from __future__ import annotations

import io
import os

import pyrage
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lpse.bids import crypto
from lpse.bids.receipts import canonical

KEY = crypto.TenderKeyPair.generate()


def _seal(data: bytes) -> bytes:
    out = io.BytesIO()
    crypto.age_encrypt_known_length(io.BytesIO(data).read, len(data), out.write, KEY.recipient)
    return out.getvalue()


def test_bech32_keys_match_pyrage() -> None:
    identity = pyrage.x25519.Identity.from_str(crypto.identity_from_private(KEY.private))
    assert str(identity.to_public()) == KEY.recipient
    other = pyrage.x25519.Identity.generate()
    raw = crypto.bech32_decode(str(other), "age-secret-key-")
    assert crypto.identity_from_private(raw) == str(other)
    assert crypto.recipient_of_private(raw) == str(other.to_public())
    with pytest.raises(crypto.CryptoError):
        crypto.bech32_decode(KEY.recipient[:-1] + ("q" if KEY.recipient[-1] != "q" else "p"),
                             "age")


@pytest.mark.parametrize("size", [1, 65535, 65536, 65537, 131072, 200_001])
def test_segments_decrypt_with_rage(size: int) -> None:
    data = os.urandom(size)
    sealed = _seal(data)
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(
        crypto.identity_from_private(KEY.private))]) == data


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=1, max_size=3 * 65536 + 7), st.integers(min_value=0))
def test_any_flipped_bit_is_detected(data: bytes, where: int) -> None:
    sealed = bytearray(_seal(data))
    position = where % len(sealed)
    sealed[position] ^= 1 << (where % 8)
    with pytest.raises(crypto.CryptoError):
        crypto.age_decrypt(bytes(sealed), KEY.private)


def test_truncation_and_reordering_are_detected() -> None:
    data = os.urandom(3 * 65536)
    sealed = _seal(data)
    chunk = 65536 + 16
    header_end = len(sealed) - 3 * chunk
    body = [sealed[header_end + i * chunk: header_end + (i + 1) * chunk] for i in range(3)]
    for forged in (sealed[:header_end] + body[0] + body[1],          # last chunk dropped
                   sealed[:header_end] + body[1] + body[0] + body[2],  # chunks swapped
                   sealed[:-1]):                                     # cut short
        with pytest.raises(crypto.CryptoError):
            crypto.age_decrypt(forged, KEY.private)
    assert crypto.age_decrypt(sealed, KEY.private) == data


def test_wrong_key_and_short_source() -> None:
    sealed = _seal(b"dokumen penawaran")
    with pytest.raises(crypto.CryptoError):
        crypto.age_decrypt(sealed, crypto.TenderKeyPair.generate().private)
    with pytest.raises(crypto.CryptoError):
        crypto.age_encrypt_known_length(io.BytesIO(b"abc").read, 10, io.BytesIO().write,
                                        KEY.recipient)


def test_shamir_threshold() -> None:
    shares = crypto.split_secret(KEY.private, threshold=3, shares=5)
    assert crypto.combine_shares([shares[0], shares[2], shares[4]]) == KEY.private
    assert crypto.combine_shares([shares[3], shares[1], shares[0]]) == KEY.private
    with pytest.raises(crypto.CryptoError):
        crypto.combine_shares(shares[:2])
    damaged = bytearray(shares[0])
    damaged[3] = ord("x") if damaged[3] != ord("x") else ord("y")
    with pytest.raises(crypto.CryptoError):
        crypto.combine_shares([bytes(damaged), shares[1], shares[2]])
    assert [crypto.default_threshold(n) for n in (1, 2, 3, 4, 5, 7)] == [1, 2, 2, 3, 3, 4]


def test_member_keys_and_hpke_context() -> None:
    params = crypto.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    sealed = crypto.member_key_create("frasa sandi yang panjang", params=params,
                                      context=b"user:1")
    private = crypto.member_key_open(sealed, "frasa sandi yang panjang", context=b"user:1")
    for passphrase, context in (("frasa sandi yang salah", b"user:1"),
                                ("frasa sandi yang panjang", b"user:2")):
        with pytest.raises(crypto.CryptoError):
            crypto.member_key_open(sealed, passphrase, context=context)
    box = crypto.share_seal(b"share", sealed.public, context=b"a")
    assert crypto.share_open(box, private, context=b"a") == b"share"
    with pytest.raises(crypto.CryptoError):
        crypto.share_open(box, private, context=b"b")


def test_canonical_json_is_sorted_and_compact() -> None:
    assert canonical({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()
