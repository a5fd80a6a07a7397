"""A bid file the committee cannot open (regulation Pasal 9–10, Lampiran III 3.1–3.2).

| Step | What                                                  | Actor         | Mutu Baku |
|------|-------------------------------------------------------|---------------|-----------|
| 1    | Committee files the request with the file(s)          | committee     | not set   |
| 2    | LPSE examines the file(s), records a finding          | LPSE admin    | 5–15 min  |
| —    | LPSE witnesses: Berita Acara Kesaksian (Pasal 9 (2))  | LPSE admin    | —         |
| 3    | LPSE forwards the case to LKPP (package, never keys)  | LPSE admin    | 1–5 min   |

The step timings feed the SOP report through lpse.bids.operations.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.bids import crypto, notifications, pdfs
from lpse.bids.access import access_case_as_examiner, access_tender_as_opener
from lpse.bids.models import Bid, BidFile, Opening, UnopenableCase, UploadAttempt
from lpse.bids.services.opening import check_file, opened_private_key
from lpse.core.documents import document_issue
from lpse.core.files import store_bytes
from lpse.core.pdf import Issuer

if TYPE_CHECKING:
    from lpse.accounts.models import User



def _locked(case: UnopenableCase) -> UnopenableCase:
    return UnopenableCase.objects.select_for_update(of=("self",)).select_related(
        "tender", "bid", "bid__participant__vendor", "filed_by").get(pk=case.pk)


@transaction.atomic
def case_file(*, actor: User, bid: Bid, files: Sequence[BidFile], description: str
              ) -> UnopenableCase:
    """Step 1: the committee files its request with the file(s) it cannot open."""
    tender = bid.tender
    access_tender_as_opener(user=actor, tender=tender)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe what happens when the committee "
                                                "tries to open the file.")})
    chosen = list(files)
    if not chosen or any(f.bid_id != bid.pk for f in chosen):
        raise ValidationError({"files": _("Choose the file(s) of this bid that cannot be "
                                          "opened.")})
    opened = Opening.objects.filter(tender_key__tender=tender,
                                    tender_key__envelope__in={f.envelope for f in chosen},
                                    status=Opening.Status.DONE).count()
    if opened < len({f.envelope for f in chosen}) or bid.status != Bid.Status.SUBMITTED:
        raise ValidationError(_("Only files of opened bids can be referred to the LPSE."))
    if UnopenableCase.objects.filter(files__in=chosen).exclude(
            status=UnopenableCase.Status.ANSWERED).exists():
        raise ValidationError(_("A case about one of these files is already open."))
    now = timezone.now()
    case = UnopenableCase.objects.create(tender=tender, bid=bid, description=description,
                                         filed_by=actor, filed_at=now)
    case.files.set(chosen)
    with translation.override("id"):
        case.request_letter = document_issue(
            letter_type=pdfs.CASE_REQUEST, code=pdfs.LETTER_CODES[pdfs.CASE_REQUEST],
            doc=pdfs.case_request_letter(case), filename=f"permohonan-{case.pk}.pdf",
            issued_by=actor, subject=case, issuer=Issuer.agency(case.tender.agency))
    case.save(update_fields=["request_letter"])
    audit_record(action="bids.case_filed", actor=actor, target=case,
                 data={"tender": tender.code, "bid": str(bid.uuid),
                       "files": [f.name for f in chosen], "description": description})
    notifications.case_filed(case)
    return case


@transaction.atomic
def case_examine_start(*, actor: User, case: UnopenableCase) -> UnopenableCase:
    """Step 2 begins: an LPSE administrator takes the case and runs the diagnostics."""
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status not in (UnopenableCase.Status.FILED, UnopenableCase.Status.EXAMINING):
        raise ValidationError(_("The examination of this case is finished."))
    if case.status == UnopenableCase.Status.FILED:
        case.status = UnopenableCase.Status.EXAMINING
        case.examination_started_at, case.examiner = timezone.now(), actor
    case.diagnostics = diagnose(case)
    case.save(update_fields=["status", "examination_started_at", "examiner", "diagnostics"])
    audit_record(action="bids.case_examined", actor=actor, target=case,
                 data={"diagnostics": case.diagnostics})
    return case


def diagnose(case: UnopenableCase) -> dict[str, Any]:
    """The system's diagnostics: the sealed file against the receipt, a fresh decryption
    with the tender key, the document against the receipt, and a format check."""
    files = []
    for file in case.files.select_related("bid", "bid__receipt", "bid__tender").order_by("pk"):
        item: dict[str, Any] = {"name": file.name, "envelope": file.envelope,
                                "size": file.size, "sealed_sha256": file.sealed_sha256}
        key = file.bid.tender.bid_keys.filter(envelope=file.envelope).first()
        try:
            private = opened_private_key(key) if key is not None else None
        except crypto.CryptoError:
            private = None
        if private is None:
            item.update(decrypts=False, matches_receipt=False, sealed_matches_receipt=False,
                        message=_("The envelope has not been opened."))
            files.append(item)
            continue
        check = check_file(file, private)
        del private
        segments = check.segments
        item.update(
            sealed_matches_receipt=bool(segments) and all(s.get("sealed_sha256_ok")
                                                          for s in segments),
            decrypts=bool(segments) and all(s.get("decrypts") for s in segments),
            matches_receipt=check.ok, code=check.code, message=check.message,
            detected_type=check.detected_type, sha256=check.sha256,
            format=_format_label(check), segments=segments)
        files.append(item)
    return {"at": timezone.now().isoformat(), "files": files}


def _format_label(check: Any) -> str:
    meta = check.metadata or {}
    if meta.get("format_ok") is False:
        return _("damaged: %(problem)s") % {"problem": meta.get("format_problem", "")}
    if meta.get("format_ok"):
        return _("%(type)s, readable") % {"type": check.detected_type}
    return check.detected_type or _("unknown type")


@transaction.atomic
def case_conclude(*, actor: User, case: UnopenableCase, outcome: str, finding: str
                  ) -> UnopenableCase:
    """Step 2 ends: the examiner records the outcome and the finding."""
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status != UnopenableCase.Status.EXAMINING:
        raise ValidationError(_("Start the examination first."))
    if outcome not in UnopenableCase.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": _("Write the finding.")})
    now = timezone.now()
    case.outcome, case.finding = outcome, finding
    case.status, case.examined_at = UnopenableCase.Status.EXAMINED, now
    case.save(update_fields=["outcome", "finding", "status", "examined_at"])
    if outcome == UnopenableCase.Outcome.READABLE:
        # The fresh decryption succeeded and matches the receipt: the file becomes readable.
        good = {f["name"] for f in case.diagnostics.get("files", []) if f.get("matches_receipt")}
        for file in case.files.all():
            if file.name in good and file.open_status != BidFile.OpenStatus.OK:
                file.open_status, file.open_error, file.open_message = (
                    BidFile.OpenStatus.OK, "", "")
                file.save(update_fields=["open_status", "open_error", "open_message"])
    audit_record(action="bids.case_concluded", actor=actor, target=case,
                 data={"outcome": outcome, "finding": finding})
    return case


@transaction.atomic
def case_witness(*, actor: User, case: UnopenableCase) -> UnopenableCase:
    """The LPSE's witness minutes (Berita Acara Kesaksian, Pasal 9 (2))."""
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status != UnopenableCase.Status.EXAMINED:
        raise ValidationError(_("Record the examination's outcome first."))
    now = timezone.now()
    with translation.override("id"):
        case.witness_minutes = document_issue(
            letter_type=pdfs.BA_WITNESS, code=pdfs.LETTER_CODES[pdfs.BA_WITNESS],
            doc=pdfs.witness_minutes(case, actor), filename=f"ba-kesaksian-{case.pk}.pdf",
            issued_by=actor, subject=case)
    case.status, case.witnessed_at, case.witnessed_by = (UnopenableCase.Status.WITNESSED, now,
                                                         actor)
    case.save(update_fields=["witness_minutes", "status", "witnessed_at", "witnessed_by"])
    audit_record(action="bids.case_witnessed", actor=actor, target=case,
                 data={"minutes": case.witness_minutes.number, "outcome": case.outcome})
    notifications.case_witnessed(case)
    return case


def _package(case: UnopenableCase) -> bytes:
    """The LKPP package: sealed segments, receipt, hashes, diagnostics, upload log. No key,
    no share, no plaintext."""
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {"case": case.pk, "tender": case.tender.code,
                                "vendor": case.bid.participant.vendor.name,
                                "bid": str(case.bid.uuid), "files": []}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in case.files.order_by("pk"):
            entry: dict[str, Any] = {"name": file.name, "envelope": file.envelope,
                                     "size": file.size, "sha256": file.sha256,
                                     "sealed_sha256": file.sealed_sha256, "segments": []}
            for segment in file.segments.order_by("index"):
                path = f"sealed/{file.pk}/{segment.index:05d}.age"
                try:
                    with default_storage.open(segment.storage_name, "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = b""
                archive.writestr(path, data)
                entry["segments"].append({"path": path, "size": len(data),
                                          "sha256": hashlib.sha256(data).hexdigest(),
                                          "recorded_sealed_sha256": segment.sealed_sha256,
                                          "recorded_plaintext_sha256": segment.sha256})
            manifest["files"].append(entry)
        receipt = getattr(case.bid, "receipt", None)
        if receipt is not None:
            archive.writestr("receipt.json", json.dumps(receipt.document, indent=2,
                                                        ensure_ascii=False))
        archive.writestr("diagnostics.json", json.dumps(case.diagnostics, indent=2,
                                                        ensure_ascii=False, default=str))
        attempts = UploadAttempt.objects.filter(bid=case.bid).order_by("started_at")
        archive.writestr("upload-attempts.json", json.dumps([
            {"at": a.started_at.isoformat(), "action": a.action, "file": a.file_name,
             "segment": a.segment_index, "bytes_expected": a.bytes_expected,
             "bytes_received": a.bytes_received, "ok": a.ok, "stage": a.stage,
             "code": a.code, "message": a.message, "ip": a.client_ip,
             "browser": a.user_agent} for a in attempts], indent=2, ensure_ascii=False))
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", (
            "LPSE case package (regulation Lampiran III 3.2 step 3).\n"
            "sealed/: the bid file segments exactly as stored (age-encryption.org/v1).\n"
            "Concatenating a file's decrypted segments in order gives the document.\n"
            "No key or key share is included: the tender key stays with the LPSE.\n"))
    return buffer.getvalue()


@transaction.atomic
def case_forward_prepare(*, actor: User, case: UnopenableCase) -> UnopenableCase:
    """Step 3 begins: the package for LKPP is assembled (the examiner reviews it)."""
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status != UnopenableCase.Status.WITNESSED:
        raise ValidationError(_("Issue the witness minutes before forwarding the case."))
    case.forward_started_at = timezone.now()
    case.lkpp_package = store_bytes(data=_package(case), original_name=f"kasus-{case.pk}.zip",
                                    purpose="bids.lkpp_package",
                                    content_type="application/zip", uploaded_by=actor)
    case.save(update_fields=["forward_started_at", "lkpp_package"])
    audit_record(action="bids.case_package_prepared", actor=actor, target=case,
                 data={"sha256": case.lkpp_package.sha256, "size": case.lkpp_package.size})
    return case


@transaction.atomic
def case_forward(*, actor: User, case: UnopenableCase) -> UnopenableCase:
    """Step 3: the case is sent to LKPP (e-mail to LKPP's address and to the LKPP
    auditors with read access, the package attached or linked)."""
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status != UnopenableCase.Status.WITNESSED or case.lkpp_package is None:
        raise ValidationError(_("Prepare the package first."))
    now = timezone.now()
    case.status, case.forwarded_at, case.forwarded_by = (UnopenableCase.Status.FORWARDED,
                                                         now, actor)
    case.save(update_fields=["status", "forwarded_at", "forwarded_by"])
    audit_record(action="bids.case_forwarded", actor=actor, target=case,
                 data={"to": settings.BIDS_LKPP_EMAIL, "package": case.lkpp_package.sha256})
    notifications.case_forwarded(case)
    return case


@transaction.atomic
def case_lkpp_answer(*, actor: User, case: UnopenableCase, answer: str) -> UnopenableCase:
    access_case_as_examiner(user=actor)
    case = _locked(case)
    if case.status != UnopenableCase.Status.FORWARDED:
        raise ValidationError(_("The case has not been forwarded to LKPP."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write LKPP's answer.")})
    case.status, case.lkpp_answer = UnopenableCase.Status.ANSWERED, answer
    case.lkpp_answered_at, case.lkpp_answer_recorded_by = timezone.now(), actor
    case.save(update_fields=["status", "lkpp_answer", "lkpp_answered_at",
                             "lkpp_answer_recorded_by"])
    audit_record(action="bids.case_lkpp_answered", actor=actor, target=case,
                 data={"answer": answer})
    return case
