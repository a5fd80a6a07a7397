"""The sealed-bid guarantee: with the whole database, every stored file and every server
secret — but no member's passphrase — a bid cannot be decrypted before the opening."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from lpse.bids import crypto, serverkeys
from lpse.bids.models import BidSegment, KeyShare, MemberKey, TenderKey
from lpse.bids.services.keys import sealed_key_of, share_context
from lpse.bids.services.opening import opened_private_key
from lpse.bids.tests.factories import (
    in_opening,
    in_upload,
    open_envelope,
    passphrase_of,
    pdf_bytes,
    sealed_tender,
    upload_bid,
)

pytestmark = pytest.mark.django_db


def _database_dump() -> bytes:
    """Every value of every table, as an attacker with the database would have it."""
    parts: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        parts.append(bytes(value))
                    elif value is not None:
                        parts.append(str(value).encode())
    return b"\x00".join(parts)


def _files_dump(*roots: Path) -> bytes:
    parts = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                parts.append(path.read_bytes())
    return b"\x00".join(parts)


def _forms(secret: bytes) -> list[bytes]:
    """The ways a key could be written down: raw, hex, base64, bech32."""
    return [secret, secret.hex().encode(), secret.hex().upper().encode(),
            base64.b64encode(secret), crypto.identity_from_private(secret).encode(),
            crypto.identity_from_private(secret).lower().encode()]


def test_database_and_server_secrets_without_passphrases_cannot_decrypt(
        clock: Any, settings: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    document = pdf_bytes("rahasia-penawaran-harga", size=50_000)
    upload_bid(tender, files={"penawaran.pdf": document})
    # Even after the deadline, before the opening ceremony:
    clock.move_to(in_opening(tender))

    stolen_db = _database_dump()
    stolen_files = _files_dump(Path(settings.MEDIA_ROOT), settings.BIDS_VAULT_KEY_FILE.parent,
                               settings.BIDS_SPOOL_DIR)
    stolen_secrets = [settings.SECRET_KEY.encode(), serverkeys.public_key_raw(),
                      serverkeys.signing_key().private_bytes_raw()]
    stolen_secrets += [serverkeys.vault_key(p) for p in ("opened-identity", "ceremony")]
    everything = stolen_db + stolen_files + b"\x00".join(stolen_secrets)

    # 1. The plaintext is nowhere: not in the database, not in storage, not in the spool.
    assert document[:64] not in everything
    assert b"rahasia-penawaran-harga" not in everything
    assert b"900000000" not in stolen_files

    # 2. No usable key: every server-derived key fails on every sealed segment.
    segments = [Path(settings.MEDIA_ROOT, s.storage_name).read_bytes()
                for s in BidSegment.objects.all()]
    assert segments
    candidates = stolen_secrets + [hashlib.sha256(s).digest() for s in stolen_secrets]
    for candidate in candidates:
        key = candidate[:32].ljust(32, b"\0")
        for sealed in segments:
            with pytest.raises(crypto.CryptoError):
                crypto.age_decrypt(sealed, key)
    # The tender key is not sealed under the vault before the opening.
    assert TenderKey.objects.get().opened_identity is None

    # 3. Shares open only with a member's private key, which opens only with the passphrase:
    #    guesses from what the attacker knows (user names, e-mails, server secrets) fail.
    for member_key in MemberKey.objects.select_related("user"):
        user = member_key.user
        for guess in (user.username, user.email, settings.SECRET_KEY, "", user.full_name,
                      f"{user.username}{user.username}"):
            with pytest.raises(crypto.CryptoError):
                crypto.member_key_open(sealed_key_of(member_key), guess,
                                       context=f"user:{user.pk}".encode())

    # Now the committee opens the bids legitimately, which reveals what the key material
    # was — and none of it was in what the attacker held.
    open_envelope(tender)
    tender_key = TenderKey.objects.get()
    private = opened_private_key(tender_key)
    assert crypto.age_decrypt(segments[0], private) == document
    for form in _forms(private):
        assert form not in everything, "the tender's private key was stored"
    for share in KeyShare.objects.select_related("member_key", "member"):
        member_private = crypto.member_key_open(
            sealed_key_of(share.member_key), passphrase_of(share.member),
            context=f"user:{share.member_id}".encode())
        for form in _forms(member_private):
            assert form not in everything, "a member's private key was stored"
        plain_share = crypto.share_open(bytes(share.sealed_share), member_private,
                                        context=share_context(tender_key, share.member))
        assert plain_share not in everything, "a key share was stored in plaintext"
        words = plain_share.decode().split()
        assert " ".join(words[:6]).encode() not in everything
