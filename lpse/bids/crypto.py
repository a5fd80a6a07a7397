"""The cryptography of sealed bids, built only from maintained libraries.

- Bid files: the age format (age-encryption.org/v1): X25519 recipients, ChaCha20-Poly1305
  STREAM in 64 KiB chunks with a last-chunk flag, so truncation, reordering and any flipped
  byte are detected. Segments are written by `age_encrypt_known_length` (the format laid
  out with pyca/cryptography primitives: 7× faster than pyrage's 8 KiB callback reads) and
  read by pyrage, the Python binding of the Rust `age` crate — every test and every opening
  is thus an interoperability check. An opened bid decrypts with the standard `age` tool.
- The tender key: an X25519 key pair (pyca/cryptography) written as an age recipient
  (`age1…`) and identity (`AGE-SECRET-KEY-1…`) in Bech32, the encoding age uses.
- Threshold sharing: SLIP-39 Shamir shares (Trezor's reference `shamir-mnemonic`), k of n,
  32-byte secret; each share carries a checksum, so a damaged or foreign share is refused.
- Member keys: X25519 key pairs whose private part is sealed with ChaCha20-Poly1305 under a
  key derived from the member's passphrase with Argon2id (argon2-cffi).
- Shares to members: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
  ChaCha20-Poly1305 (pyca/cryptography).

Nothing here touches the database; `lpse.bids.services` decides what is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyrage
import shamir_mnemonic
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

AGE_HEADER = b"age-encryption.org/v1\n"


class CryptoError(Exception):
    """A key, share or ciphertext that does not open (wrong passphrase, tampering)."""


# --- Bech32 (BIP-173), the text encoding of age keys ------------------------------------------
# An encoding with a checksum, not a cryptographic primitive; checked against pyrage in tests.

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


# --- Tender key pairs (age X25519) ----------------------------------------------------------


@dataclass(frozen=True)
class TenderKeyPair:
    """A freshly generated tender key: the private part exists only in this object."""

    private: bytes
    recipient: str

    @classmethod
    def generate(cls) -> TenderKeyPair:
        key = X25519PrivateKey.generate()
        return cls(private=key.private_bytes_raw(),
                   recipient=recipient_from_public(key.public_key().public_bytes_raw()))


def recipient_from_public(public: bytes) -> str:
    return bech32_encode("age", public)


def public_from_recipient(recipient: str) -> bytes:
    return bech32_decode(recipient, "age")


def identity_from_private(private: bytes) -> str:
    """The age identity (`AGE-SECRET-KEY-1…`) of a raw X25519 private key."""
    return bech32_encode("age-secret-key-", private).upper()


def recipient_of_private(private: bytes) -> str:
    key = X25519PrivateKey.from_private_bytes(private)
    return recipient_from_public(key.public_key().public_bytes_raw())


def fingerprint(recipient: str) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits (shown on the
    announcement so bidders and the committee can compare it)."""
    digest = hashlib.sha256(public_from_recipient(recipient)).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


# --- Shamir k-of-n (SLIP-39) ------------------------------------------------------------------


def default_threshold(members: int) -> int:
    """A majority of the members, at least two (one for a single procurement officer)."""
    if members <= 1:
        return 1
    return max(2, members // 2 + 1)


def split_secret(secret: bytes, *, threshold: int, shares: int) -> list[bytes]:
    if not 1 <= threshold <= shares <= 16:
        raise ValueError("threshold must be between 1 and the number of shares (at most 16)")
    if threshold == 1 and shares != 1:
        raise ValueError("a threshold of one needs exactly one share")
    groups = shamir_mnemonic.generate_mnemonics(
        group_threshold=1, groups=[(threshold, shares)], master_secret=secret,
        passphrase=b"", extendable=True, iteration_exponent=0)
    return [mnemonic.encode() for mnemonic in groups[0]]


def combine_shares(shares: Sequence[bytes]) -> bytes:
    try:
        return shamir_mnemonic.combine_mnemonics([s.decode() for s in shares])
    except (shamir_mnemonic.MnemonicError, UnicodeDecodeError, ValueError) as exc:
        raise CryptoError(str(exc)) from exc


# --- Member keys: Argon2id-sealed X25519 private keys ---------------------------------------


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int

    def as_dict(self) -> dict[str, int]:
        return {"t": self.time_cost, "m": self.memory_kib, "p": self.parallelism}

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> KdfParams:
        return cls(time_cost=int(data["t"]), memory_kib=int(data["m"]),
                   parallelism=int(data["p"]))


@dataclass(frozen=True)
class SealedMemberKey:
    public: bytes
    sealed_private: bytes  # nonce (12) ‖ ChaCha20-Poly1305 ciphertext
    salt: bytes
    params: KdfParams


def _passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(passphrase.encode(), salt, time_cost=params.time_cost,
                           memory_cost=params.memory_kib, parallelism=params.parallelism,
                           hash_len=32, type=Type.ID)


def _member_aad(context: bytes) -> bytes:
    return b"lpse-bids/member-key/v1|" + context


def member_key_create(passphrase: str, *, params: KdfParams, context: bytes) -> SealedMemberKey:
    """A new member key pair, its private part sealed under the passphrase. `context` (the
    user's id) is bound as associated data so a sealed key cannot be moved to another user."""
    private = X25519PrivateKey.generate()
    return member_key_seal(private.private_bytes_raw(), passphrase, params=params,
                           context=context)


def member_key_seal(private: bytes, passphrase: str, *, params: KdfParams,
                    context: bytes) -> SealedMemberKey:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(_passphrase_key(passphrase, salt, params)).encrypt(
        nonce, private, _member_aad(context))
    public = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
    return SealedMemberKey(public=public, sealed_private=nonce + sealed, salt=salt,
                           params=params)


def member_key_open(key: SealedMemberKey, passphrase: str, *, context: bytes) -> bytes:
    """The raw private key, or CryptoError when the passphrase is wrong."""
    try:
        private = ChaCha20Poly1305(_passphrase_key(passphrase, key.salt, key.params)).decrypt(
            key.sealed_private[:12], key.sealed_private[12:], _member_aad(context))
    except InvalidTag as exc:
        raise CryptoError("wrong passphrase") from exc
    return private


# --- Shares sealed to members (HPKE, RFC 9180) ----------------------------------------------

_HPKE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def share_seal(share: bytes, member_public: bytes, *, context: bytes) -> bytes:
    return _HPKE.encrypt(share, X25519PublicKey.from_public_bytes(member_public),
                         info=b"lpse-bids/share/v1|" + context)


def share_open(sealed: bytes, member_private: bytes, *, context: bytes) -> bytes:
    try:
        return _HPKE.decrypt(sealed, X25519PrivateKey.from_private_bytes(member_private),
                             info=b"lpse-bids/share/v1|" + context)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("the share does not open with this key") from exc


# --- Symmetric sealing under a server-held key (vault, ceremony) ----------------------------


def aead_seal(key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)


def aead_open(key: bytes, sealed: bytes, *, aad: bytes) -> bytes:
    try:
        return ChaCha20Poly1305(key).decrypt(sealed[:12], sealed[12:], aad)
    except InvalidTag as exc:
        raise CryptoError("sealed data does not open") from exc


# --- age encryption of bid files --------------------------------------------------------------


AGE_CHUNK = 64 * 1024


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=salt, info=info).derive(ikm)


def age_encrypt_known_length(read: Callable[[int], bytes], length: int,
                             write: Callable[[bytes], object], recipient: str) -> None:
    """Encrypt exactly `length` bytes obtained from `read(n)` to one age file (the
    age-encryption.org/v1 format, X25519 recipient), written through `write`.

    The format as the age specification defines it, with pyca/cryptography primitives:
    a random 16-byte file key wrapped to the recipient (ephemeral X25519, HKDF-SHA256 with
    info "age-encryption.org/v1/X25519", ChaCha20-Poly1305), the header MACed with
    HMAC-SHA256 (key HKDF(file key, info "header")), then a 16-byte nonce and the payload
    in 64 KiB chunks sealed with ChaCha20-Poly1305 under HKDF(file key, nonce, "payload"),
    chunk nonce = 11-byte big-endian counter ‖ last-chunk flag. Knowing the length in
    advance tells which chunk is the last without reading ahead; chunks are 64 KiB, so
    memory stays constant. Output is decrypted by pyrage (rage) and the `age` tool (tests).
    """
    if length <= 0:
        raise ValueError("an age segment holds at least one byte")
    their_public = public_from_recipient(recipient)
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(their_public))
    if shared == bytes(32):
        raise CryptoError("invalid recipient")
    file_key = os.urandom(16)
    wrap_key = _hkdf(shared, share + their_public, b"age-encryption.org/v1/X25519")
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = (AGE_HEADER + b"-> X25519 " + _b64(share) + b"\n" + _b64(body) + b"\n---")
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    nonce = os.urandom(16)
    write(header + b" " + _b64(mac) + b"\n" + nonce)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    counter, remaining = 0, length
    while remaining > 0:
        want = min(AGE_CHUNK, remaining)
        chunk = read(want)
        if len(chunk) != want:
            raise CryptoError("the source ended early")
        remaining -= want
        last = b"\x01" if remaining == 0 else b"\x00"
        write(aead.encrypt(counter.to_bytes(11, "big") + last, chunk, None))
        counter += 1


def age_encrypt(data: bytes, recipient: str) -> bytes:
    return pyrage.encrypt(data, [pyrage.x25519.Recipient.from_str(recipient)])


def age_decrypt(data: bytes, private: bytes) -> bytes:
    """Decrypt one age file held in memory (a segment of at most BIDS_SEGMENT_BYTES)."""
    try:
        identity = pyrage.x25519.Identity.from_str(identity_from_private(private))
        return pyrage.decrypt(data, [identity])
    except (pyrage.DecryptError, pyrage.IdentityError, ValueError) as exc:
        raise CryptoError(str(exc) or "the file does not decrypt") from exc
