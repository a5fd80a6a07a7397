"""Writing the age file format (age-encryption.org/v1) with pyca/cryptography primitives.

Used for sealed bid segments (lpse.bids) and for backup archives (lpse.backups). Reading is
left to pyrage, the Python binding of the Rust `age` crate, so that every opening, verify
and restore is also an interoperability check; the standard `age` tool opens the output.

The format, as the specification defines it for X25519 recipients:

- a random 16-byte file key, wrapped to each recipient in a stanza: an ephemeral X25519
  key pair, the shared secret through HKDF-SHA256 (salt: ephemeral share ‖ recipient,
  info "age-encryption.org/v1/X25519"), ChaCha20-Poly1305 with a zero nonce;
- the header MACed with HMAC-SHA256 under HKDF(file key, info "header");
- a 16-byte nonce, then the payload in 64 KiB chunks sealed with ChaCha20-Poly1305 under
  HKDF(file key, salt nonce, info "payload"); chunk nonce = 11-byte big-endian counter ‖
  last-chunk flag. Truncation, reordering and any flipped byte are detected on reading.

pyrage's own writer pulls its input through 8 KiB Python callbacks and runs at a fraction
of the speed of pyca's ChaCha20-Poly1305 on whole chunks; hence this writer.
Recipients' text form (`age1…`) is Bech32 (BIP-173): an encoding with a checksum, not a
cryptographic primitive; checked against pyrage in the tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

AGE_HEADER = b"age-encryption.org/v1\n"
CHUNK = 64 * 1024


class CryptoError(Exception):
    """A key, share or ciphertext that does not open (wrong passphrase, tampering), or a
    key text that does not parse."""


# --- Bech32, the text encoding of age keys ----------------------------------------------------

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: Sequence[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= _GENERATOR[i] if ((top >> i) & 1) else 0
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | Sequence[int], from_bits: int, to_bits: int,
                  pad: bool) -> list[int]:
    acc, bits, out = 0, 0, []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (to_bits - bits)) & maxv)
    elif not pad and (bits >= from_bits or ((acc << (to_bits - bits)) & maxv)):
        raise CryptoError("invalid padding")
    return out


def bech32_encode(hrp: str, data: bytes) -> str:
    words = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(hrp), *words, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[w] for w in words + checksum)


def bech32_decode(text: str, hrp: str) -> bytes:
    lowered = text.strip().lower()
    if lowered != text.strip() and text.strip().upper() != text.strip():
        raise CryptoError("mixed case")
    prefix, sep, rest = lowered.rpartition("1")
    if not sep or prefix != hrp.lower() or len(rest) < 6:
        raise CryptoError("wrong prefix")
    try:
        words = [_CHARSET.index(c) for c in rest]
    except ValueError as exc:
        raise CryptoError("invalid character") from exc
    if _polymod([*_hrp_expand(prefix), *words]) != 1:
        raise CryptoError("bad checksum")
    return bytes(_convert_bits(words[:-6], 5, 8, pad=False))


def recipient_from_public(public: bytes) -> str:
    return bech32_encode("age", public)


def public_from_recipient(recipient: str) -> bytes:
    return bech32_decode(recipient, "age")


# --- Writing ---------------------------------------------------------------------------------


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _stanza(file_key: bytes, recipient: str) -> bytes:
    their_public = public_from_recipient(recipient)
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(their_public))
    if shared == bytes(32):
        raise CryptoError("invalid recipient")
    wrap_key = _hkdf(shared, share + their_public, b"age-encryption.org/v1/X25519")
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    return b"-> X25519 " + _b64(share) + b"\n" + _b64(body) + b"\n"


class AgeEncryptor:
    """One age file, written through `write` as the plaintext comes in.

    `update(data)` takes pieces of any size and holds back at most one chunk (whether a
    full chunk is the last one is known only when more data comes or `finish()` is called);
    `seal(chunk, last=)` is for callers that cut the chunks themselves (every chunk but the
    last exactly CHUNK bytes). Memory stays constant either way.
    """

    def __init__(self, write: Callable[[bytes], Any], recipients: Sequence[str]) -> None:
        if not recipients:
            raise CryptoError("no recipient")
        self._write = write
        file_key = os.urandom(16)
        header = AGE_HEADER + b"".join(_stanza(file_key, r) for r in recipients) + b"---"
        mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
        nonce = os.urandom(16)
        write(header + b" " + _b64(mac) + b"\n" + nonce)
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._counter = 0
        self._pending = bytearray()
        self._finished = False

    def seal(self, chunk: Any, *, last: bool) -> None:
        if self._finished:
            raise CryptoError("the age file is already finished")
        nonce = self._counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        self._write(self._aead.encrypt(nonce, chunk, None))
        self._counter += 1
        self._finished = last

    def update(self, data: Any) -> None:
        view = memoryview(data).cast("B")
        while view:
            if len(self._pending) == CHUNK:  # more follows: that chunk was not the last
                self.seal(self._pending, last=False)
                self._pending = bytearray()
            if not self._pending and len(view) > CHUNK:
                self.seal(view[:CHUNK], last=False)
                view = view[CHUNK:]
                continue
            take = CHUNK - len(self._pending)
            self._pending += view[:take]
            view = view[take:]

    def finish(self) -> None:
        """Seal what is held back as the last chunk (empty only for an empty file)."""
        self.seal(bytes(self._pending), last=True)
        self._pending = bytearray()


def encrypt_known_length(read: Callable[[int], bytes], length: int,
                         write: Callable[[bytes], Any], recipient: str) -> None:
    """Encrypt exactly `length` bytes obtained from `read(n)` to one age file. Knowing the
    length in advance tells which chunk is the last without holding one back."""
    if length <= 0:
        raise ValueError("an age segment holds at least one byte")
    encryptor = AgeEncryptor(write, [recipient])
    remaining = length
    while remaining > 0:
        want = min(CHUNK, remaining)
        chunk = read(want)
        if len(chunk) != want:
            raise CryptoError("the source ended early")
        remaining -= want
        encryptor.seal(chunk, last=remaining == 0)
