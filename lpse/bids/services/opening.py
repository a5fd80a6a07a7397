"""The opening (pembukaan penawaran): members unlock their shares, the k-th rebuilds the
tender key, every bid is decrypted and checked against its receipt, the minutes follow.

Where things live (docs/apps/bids.md "Opening"):
- A member's share is unlocked in that member's own request (passphrase → Argon2id →
  member private key → HPKE-opened share). Until k shares are present it is kept sealed
  under a ceremony key (HKDF of the server vault key and this ceremony's random salt) in
  `OpeningUnlock.sealed_share`. Fewer than k shares reveal nothing about the key.
- The k-th member's request opens the stored shares, adds its own, rebuilds the private key
  in memory, checks it against the published public key, erases every stored share, and
  seals the key under the vault key (`TenderKey.opened_identity`) so the background check
  and the later permission-checked views can decrypt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.bids import crypto, sealing, serverkeys
from lpse.bids.access import access_tender_as_opener
from lpse.bids.envelopes import envelope_count, price_envelope
from lpse.bids.models import (
    Bid,
    BidFile,
    KeyShare,
    Opening,
    OpeningUnlock,
    TechnicalResult,
    TenderKey,
)
from lpse.bids.services.keys import member_private_key, share_context
from lpse.tenders.models import Tender
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from django.core.files.storage import Storage

    from lpse.accounts.models import User

PDF = "application/pdf"
ZIP = "application/zip"
MAX_FAILED_UNLOCKS = 5
FAILED_UNLOCK_WINDOW = 15 * 60


def opening_problems(tender: Tender, envelope: int, now: Any = None) -> list[str]:
    """Why the envelope cannot be opened now (empty: it can)."""
    now = now or timezone.now()
    problems: list[str] = []
    if tender.status != Tender.Status.PUBLISHED:
        problems.append(_("The tender is not running."))
        return problems
    if tender.upload_ends_at is None or now < tender.upload_ends_at:
        problems.append(_("The bids are opened only after the upload deadline."))
    if not tender.stage_started(StageCode.OPENING, now):
        problems.append(_("The bids are opened only in the opening stage."))
    if envelope == 2:
        first = Opening.objects.filter(tender_key__tender=tender, tender_key__envelope=1).first()
        if first is None or first.status != Opening.Status.DONE:
            problems.append(_("Open envelope I first."))
        else:
            missing = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED,
                                         technical_result__isnull=True).count()
            if missing:
                problems.append(_("Record the technical evaluation result of every bid before "
                                  "opening the price envelopes (%(n)s missing).") % {"n": missing})
    return problems


def _ceremony_key(opening: Opening) -> bytes:
    return serverkeys.vault_key(f"ceremony:{opening.pk}:{bytes(opening.ceremony_salt).hex()}")


def _opened_identity_aad(tender_key: TenderKey) -> bytes:
    return f"opened-identity|tender-key:{tender_key.pk}|{tender_key.recipient}".encode()


def _unlock_aad(opening: Opening, member_id: int) -> bytes:
    return f"ceremony-share|opening:{opening.pk}|member:{member_id}".encode()


def _throttle_key(user: User) -> str:
    return f"bids:unlock-failures:{user.pk}"


@dataclass
class UnlockResult:
    opening: Opening
    unlocked: int
    threshold: int
    key_rebuilt: bool


def opening_unlock(*, actor: User, tender: Tender, envelope: int, passphrase: str,
                   ip_address: str | None = None) -> UnlockResult:
    """A committee member unlocks their share of the envelope's key with their passphrase."""
    access_tender_as_opener(user=actor, tender=tender)
    tender_key = TenderKey.objects.filter(tender=tender, envelope=envelope).first()
    if tender_key is None:
        raise ValidationError(_("This tender has no such envelope."))
    problems = opening_problems(tender, envelope)
    if problems:
        raise ValidationError(problems)
    share = KeyShare.objects.select_related("member_key").filter(
        tender_key=tender_key, member=actor).first()
    if share is None:
        raise ValidationError(_("You hold no share of this tender's key (you were not a "
                                "member of the committee when it was published)."))
    if share.member_key.revoked_at is not None:
        raise ValidationError(_("Your share was sealed to an opening key you have since "
                                "replaced; it can no longer be unlocked. The other members "
                                "can still open the bids."))
    failures = cache.get(_throttle_key(actor), 0)
    if failures >= MAX_FAILED_UNLOCKS:
        raise ValidationError(_("Too many wrong passphrases: try again in 15 minutes."))
    try:
        private = member_private_key(user=actor, key=share.member_key, passphrase=passphrase)
    except ValidationError:
        cache.set(_throttle_key(actor), failures + 1, FAILED_UNLOCK_WINDOW)
        with transaction.atomic():
            audit_record(action="bids.share_unlock_failed", actor=actor, target=tender_key,
                         data={"tender": tender.code, "envelope": envelope})
        raise
    own_share = crypto.share_open(bytes(share.sealed_share), private,
                                  context=share_context(tender_key, actor))
    del private
    cache.delete(_throttle_key(actor))
    return _record_unlock(actor=actor, tender_key=tender_key, own_share=own_share,
                          ip_address=ip_address)


def _opening_for(tender_key: TenderKey, actor: User) -> Opening:
    try:
        with transaction.atomic():
            opening, _created = Opening.objects.get_or_create(
                tender_key=tender_key,
                defaults={"started_by": actor, "ceremony_salt": os.urandom(16)})
    except IntegrityError:
        opening = Opening.objects.get(tender_key=tender_key)
    return Opening.objects.select_for_update().get(pk=opening.pk)


@transaction.atomic
def _record_unlock(*, actor: User, tender_key: TenderKey, own_share: bytes,
                   ip_address: str | None) -> UnlockResult:
    opening = _opening_for(tender_key, actor)
    if opening.status != Opening.Status.COLLECTING:
        raise ValidationError(_("This envelope has already been opened."))
    if opening.unlocks.filter(member=actor).exists():
        raise ValidationError(_("You have already unlocked your share; waiting for the other "
                                "members."))
    others = list(opening.unlocks.all())
    threshold = tender_key.threshold
    now = timezone.now()
    if len(others) + 1 < threshold:
        OpeningUnlock.objects.create(
            opening=opening, member=actor, unlocked_at=now, ip_address=ip_address,
            sealed_share=crypto.aead_seal(_ceremony_key(opening), own_share,
                                          aad=_unlock_aad(opening, actor.pk)))
        audit_record(action="bids.share_unlocked", actor=actor, target=opening,
                     data={"tender": tender_key.tender.code, "envelope": tender_key.envelope,
                           "unlocked": len(others) + 1, "threshold": threshold})
        return UnlockResult(opening, len(others) + 1, threshold, key_rebuilt=False)
    shares = [crypto.aead_open(_ceremony_key(opening), bytes(u.sealed_share),
                               aad=_unlock_aad(opening, u.member_id))
              for u in others if u.sealed_share is not None]
    try:
        private = crypto.combine_shares([*shares, own_share])
    except crypto.CryptoError as exc:
        raise ValidationError(_("The shares do not combine into the tender key.")) from exc
    if crypto.recipient_of_private(private) != tender_key.recipient:
        raise ValidationError(_("The rebuilt key does not match the tender's public key."))
    tender_key.opened_identity = crypto.aead_seal(
        serverkeys.vault_key("opened-identity"), private, aad=_opened_identity_aad(tender_key))
    tender_key.save(update_fields=["opened_identity"])
    del private, shares
    OpeningUnlock.objects.create(opening=opening, member=actor, unlocked_at=now,
                                 ip_address=ip_address)
    opening.unlocks.update(sealed_share=None)
    opening.status, opening.key_rebuilt_at, opening.key_rebuilt_by = (
        Opening.Status.VERIFYING, now, actor)
    opening.save(update_fields=["status", "key_rebuilt_at", "key_rebuilt_by"])
    audit_record(action="bids.key_rebuilt", actor=actor, target=opening,
                 data={"tender": tender_key.tender.code, "envelope": tender_key.envelope,
                       "members": [u.member.get_username() for u in others]
                       + [actor.get_username()]})
    from lpse.bids import tasks

    opening_id = opening.pk
    transaction.on_commit(lambda: tasks.opening_verify.enqueue(opening_id=opening_id))
    return UnlockResult(opening, len(others) + 1, threshold, key_rebuilt=True)


def opened_private_key(tender_key: TenderKey) -> bytes:
    """The tender key after its envelope's opening (vault-sealed); CryptoError before."""
    if tender_key.opened_identity is None:
        raise crypto.CryptoError("this envelope has not been opened")
    return crypto.aead_open(serverkeys.vault_key("opened-identity"),
                            bytes(tender_key.opened_identity),
                            aad=_opened_identity_aad(tender_key))


# --- Checking every bid ----------------------------------------------------------------------


@dataclass
class FileCheck:
    ok: bool
    code: str = ""
    message: str = ""
    sha256: str = ""
    md5: str = ""
    size: int = 0
    detected_type: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    segments: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "code": self.code, "message": self.message,
                "sha256": self.sha256, "md5": self.md5, "size": self.size,
                "detected_type": self.detected_type, "metadata": self.metadata,
                "segments": self.segments}


def _receipt_entry(file: BidFile) -> dict[str, Any] | None:
    receipt = getattr(file.bid, "receipt", None)
    if receipt is None:
        return None
    for envelope in receipt.document["receipt"]["envelopes"]:
        if envelope["number"] != file.envelope:
            continue
        same = [f for f in envelope["files"] if f["name"] == file.name and
                f["sealed"]["manifest_sha256"] == file.sealed_sha256]
        if same:
            return same[0]
    return None


def check_file(file: BidFile, private: bytes, storage: Storage | None = None) -> FileCheck:
    """Decrypt a sealed file segment by segment (memory: one segment) and compare every
    hash with what was recorded at upload and with the signed receipt; the ciphertext is
    read from `storage` (default: the site's; a restore drill passes its scratch copy)."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from lpse.bids.sealing import detect_type

    result = FileCheck(ok=False)
    entry = _receipt_entry(file)
    if entry is None:
        result.code, result.message = "receipt_mismatch", _(
            "The file is not in the bid's signed receipt as recorded.")
        return result
    expected_segments = entry["sealed"]["segments"]
    segments = list(file.segments.order_by("index"))
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    sealed_digests: list[str] = []
    keep = entry["type"] in (PDF, ZIP) and file.size <= settings.BIDS_METADATA_MAX_BYTES
    plain = io.BytesIO() if keep else None
    head = b""
    failure: tuple[str, str] | None = None
    if [s.index for s in segments] != list(range(len(expected_segments))):
        failure = ("segment_missing", _("Segments are missing or out of order (%(got)s of "
                                        "%(expected)s present).")
                   % {"got": len(segments), "expected": len(expected_segments)})
    for segment, expected in zip(segments, expected_segments, strict=False):
        report: dict[str, Any] = {"index": segment.index}
        result.segments.append(report)
        try:
            with (storage or default_storage).open(segment.storage_name, "rb") as handle:
                data = handle.read()
        except OSError:
            report["problem"] = "missing"
            failure = failure or ("sealed_missing", _("A sealed segment is missing from "
                                                      "storage."))
            continue
        digest = hashlib.sha256(data).hexdigest()
        sealed_digests.append(digest)
        report["sealed_sha256_ok"] = digest == expected["sealed_sha256"] == segment.sealed_sha256
        try:
            chunk = crypto.age_decrypt(data, private)
        except crypto.CryptoError:
            report["decrypts"] = False
            failure = failure or ("decrypt_failed", _(
                "Segment %(n)s does not decrypt: its ciphertext was changed or cut short "
                "(authentication failed).") % {"n": segment.index + 1})
            continue
        report["decrypts"] = True
        chunk_sha = hashlib.sha256(chunk).hexdigest()
        report["plaintext_sha256_ok"] = chunk_sha == expected["sha256"] == segment.sha256
        if not report["plaintext_sha256_ok"]:
            failure = failure or ("segment_mismatch", _(
                "Segment %(n)s decrypts but differs from what was received.")
                % {"n": segment.index + 1})
        if not report["sealed_sha256_ok"]:
            failure = failure or ("sealed_mismatch", _(
                "Segment %(n)s's ciphertext differs from the receipt.") % {"n": segment.index + 1})
        sha.update(chunk)
        md5.update(chunk)
        result.size += len(chunk)
        if len(head) < sealing.SNIFF_BYTES:
            head += chunk[: sealing.SNIFF_BYTES - len(head)]
        if plain is not None:
            plain.write(chunk)
    result.sha256, result.md5 = sha.hexdigest(), md5.hexdigest()
    result.detected_type = detect_type(head) or "" if head else ""
    if failure is None and (result.size != entry["size"] or result.sha256 != entry["sha256"]):
        failure = ("receipt_mismatch", _("The decrypted file differs from the receipt (size "
                                         "or SHA-256)."))
    if failure is None and entry.get("md5") and result.md5 != entry["md5"]:
        failure = ("receipt_mismatch", _("The decrypted file's MD5 differs from the receipt."))
    from lpse.bids.services.upload import manifest_sha256

    if failure is None and manifest_sha256(sealed_digests) != entry["sealed"]["manifest_sha256"]:
        failure = ("sealed_mismatch", _("The sealed file differs from the receipt."))
    if plain is not None and failure is None:
        result.metadata = document_metadata(plain.getvalue(), result.detected_type)
    if failure is not None:
        result.code, result.message = failure
        return result
    result.ok = True
    return result


def document_metadata(data: bytes, content_type: str) -> dict[str, Any]:
    """Format check and author metadata of an opened document (warnings, not verdicts)."""
    if content_type == PDF:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            info: Any = PdfReader(io.BytesIO(data)).metadata or {}
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            return {"format_ok": False, "format_problem": str(exc)[:200]}
        found: dict[str, Any] = {"format_ok": True}
        for key, name in (("/Author", "author"), ("/Creator", "creator"),
                          ("/Producer", "producer")):
            value = info.get(key)
            if value:
                found[name] = str(value)[:200]
        return found
    if content_type == ZIP:
        from lpse.core.files import FileRejected, check_zip

        try:
            return {"format_ok": True, "entries": len(check_zip(io.BytesIO(data)))}
        except FileRejected as exc:
            return {"format_ok": False, "format_problem": " ".join(exc.messages)[:200]}
    return {}


def _open_offer(bid: Bid, private: bytes) -> None:
    try:
        sealed = bytes(bid.sealed_offer or b"")
        if hashlib.sha256(sealed).hexdigest() != bid.sealed_offer_sha256:
            raise crypto.CryptoError("the sealed offer form changed")
        form = json.loads(crypto.age_decrypt(sealed, private))
        if form.get("tender") != bid.tender.code:
            raise crypto.CryptoError("the offer form belongs to another tender")
        bid.offer_amount = Decimal(form["offer_amount"])
        bid.offer_status, bid.offer_error = Bid.OfferStatus.OPENED, ""
    except (crypto.CryptoError, ValueError, KeyError, InvalidOperation) as exc:
        bid.offer_amount, bid.offer_status = None, Bid.OfferStatus.UNREADABLE
        bid.offer_error = str(exc)[:300]


def bids_to_open(tender: Tender, envelope: int) -> list[Bid]:
    """The submitted bids (never superseded, withdrawn or expired ones); for the price
    envelope of a two-envelope method, only those that passed the technical evaluation."""
    qs = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).select_related(
        "participant__vendor", "receipt", "tender").order_by("submitted_at", "pk")
    if envelope == 2:
        qs = qs.filter(technical_result__passed=True)
    return list(qs)


def opening_verify(*, opening_id: int) -> Opening:
    """Decrypt and check every bid of the envelope (background task; idempotent)."""
    opening = Opening.objects.select_related("tender_key", "tender_key__tender",
                                             "key_rebuilt_by").get(pk=opening_id)
    if opening.status == Opening.Status.DONE:
        return opening
    tender_key = opening.tender_key
    tender = tender_key.tender
    private = opened_private_key(tender_key)
    bids = bids_to_open(tender, tender_key.envelope)
    files = [f for bid in bids for f in bid.files.filter(envelope=tender_key.envelope)]
    Opening.objects.filter(pk=opening.pk).update(progress_total=len(files), progress_done=0)
    for done, file in enumerate(files, start=1):
        check = check_file(file, private)
        file.open_status = BidFile.OpenStatus.OK if check.ok else BidFile.OpenStatus.FAILED
        file.open_error, file.open_message = check.code, check.message[:500]
        file.detected_type, file.metadata = check.detected_type, check.metadata
        file.opened_at = timezone.now()
        file.save(update_fields=["open_status", "open_error", "open_message", "detected_type",
                                 "metadata", "opened_at"])
        Opening.objects.filter(pk=opening.pk).update(progress_done=done)
    with transaction.atomic():
        opening = Opening.objects.select_for_update().get(pk=opening.pk)
        if opening.status == Opening.Status.DONE:
            return opening
        if tender_key.envelope == price_envelope(tender):
            for bid in bids:
                _open_offer(bid, private)
                bid.save(update_fields=["offer_amount", "offer_status", "offer_error"])
            if tender_key.envelope == 2:
                Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED,
                                   technical_result__passed=False).update(
                    offer_status=Bid.OfferStatus.NOT_OPENED)
        opening.status, opening.verified_at = Opening.Status.DONE, timezone.now()
        opening.save(update_fields=["status", "verified_at"])
        failed = sum(1 for f in files if f.open_status == BidFile.OpenStatus.FAILED)
        audit_record(action="bids.opening_checked", actor=opening.key_rebuilt_by,
                     target=opening, data={"tender": tender.code,
                                           "envelope": tender_key.envelope,
                                           "bids": len(bids), "files": len(files),
                                           "files_failed": failed})
        from lpse.bids.services.minutes import opening_minutes_issue

        opening_minutes_issue(opening=opening, actor=opening.key_rebuilt_by)
    del private
    return opening


# --- Two-envelope methods: the technical result decides which price envelopes open ---------


@transaction.atomic
def technical_result_record(*, actor: User, bid: Bid, passed: bool, notes: str = ""
                            ) -> TechnicalResult:
    tender = Tender.objects.select_for_update().get(pk=bid.tender_id)
    access_tender_as_opener(user=actor, tender=tender)
    if envelope_count(tender) != 2:
        raise ValidationError(_("This tender has a single envelope."))
    first = Opening.objects.filter(tender_key__tender=tender, tender_key__envelope=1).first()
    if first is None or first.status != Opening.Status.DONE:
        raise ValidationError(_("Envelope I has not been opened."))
    if Opening.objects.filter(tender_key__tender=tender, tender_key__envelope=2).exists():
        raise ValidationError(_("The price envelopes are being opened: the technical results "
                                "are final."))
    if bid.status != Bid.Status.SUBMITTED:
        raise ValidationError(_("This bid was not opened."))
    if not passed and not notes.strip():
        raise ValidationError({"notes": _("Give the reason the bid failed.")})
    result, created = TechnicalResult.objects.update_or_create(
        bid=bid, defaults={"passed": passed, "notes": notes.strip(), "recorded_by": actor,
                           "recorded_at": timezone.now()})
    audit_record(action="bids.technical_result_recorded", actor=actor, target=result,
                 data={"tender": tender.code, "vendor": bid.participant.vendor_id,
                       "passed": passed, "notes": notes.strip(), "corrected": not created})
    return result
