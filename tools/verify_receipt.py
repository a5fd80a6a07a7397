#!/usr/bin/env python3
"""Verify an LPSE bid receipt offline. Needs only the `cryptography` package.

    python verify_receipt.py bukti-penerimaan.json --key receipt-key.pem
    python verify_receipt.py bukti-penerimaan.json --key-b64 <base64 public key>

Download the server's public key from /bids/receipt-key/ (?format=pem) of the LPSE site,
or compare the key ID printed below with the one published there. Exit status 0 when the
receipt is valid, 1 when it is not, 2 on a usage error.

The signature covers the "receipt" object serialised as JSON with sorted keys, no
whitespace, UTF-8 (the receipts hold no floating-point numbers, so this equals RFC 8785).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def load_key(args: argparse.Namespace) -> bytes | None:
    if args.key:
        with open(args.key, "rb") as handle:
            key = serialization.load_pem_public_key(handle.read())
        if not isinstance(key, Ed25519PublicKey):
            raise SystemExit("the key file does not hold an Ed25519 public key")
        return key.public_bytes_raw()
    if args.key_b64:
        return base64.b64decode(args.key_b64)
    return None


def verify(document: Any, trusted: bytes | None) -> tuple[bool, str]:
    if not isinstance(document, dict) or not isinstance(document.get("receipt"), dict) or \
            not isinstance(document.get("signature"), dict):
        return False, "not a bid receipt: the 'receipt' and 'signature' parts are missing"
    payload, signature = document["receipt"], document["signature"]
    if payload.get("type") != "lpse.bid-receipt":
        return False, "not an LPSE bid receipt"
    if signature.get("algorithm") != "Ed25519":
        return False, "unknown signature algorithm"
    try:
        embedded = base64.b64decode(signature["public_key"], validate=True)
        value = base64.b64decode(signature["value"], validate=True)
    except (KeyError, binascii.Error, ValueError):
        return False, "the signature is not valid base64"
    key_id = hashlib.sha256(embedded).hexdigest()[:16]
    if trusted is None:
        print(f"warning: no trusted key given; checking against the key in the receipt "
              f"(key ID {key_id}) — compare it with the key published by the LPSE")
        trusted = embedded
    elif embedded != trusted:
        return False, (f"signed with another key (key ID {key_id}), not the trusted key "
                       f"(key ID {hashlib.sha256(trusted).hexdigest()[:16]})")
    try:
        Ed25519PublicKey.from_public_bytes(trusted).verify(value, canonical(payload))
    except InvalidSignature:
        return False, "the signature does not match the content: the receipt was altered"
    return True, f"valid: signed by key ID {key_id}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("receipt", help="the receipt JSON file")
    parser.add_argument("--key", help="the server's public key (PEM)")
    parser.add_argument("--key-b64", help="the server's public key (base64, 32 bytes)")
    args = parser.parse_args(argv)
    try:
        with open(args.receipt, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"INVALID: cannot read the receipt: {exc}")
        return 1
    ok, reason = verify(document, load_key(args))
    print(("VALID: " if ok else "INVALID: ") + reason)
    if ok:
        body = document["receipt"]
        print(f"tender {body['tender']['code']} · vendor {body['vendor']['name']} · "
              f"received {body['server_time']['wib']} · audit #{body['audit_seq']}")
        for envelope in body.get("envelopes", []):
            for item in envelope.get("files", []):
                print(f"  {item['name']}  {item['size']} bytes  sha256 {item['sha256']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
