"""The server's two secrets for sealed bids, each in its own file (never in the database).

- The receipt signing key (Ed25519, PEM): signs every bid receipt. Its public key is
  published at /bids/receipt-key/ and in the API so anyone can verify receipts offline.
- The vault key (32 random bytes): seals what the server must keep between requests and
  may keep *without* weakening the sealed-bid guarantee — the shares members unlocked
  during an opening ceremony that has not reached k yet (fewer than k shares reveal
  nothing), and a tender's identity after its envelope has been opened (so opened
  documents stay encrypted at rest and are decrypted only when served).

Both files are created on first use (mode 0600, atomically: exactly one process wins when
several workers start together). Paths: BIDS_SIGNING_KEY_FILE and BIDS_VAULT_KEY_FILE.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _create_exclusive(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails when another process created the file first: theirs wins.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_or_create(path: Path, make: bytes) -> bytes:
    if not path.exists():
        _create_exclusive(path, make)
    return path.read_bytes()


# --- Receipt signing key (Ed25519) -----------------------------------------------------------


@cache
def _signing_key(path: str) -> Ed25519PrivateKey:
    fresh = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    key = serialization.load_pem_private_key(_read_or_create(Path(path), fresh), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} does not hold an Ed25519 private key")
    return key


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(str(settings.BIDS_SIGNING_KEY_FILE))


def signing_public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_raw(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or signing_public_key()).public_bytes_raw()


def key_id(public: bytes | None = None) -> str:
    """The first 16 hex digits of SHA-256 of the raw public key: names the key in receipts."""
    return hashlib.sha256(public if public is not None else public_key_raw()).hexdigest()[:16]


def public_key_pem() -> str:
    return signing_public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_key_b64() -> str:
    return base64.b64encode(public_key_raw()).decode()


# --- Vault key ------------------------------------------------------------------------------


@cache
def _vault_master(path: str) -> bytes:
    raw = _read_or_create(Path(path), base64.b64encode(os.urandom(32)) + b"\n")
    master = base64.b64decode(raw.strip())
    if len(master) != 32:
        raise ValueError(f"{path} must hold 32 bytes in base64")
    return master


def vault_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from the vault master key with HKDF."""
    master = _vault_master(str(settings.BIDS_VAULT_KEY_FILE))
    return HKDF(algorithm=SHA256(), length=32, salt=None,
                info=b"lpse-bids/vault/v1|" + purpose.encode()).derive(master)


def reset_caches() -> None:
    """Forget the keys read from disk (tests that move the key files)."""
    _signing_key.cache_clear()
    _vault_master.cache_clear()
