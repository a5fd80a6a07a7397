"""Uploading a bid: draft, files declared, segments sealed as they stream in, files
completed, the bid submitted (signed receipt) or withdrawn; drafts left at the deadline
expire. The deadline is the server's clock, checked at every step and once more inside the
submitting transaction."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.bids import crypto, receipts, sealing
from lpse.bids.access import access_bid_as_vendor
from lpse.bids.envelopes import envelope_count, envelope_label, price_envelope
from lpse.bids.models import Bid, BidFile, BidSegment, Receipt, TenderKey
from lpse.core.calendar import to_wib
from lpse.core.files import display_name
from lpse.core.numbers import parse_decimal_id
from lpse.tenders.access import access_participant
from lpse.tenders.models import Participant, Tender
from lpse.tenders.services.prequalification import bid_problem
from lpse.vendors.selectors import blacklist_hits

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.vendors.models import Vendor


class UploadRefused(ValidationError):
    """A refused upload step; `stage` and `code` go to the diagnostic record."""

    def __init__(self, message: str, *, stage: str, code: str) -> None:
        super().__init__(message, code=code)
        self.stage = stage
        self.error_code = code


# --- Checks ----------------------------------------------------------------------------------


def upload_window(tender: Tender) -> tuple[datetime | None, datetime | None]:
    return tender.upload_starts_at, tender.upload_ends_at


def require_upload_open(tender: Tender, now: datetime | None = None) -> datetime:
    """The deadline, when the upload stage is running at `now`; UploadRefused otherwise."""
    now = now or timezone.now()
    starts, ends = upload_window(tender)
    if tender.status != Tender.Status.PUBLISHED or starts is None or ends is None:
        raise UploadRefused(_("This tender does not accept bids."), stage="deadline",
                            code="not_running")
    if now < starts:
        raise UploadRefused(_("The upload stage has not started yet."), stage="deadline",
                            code="not_started")
    if now >= ends:
        raise UploadRefused(_("The upload deadline has passed (server time)."),
                            stage="deadline", code="deadline_passed")
    return ends


def participation_problem(vendor: Vendor) -> str:
    """Why the vendor may not upload or submit a bid now ("" when it may): the same rule as
    joining a tender (`vendor_may_participate`: verified and not blacklisted), checked again
    at every upload step, because the status can change after the vendor joined. A bid
    submitted before the change stays submitted: judging it is the committee's evaluation."""
    if blacklist_hits(vendor):
        return _("Your company is on the blacklist (daftar hitam): it cannot upload or submit "
                 "a bid while the listing is in force.")
    if not vendor.is_verified:
        return _("Your company's data is waiting for re-verification by the LPSE (status: "
                 "%(status)s): it cannot upload or submit a bid until the LPSE has verified "
                 "it again. A bid already submitted stays as it is.") % {
                     "status": vendor.get_status_display()}
    return ""


def _require_may_participate(vendor: Vendor) -> None:
    problem = participation_problem(vendor)
    if problem:
        raise UploadRefused(problem, stage="access", code="vendor_not_eligible")


def _participant(actor: User, tender: Tender) -> Participant:
    try:
        participant = access_participant(user=actor, tender=tender)
    except PermissionDenied as exc:
        raise UploadRefused(str(exc), stage="access", code="not_participant") from exc
    _require_may_participate(participant.vendor)
    if not hasattr(participant, "integrity_pact"):
        raise UploadRefused(_("Accept the integrity pact first."), stage="access",
                            code="no_pact")
    problem = bid_problem(participant)
    if problem:
        raise UploadRefused(problem, stage="access", code="not_shortlisted")
    return participant


def _draft(actor: User, bid: Bid, *, lock: bool = False) -> Bid:
    access_bid_as_vendor(user=actor, bid=bid)
    if lock:
        bid = Bid.objects.select_for_update(of=("self",)).select_related(
            "tender", "participant", "tender__file_method").get(pk=bid.pk)
    if bid.status != Bid.Status.DRAFT:
        raise UploadRefused(_("This upload has already been submitted or has ended; start "
                              "a new one."), stage="validation", code="not_draft")
    return bid


def tender_key(tender: Tender, envelope: int) -> TenderKey:
    key = TenderKey.objects.filter(tender=tender, envelope=envelope).first()
    if key is None:
        raise UploadRefused(_("This tender has no sealing key."), stage="server",
                            code="no_tender_key")
    return key


# --- Draft and files -------------------------------------------------------------------------


def bid_start(*, actor: User, tender: Tender) -> Bid:
    """The participant's bid being prepared (created on first use; resumed afterwards)."""
    participant = _participant(actor, tender)
    require_upload_open(tender)
    existing = Bid.objects.filter(participant=participant, status=Bid.Status.DRAFT).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            bid = Bid.objects.create(tender=tender, participant=participant, created_by=actor)
            audit_record(action="bids.draft_started", actor=actor, target=bid,
                         data={"tender": tender.code, "vendor": participant.vendor_id})
            return bid
    except IntegrityError:
        # Another request created it at the same moment: use theirs.
        return Bid.objects.get(participant=participant, status=Bid.Status.DRAFT)


@transaction.atomic
def bid_file_declare(*, actor: User, bid: Bid, name: str, size: int, envelope: int,
                     last_modified: int | None = None) -> BidFile:
    """Announce a file before sending its segments; limits are checked here first."""
    bid = _draft(actor, bid, lock=True)
    require_upload_open(bid.tender)
    _require_may_participate(bid.participant.vendor)
    if envelope not in range(1, envelope_count(bid.tender) + 1):
        raise UploadRefused(_("This tender has no such envelope."), stage="validation",
                            code="envelope")
    if size <= 0:
        raise UploadRefused(_("The file is empty."), stage="validation", code="empty")
    files = bid.files.aggregate(total=Sum("size"), count=Count("id"))
    if files["count"] + 1 > settings.BIDS_MAX_FILES:
        raise UploadRefused(_("A bid may have at most %(n)s files.")
                            % {"n": settings.BIDS_MAX_FILES}, stage="limits",
                            code="too_many_files")
    if (files["total"] or 0) + size > settings.BIDS_MAX_BYTES:
        raise UploadRefused(_("A bid may be at most %(mb)s MB in total.")
                            % {"mb": settings.BIDS_MAX_BYTES // (1024 * 1024)},
                            stage="limits", code="too_large")
    return BidFile.objects.create(bid=bid, envelope=envelope, name=display_name(name),
                                  size=size, segment_size=settings.BIDS_SEGMENT_BYTES,
                                  last_modified=last_modified)


@transaction.atomic
def bid_file_remove(*, actor: User, file: BidFile) -> None:
    _draft(actor, file.bid, lock=True)
    names = list(file.segments.values_list("storage_name", flat=True))
    file.delete()
    transaction.on_commit(sealing.delete_sealed(names))


def segment_receive(*, actor: User, file: BidFile, index: int, source: IO[bytes],
                    length: int, declared_sha256: str = "") -> BidSegment:
    """Seal one segment as it streams in. Not one transaction: the body is encrypted into
    storage first, then recorded; any failure removes what was stored."""
    bid = _draft(actor, file.bid)
    deadline = require_upload_open(bid.tender)
    _require_may_participate(bid.participant.vendor)
    if not 0 <= index < file.segment_count:
        raise UploadRefused(_("Unknown segment number."), stage="validation", code="index")
    expected = file.segment_length(index)
    if length != expected:
        raise UploadRefused(_("The segment has %(got)s bytes instead of %(expected)s.")
                            % {"got": length, "expected": expected}, stage="validation",
                            code="length")
    existing = BidSegment.objects.filter(file=file, index=index).order_by().first()
    key = tender_key(bid.tender, file.envelope)
    try:
        sealed = sealing.seal_segment(
            source=source, length=length, recipient=key.recipient, deadline=deadline,
            check_type=index == 0, storage_prefix=f"bids/{bid.tender_id}/{bid.uuid.hex}")
    except sealing.SegmentError as exc:
        raise UploadRefused(exc.message, stage=exc.stage, code=exc.code) from exc
    cleanup = sealing.delete_sealed([sealed.storage_name])
    try:
        if declared_sha256 and declared_sha256.lower() != sealed.sha256:
            raise UploadRefused(_("The segment arrived damaged (its SHA-256 differs from the "
                                  "one your browser computed). Send it again."),
                                stage="integrity", code="segment_hash")
        if existing is not None:
            # A retry of a segment already stored (the answer was lost): same content is fine.
            if existing.sha256 != sealed.sha256:
                raise UploadRefused(_("This segment was already received with different "
                                      "content. Remove the file and add it again."),
                                    stage="integrity", code="segment_conflict")
            cleanup()
            return existing
        with transaction.atomic():
            locked = BidFile.objects.select_for_update(of=("self",)).select_related(
                "bid").get(pk=file.pk)
            if locked.bid.status != Bid.Status.DRAFT or locked.status != \
                    BidFile.Status.UPLOADING:
                raise UploadRefused(_("This file is no longer being uploaded."),
                                    stage="validation", code="not_uploading")
            if timezone.now() >= deadline:
                raise UploadRefused(_("The upload deadline has passed (server time)."),
                                    stage="deadline", code="deadline_passed")
            if index == 0 and sealed.detected_type:
                locked.content_type = sealed.detected_type
                locked.save(update_fields=["content_type"])
            return BidSegment.objects.create(
                file=locked, index=index, size=sealed.size, sha256=sealed.sha256,
                sealed_size=sealed.sealed_size, sealed_sha256=sealed.sealed_sha256,
                storage_name=sealed.storage_name)
    except IntegrityError:
        # The same segment was recorded by a concurrent request a moment ago.
        cleanup()
        other = BidSegment.objects.get(file=file, index=index)
        if other.sha256 != sealed.sha256:
            raise UploadRefused(_("This segment was already received with different content. "
                                  "Remove the file and add it again."), stage="integrity",
                                code="segment_conflict") from None
        return other
    except BaseException:
        cleanup()
        raise


def manifest_sha256(sealed_digests: list[str]) -> str:
    """The sealed file's digest: SHA-256 over its segments' ciphertext SHA-256 digests (32
    bytes each, in order). Binding like a hash of the concatenation, without re-reading the
    stored ciphertext (the server cannot continue one SHA-256 across requests)."""
    return hashlib.sha256(b"".join(bytes.fromhex(d) for d in sealed_digests)).hexdigest()


def _hex(value: str, length: int) -> str:
    value = (value or "").strip().lower()
    if len(value) != length or any(c not in "0123456789abcdef" for c in value):
        raise UploadRefused(_("The file's fingerprint computed by your browser is missing or "
                              "malformed."), stage="validation", code="hash_format")
    return value


def bid_file_complete(*, actor: User, file: BidFile, sha256: str, md5: str) -> BidFile:
    """Every segment is in: record the browser's whole-file hashes and the sealed file's."""
    sha256, md5 = _hex(sha256, 64), _hex(md5, 32)
    bid = _draft(actor, file.bid)
    require_upload_open(bid.tender)
    _require_may_participate(bid.participant.vendor)
    segments = list(file.segments.order_by("index"))
    missing = sorted(set(range(file.segment_count)) - {s.index for s in segments})
    if missing:
        raise UploadRefused(_("Segments are still missing: %(list)s.")
                            % {"list": ", ".join(str(i + 1) for i in missing[:10])},
                            stage="validation", code="segments_missing")
    if sum(s.size for s in segments) != file.size:
        raise UploadRefused(_("The segments do not add up to the file's size."),
                            stage="integrity", code="size_mismatch")
    server_checked = len(segments) == 1
    if server_checked and segments[0].sha256 != sha256:
        raise UploadRefused(_("The file arrived damaged: its SHA-256 differs from the one "
                              "your browser computed. Remove it and add it again."),
                            stage="integrity", code="file_hash")
    sealed_size = sum(s.sealed_size for s in segments)
    sealed_sha = manifest_sha256([s.sealed_sha256 for s in segments])
    with transaction.atomic():
        locked = BidFile.objects.select_for_update().get(pk=file.pk)
        if locked.status == BidFile.Status.COMPLETE:
            return locked
        locked.sha256, locked.md5, locked.sha256_server_checked = sha256, md5, server_checked
        locked.sealed_size, locked.sealed_sha256 = sealed_size, sealed_sha
        locked.status, locked.completed_at = BidFile.Status.COMPLETE, timezone.now()
        locked.save()
        return locked


# --- Submission, receipt, withdrawal ---------------------------------------------------------


def parse_amount(raw: Any) -> Decimal:
    """The offer price in rupiah, typed in Indonesian notation (see `parse_decimal_id`)."""
    amount = parse_decimal_id(raw)
    if amount is None:
        raise ValidationError({"offer_amount": _("Enter the offer price in rupiah, e.g. "
                                                 "3.200.000.000 or 3.200.000.000,50.")})
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or amount <= 0 or \
            exponent < -2 or amount >= Decimal(10) ** 16:
        raise ValidationError({"offer_amount": _("Enter the offer price in rupiah (more than "
                                                 "zero, at most two decimals).")})
    return amount.quantize(Decimal("0.01"))


def _seal_offer(tender: Tender, amount: Decimal) -> tuple[bytes, str]:
    form = {"type": "lpse.offer-form", "tender": tender.code, "offer_amount": str(amount),
            # A random salt, so the offer cannot be guessed from the ciphertext's hash.
            "salt": os.urandom(16).hex()}
    sealed = crypto.age_encrypt(json.dumps(form).encode(),
                                tender_key(tender, price_envelope(tender)).recipient)
    return sealed, hashlib.sha256(sealed).hexdigest()


VERIFICATION_NOTE = {
    "at_upload": [
        "Each segment: the server computed the SHA-256 of the plaintext it encrypted and "
        "compared it with the browser's segment hash; it recorded the SHA-256 of the "
        "ciphertext it stored.",
        "Files of one segment: the whole-file SHA-256 below was computed by the server.",
        "Files of several segments: the whole-file SHA-256 and MD5 below were computed by "
        "your browser (sha256_checked_by = browser); the server recorded each segment's "
        "plaintext SHA-256 and checks the whole file at the opening.",
        "Sealed (encrypted) file: the server computed the SHA-256 of every segment's "
        "ciphertext as it stored it; manifest_sha256 is the SHA-256 over those digests in "
        "order.",
    ],
    "at_opening": [
        "Every segment's ciphertext is checked against its recorded SHA-256, decrypted "
        "(authenticated: any change, truncation or reordering fails), and its plaintext "
        "SHA-256 compared; the whole file's SHA-256 and MD5 are compared with this receipt.",
    ],
}


def _receipt_payload(bid: Bid, files: list[BidFile], *, supersedes: Bid | None
                     ) -> dict[str, Any]:
    """The receipt without its audit sequence number (the caller adds it). `files`: the
    bid's files in order, with their segments."""
    tender, participant = bid.tender, bid.participant
    vendor = participant.vendor
    assert bid.submitted_at is not None
    envelopes = []
    keys = {k.envelope: k for k in tender.bid_keys.all()}
    for number in range(1, envelope_count(tender) + 1):
        described: list[dict[str, Any]] = []
        for f in (f for f in files if f.envelope == number):
            described.append({
                "name": f.name, "size": f.size, "type": f.content_type,
                "sha256": f.sha256, "md5": f.md5,
                "sha256_checked_by": "server" if f.sha256_server_checked else "browser",
                "sealed": {
                    "format": "age-encryption.org/v1, one age file per segment",
                    "size": f.sealed_size, "manifest_sha256": f.sealed_sha256,
                    "segment_plaintext_bytes": f.segment_size,
                    "segments": [{"size": s.size, "sha256": s.sha256,
                                  "sealed_size": s.sealed_size,
                                  "sealed_sha256": s.sealed_sha256}
                                 for s in f.segments.all()],
                },
            })
        entry: dict[str, Any] = {"number": number, "label": envelope_label(tender, number),
                                 "key_fingerprint": keys[number].fingerprint,
                                 "files": described}
        if number == price_envelope(tender):
            entry["offer_form"] = {"sealed_sha256": bid.sealed_offer_sha256}
        envelopes.append(entry)
    return {
        "type": receipts.RECEIPT_TYPE,
        "version": receipts.RECEIPT_VERSION,
        "issuer": {"name": settings.LPSE_UNIT_NAME, "site": settings.SITE_URL},
        "tender": {"code": tender.code, "name": tender.name, "agency": tender.agency.name,
                   "deadline_utc": _utc(tender.upload_ends_at)},
        "vendor": {"name": vendor.name, "npwp": vendor.npwp},
        "bid": {"id": str(bid.uuid), "submitted_by": bid.submitted_by.get_username()
                if bid.submitted_by else "",
                "supersedes": str(supersedes.uuid) if supersedes else None},
        "server_time": {"utc": _utc(bid.submitted_at),
                        "wib": to_wib(bid.submitted_at).isoformat(timespec="seconds")},
        "envelopes": envelopes,
        "verification": VERIFICATION_NOTE,
    }


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@transaction.atomic
def bid_submit(*, actor: User, bid: Bid, offer_amount: Any, ip_address: str | None = None
               ) -> Receipt:
    """Submit the draft: the offer price is sealed, the earlier bid (if any) superseded, the
    receipt signed. Refused once the server clock reaches the deadline."""
    access_bid_as_vendor(user=actor, bid=bid)
    # One vendor's submissions queue on the participant row.
    Participant.objects.select_for_update().get(pk=bid.participant_id)
    bid = Bid.objects.select_for_update(of=("self",)).select_related(
        "tender", "tender__agency", "tender__file_method", "participant",
        "participant__vendor").get(pk=bid.pk)
    if bid.status == Bid.Status.SUBMITTED and hasattr(bid, "receipt"):
        return bid.receipt  # a double click: the same receipt
    _draft(actor, bid)
    tender = bid.tender
    now = timezone.now()
    require_upload_open(tender, now)
    _require_may_participate(bid.participant.vendor)
    amount = parse_amount(offer_amount)
    files = list(bid.files.order_by("pk").prefetch_related("segments"))
    if any(f.status != BidFile.Status.COMPLETE for f in files):
        raise UploadRefused(_("Some files are still uploading: wait until every file is "
                              "complete."), stage="validation", code="files_incomplete")
    for number in range(1, envelope_count(tender) + 1):
        if not any(f.envelope == number for f in files):
            raise UploadRefused(_("Add at least one file to: %(envelope)s.")
                                % {"envelope": envelope_label(tender, number)},
                                stage="validation", code="envelope_empty")
    if len(files) > settings.BIDS_MAX_FILES or sum(f.size for f in files) > \
            settings.BIDS_MAX_BYTES:
        raise UploadRefused(_("The bid exceeds the limits."), stage="limits", code="limits")
    bid.sealed_offer, bid.sealed_offer_sha256 = _seal_offer(tender, amount)
    del amount
    previous = Bid.objects.select_for_update().filter(
        participant=bid.participant, status=Bid.Status.SUBMITTED).first()
    if previous is not None:
        previous.status, previous.ended_at, previous.ended_by = (Bid.Status.SUPERSEDED, now,
                                                                 actor)
        previous.save(update_fields=["status", "ended_at", "ended_by"])
    bid.status, bid.submitted_at, bid.submitted_by = Bid.Status.SUBMITTED, now, actor
    bid.submitted_ip = ip_address
    bid.save(update_fields=["status", "submitted_at", "submitted_by", "submitted_ip",
                            "sealed_offer", "sealed_offer_sha256"])
    if previous is not None:
        previous.superseded_by = bid
        previous.save(update_fields=["superseded_by"])
    # Everything the receipt says is read before the audit record: from that record until
    # the commit the audit chain is locked, and every other submission waits for it.
    payload = _receipt_payload(bid, files, supersedes=previous)
    event = audit_record(
        action="bids.bid_submitted", actor=actor, target=bid,
        data={"tender": tender.code, "vendor": bid.participant.vendor_id,
              "supersedes": str(previous.uuid) if previous else None,
              "files": [{"name": f.name, "envelope": f.envelope, "size": f.size,
                         "sha256": f.sha256, "sealed_sha256": f.sealed_sha256}
                        for f in files],
              "offer_form_sealed_sha256": bid.sealed_offer_sha256})
    payload["audit_seq"] = event.seq
    document = receipts.sign(payload)
    receipt = Receipt.objects.create(bid=bid, document=document,
                                     key_id=document["signature"]["key_id"],
                                     audit_seq=event.seq, issued_at=now)
    from lpse.bids import notifications, tasks

    transaction.on_commit(lambda: tasks.receipt_pdf_issue.enqueue(receipt_id=receipt.pk))
    # The e-mail is rendered once the bid is committed (not while the chain is locked); a
    # failure there is logged and never undoes a submission the vendor holds a receipt for.
    transaction.on_commit(lambda: notifications.bid_received(bid, receipt), robust=True)
    return receipt


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid, ip_address: str | None = None) -> Bid:
    """Withdraw the submitted bid before the deadline (it is kept and never opened)."""
    access_bid_as_vendor(user=actor, bid=bid)
    Participant.objects.select_for_update().get(pk=bid.participant_id)
    bid = Bid.objects.select_for_update(of=("self",)).select_related("tender").get(pk=bid.pk)
    if bid.status != Bid.Status.SUBMITTED:
        raise UploadRefused(_("Only a submitted bid can be withdrawn."), stage="validation",
                            code="not_submitted")
    now = timezone.now()
    require_upload_open(bid.tender, now)
    bid.status, bid.ended_at, bid.ended_by = Bid.Status.WITHDRAWN, now, actor
    bid.save(update_fields=["status", "ended_at", "ended_by"])
    audit_record(action="bids.bid_withdrawn", actor=actor, target=bid,
                 data={"tender": bid.tender.code, "ip": ip_address})
    return bid


@transaction.atomic
def bid_draft_discard(*, actor: User, bid: Bid) -> Bid:
    bid = _draft(actor, bid, lock=True)
    _end_draft(bid, actor=actor)
    audit_record(action="bids.draft_discarded", actor=actor, target=bid,
                 data={"tender": bid.tender_id})
    return bid


def _end_draft(bid: Bid, *, actor: User | None) -> None:
    names = list(BidSegment.objects.filter(file__bid=bid).values_list("storage_name",
                                                                      flat=True))
    BidSegment.objects.filter(file__bid=bid).delete()
    bid.status, bid.ended_at, bid.ended_by = Bid.Status.EXPIRED, timezone.now(), actor
    bid.save(update_fields=["status", "ended_at", "ended_by"])
    transaction.on_commit(sealing.delete_sealed(names))


def drafts_expire(now: datetime | None = None) -> int:
    """Drafts whose tender's deadline has passed: expired, their sealed segments deleted
    (never submitted, so no receipt refers to them; the file records stay for the
    diagnostics)."""
    now = now or timezone.now()
    count = 0
    for pk in Bid.objects.filter(status=Bid.Status.DRAFT,
                                 tender__upload_ends_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            bid = Bid.objects.select_for_update().get(pk=pk)
            if bid.status != Bid.Status.DRAFT:
                continue
            _end_draft(bid, actor=None)
            audit_record(action="bids.draft_expired", actor=None, target=bid,
                         data={"tender": bid.tender_id})
            count += 1
    return count
