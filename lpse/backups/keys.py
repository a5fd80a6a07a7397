"""Backup keys: age X25519 recipients (public, on the server) and identities (private, kept
offline and supplied only to verify or restore).

The format is age v1 (https://age-encryption.org/v1): `age -d -i key.txt archive.tar.age`
opens an archive without this software. Keys are the ones `age-keygen` writes.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyrage import x25519


class KeyProblem(ValueError):
    """A key that cannot be read; the message is for the operator."""


@dataclass(frozen=True)
class KeyPair:
    identity: str  # AGE-SECRET-KEY-1…
    recipient: str  # age1…


def generate_keypair() -> KeyPair:
    identity = x25519.Identity.generate()
    return KeyPair(identity=str(identity), recipient=str(identity.to_public()))


def fingerprint(recipient: str) -> str:
    """A short, stable name for a public key (shown on the page and in the run record)."""
    return "SHA256:" + hashlib.sha256(recipient.strip().encode("ascii")).hexdigest()[:16]


def parse_recipients(values: Iterable[str]) -> list[x25519.Recipient]:
    recipients = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            recipients.append(x25519.Recipient.from_str(value))
        except pyrage.RecipientError as exc:
            raise KeyProblem(f"Not an age X25519 public key: {value[:20]}…") from exc
    return recipients


def configured_recipients() -> list[str]:
    return [r.strip() for r in settings.BACKUP_RECIPIENTS if r.strip()]


def recipients_or_error() -> list[x25519.Recipient]:
    values = configured_recipients()
    if not values:
        raise ImproperlyConfigured(
            "BACKUP_RECIPIENTS is not set: generate a key pair with "
            "`python manage.py backup_keygen` (or age-keygen), keep the private key offline "
            "and put the public key (age1…) in BACKUP_RECIPIENTS."
        )
    return parse_recipients(values)


def parse_identities(text: str) -> list[x25519.Identity]:
    """Read identities from the text of an age identity file (comments allowed)."""
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError as exc:
            raise KeyProblem("The private key is not an age X25519 identity "
                            "(a line starting with AGE-SECRET-KEY-1).") from exc
    if not identities:
        raise KeyProblem("No private key (AGE-SECRET-KEY-1…) found.")
    return identities


def load_identities(path: str | Path | None, *, prompt: bool = True) -> list[x25519.Identity]:
    """Identities from a file, or typed in when no file is given and a terminal is present."""
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyProblem(f"Cannot read the private key file {path}: {exc}") from exc
        return parse_identities(text)
    if not prompt:
        raise KeyProblem("The private key is needed: give --identity FILE.")
    return parse_identities(getpass.getpass("Backup private key (AGE-SECRET-KEY-1…): "))
