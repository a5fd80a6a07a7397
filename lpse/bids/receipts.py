"""Signed bid receipts: the bytes that are signed, signing, and verification.

A receipt file is JSON: {"receipt": {...}, "signature": {"algorithm": "Ed25519",
"key_id": ..., "public_key": <base64 raw key>, "value": <base64 signature>}}. The signature
covers the canonical form of "receipt": JSON with keys sorted, no whitespace, UTF-8, no
floating-point numbers (identical to RFC 8785 for these documents). The single-file
verifier in tools/verify_receipt.py repeats exactly this logic with only `cryptography`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _

from lpse.bids import serverkeys

RECEIPT_TYPE = "lpse.bid-receipt"
RECEIPT_VERSION = 1


def canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def sign(payload: dict[str, Any]) -> dict[str, Any]:
    """The receipt document for `payload`, signed with the server's key."""
    if _has_float(payload):
        raise ValueError("receipts hold no floating-point numbers")
    key = serverkeys.signing_key()
    public = serverkeys.public_key_raw()
    return {
        "receipt": payload,
        "signature": {
            "algorithm": "Ed25519",
            "key_id": serverkeys.key_id(public),
            "public_key": base64.b64encode(public).decode(),
            "value": base64.b64encode(key.sign(canonical(payload))).decode(),
        },
    }


@dataclass
class Verification:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    receipt: dict[str, Any] | None = None


def verify(document: Any, *, trusted_public_key: bytes | None = None) -> Verification:
    """Check a receipt document: well formed, signed by the trusted key (default: this
    server's published key), and the signature matches the content."""
    trusted = trusted_public_key if trusted_public_key is not None else \
        serverkeys.public_key_raw()
    if not isinstance(document, dict) or not isinstance(document.get("receipt"), dict) \
            or not isinstance(document.get("signature"), dict):
        return Verification(False, [_("This is not a bid receipt (the \"receipt\" and "
                                      "\"signature\" parts are missing).")])
    payload, signature = document["receipt"], document["signature"]
    if payload.get("type") != RECEIPT_TYPE:
        return Verification(False, [_("This is not a bid receipt of this system.")])
    if signature.get("algorithm") != "Ed25519":
        return Verification(False, [_("Unknown signature algorithm.")])
    try:
        embedded = base64.b64decode(signature.get("public_key", ""), validate=True)
        value = base64.b64decode(signature.get("value", ""), validate=True)
    except (binascii.Error, ValueError, TypeError):
        return Verification(False, [_("The signature is not valid base64.")], payload)
    if embedded != trusted:
        return Verification(False, [_(
            "The receipt was signed with another key (key %(key)s), not with this server's "
            "published key (key %(ours)s).") % {"key": signature.get("key_id", "?"),
                                              "ours": serverkeys.key_id(trusted)}], payload)
    try:
        body = canonical(payload)
        Ed25519PublicKey.from_public_bytes(trusted).verify(value, body)
    except InvalidSignature:
        return Verification(False, [_("The signature does not match the content: the receipt "
                                      "has been altered.")], payload)
    except (ValueError, TypeError):
        return Verification(False, [_("The receipt contains values that cannot be "
                                      "checked.")], payload)
    return Verification(True, [_("The signature is valid: the receipt was issued by this "
                                 "server and has not been altered.")], payload)


def parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
