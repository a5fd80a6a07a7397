"""The cryptography of sealed bids, built only from maintained libraries.

- Bid files: the age format (age-encryption.org/v1): X25519 recipients, ChaCha20-Poly1305
  STREAM in 64 KiB chunks with a last-chunk flag, so truncation, reordering and any flipped
  byte are detected. Segments are written by `age_encrypt_known_length` (lpse.core.age: the
  format laid out with pyca/cryptography primitives, 7× faster than pyrage's 8 KiB callback
  reads) and read by pyrage, the Python binding of the Rust `age` crate — every test and
  every opening is thus an interoperability check. An opened bid decrypts with the
  standard `age` tool.
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

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

import pyrage
import shamir_mnemonic
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from lpse.core import age
from lpse.core.age import CryptoError as CryptoError  # re-exported: this module's interface
from lpse.core.age import bech32_decode as bech32_decode
from lpse.core.age import bech32_encode as bech32_encode
from lpse.core.age import public_from_recipient as public_from_recipient
from lpse.core.age import recipient_from_public as recipient_from_public

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


AGE_CHUNK = age.CHUNK
age_encrypt_known_length = age.encrypt_known_length


def age_encrypt(data: bytes, recipient: str) -> bytes:
    return pyrage.encrypt(data, [pyrage.x25519.Recipient.from_str(recipient)])


def age_decrypt(data: bytes, private: bytes) -> bytes:
    """Decrypt one age file held in memory (a segment of at most BIDS_SEGMENT_BYTES)."""
    try:
        identity = pyrage.x25519.Identity.from_str(identity_from_private(private))
        return pyrage.decrypt(data, [identity])
    except (pyrage.DecryptError, pyrage.IdentityError, ValueError) as exc:
        raise CryptoError(str(exc) or "the file does not decrypt") from exc
