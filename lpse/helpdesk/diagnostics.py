"""Upload problems (regulation Lampiran III 3.7) — without anyone's password.

The regulation's procedure asks the vendor for their user ID and password so that an
administrator can try the upload; its own warning forbids telling anyone a password. The
safe equivalent:

| Step | What                                                      | Standard  | Record          |
|------|-----------------------------------------------------------|-----------|-----------------|
| 1    | The vendor reports the problem (ticket "Bid upload")      | not set   | `Ticket`        |
| 2    | The officer runs the system's diagnostics and concludes   | 15–30 min | `DiagnosticsRun`|
| 3    | No fault: the vendor is told to retry (reply, e-mailed)   | 5 min     | `TicketMessage` |
| 4    | Forwarded to LKPP with an escalation package              | 1–24 h    | `LkppEscalation`|

The diagnostics read the bids app's record of every upload attempt (`UploadAttempt`), the
tender's upload window, the bid limits, and check a file the vendor attached to the ticket
with the bids app's own content-type check. Nothing here writes to the bids app.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.bids import selectors as bid_selectors
from lpse.bids.models import UploadAttempt
from lpse.bids.sealing import BID_TYPES, SNIFF_BYTES, TYPE_NAMES, detect_type
from lpse.core.files import open_stored, store_bytes
from lpse.helpdesk import services
from lpse.helpdesk.models import (
    DiagnosticsRun,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)
from lpse.tenders.models import Tender

PACKAGE_PURPOSE = "helpdesk.diagnostics_package"
#: How far back the diagnostics read upload attempts, and how many they list.
ATTEMPT_DAYS = 14
ATTEMPT_LIMIT = 100
#: Standard times of procedure 3.7 (minutes), shown next to the recorded times.
STANDARD_INVESTIGATION = (15, 30)
STANDARD_RETRY_NOTICE = 5
STANDARD_LKPP = (60, 24 * 60)


def _require(actor: User) -> None:
    """Steps 2–4 of 3.7 are the system and application administrators' (the helpdesk
    receives the report, step 1)."""
    if not has_perm(actor, Perm.RUN_UPLOAD_DIAGNOSTICS):
        raise PermissionDenied(Perm.RUN_UPLOAD_DIAGNOSTICS.value)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def tender_of(ticket: Ticket) -> Tender | None:
    if not ticket.tender_code:
        return None
    return Tender.objects.filter(code__iexact=ticket.tender_code.strip()).first()


def _state_text(state: str, minutes_left: int | None) -> str:
    """The upload window's state in the reader's language (findings store the code)."""
    if state == "not_started":
        return _("The upload stage has not started yet.")
    if state == "closed":
        return _("The upload deadline has passed (server time).")
    if state == "open":
        return _("The upload stage is open: %(minutes)s minutes left.") % {
            "minutes": minutes_left}
    return _("This tender does not accept bids.")


def _window_state(tender: Tender, now: datetime) -> dict[str, Any]:
    starts, ends = tender.upload_starts_at, tender.upload_ends_at
    minutes = None
    if tender.status != Tender.Status.PUBLISHED or starts is None or ends is None:
        state = "not_running"
    elif now < starts:
        state = "not_started"
    elif now >= ends:
        state = "closed"
    else:
        state, minutes = "open", int((ends - now).total_seconds() // 60)
    return {"code": tender.code, "name": tender.name, "status": tender.status,
            "upload_starts_at": _iso(starts), "upload_ends_at": _iso(ends), "state": state,
            "minutes_left": minutes, "state_text": _state_text(state, minutes)}


def _attempt(a: UploadAttempt) -> dict[str, Any]:
    return {"at": a.started_at.isoformat(), "action": a.action,
            "action_label": str(a.get_action_display()), "file": a.file_name,
            "segment": a.segment_index, "bytes_expected": a.bytes_expected,
            "bytes_received": a.bytes_received, "declared_type": a.declared_type,
            "detected_type": a.detected_type, "ip": a.client_ip, "browser": a.user_agent,
            "ok": a.ok, "stage": a.stage,
            "stage_label": str(a.get_stage_display()) if a.stage else "", "code": a.code,
            "message": a.message, "duration_ms": a.duration_ms}


def _attempts(ticket: Ticket, tender: Tender | None, now: datetime) -> list[UploadAttempt]:
    qs = UploadAttempt.objects.filter(started_at__gte=now - timedelta(days=ATTEMPT_DAYS))
    if ticket.vendor_id is not None:
        qs = qs.filter(vendor_id=ticket.vendor_id)
    elif ticket.requester_id is not None:
        qs = qs.filter(user_id=ticket.requester_id)
    else:
        return []
    if tender is not None:
        qs = qs.filter(tender=tender)
    return list(qs.order_by("-started_at", "-pk")[:ATTEMPT_LIMIT])


def check_bid_file(head: bytes, size: int) -> dict[str, Any]:
    """A file the vendor attached, checked as the bids app checks a bid file: its type from
    its content (`lpse.bids.sealing.detect_type` against `BID_TYPES`) and the bid size
    limit."""
    detected = detect_type(head) or "unknown"
    type_ok = detected in BID_TYPES
    size_ok = 0 < size <= settings.BIDS_MAX_BYTES
    problems = []
    if not type_ok:
        problems.append(_("This file type is not accepted (detected from its content). "
                          "Accepted types: %(types)s.") % {"types": TYPE_NAMES})
    if not size_ok:
        problems.append(_("A bid may be at most %(mb)s MB in total.")
                        % {"mb": settings.BIDS_MAX_BYTES // (1024 * 1024)})
    return {"size": size, "detected_type": detected, "type_ok": type_ok, "size_ok": size_ok,
            "ok": type_ok and size_ok, "problems": problems}


def vendor_attachments(ticket: Ticket) -> QuerySet[TicketAttachment]:
    """Files the requester sent: with the request or their messages (not the desk's reply
    attachments, never internal ones)."""
    return ticket.attachments.filter(internal=False).filter(
        Q(message__isnull=True) | Q(message__kind=TicketMessage.Kind.REQUESTER)
    ).select_related("file").order_by("pk")


def _attachments(ticket: Ticket) -> list[dict[str, Any]]:
    checked = []
    for attachment in vendor_attachments(ticket):
        stored = attachment.file
        try:
            with open_stored(stored) as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError:
            head = b""
        checked.append({"name": stored.original_name, "file_id": str(stored.pk),
                        "sha256": stored.sha256, **check_bid_file(head, stored.size)})
    return checked


def _bid_state(ticket: Ticket, tender: Tender | None) -> dict[str, Any] | None:
    if tender is None or ticket.vendor_id is None:
        return None
    participant = tender.participants.filter(vendor_id=ticket.vendor_id).first()
    if participant is None:
        return {"participant": False, "submitted_at": None, "draft_files": None,
                "draft_bytes": None}
    current = bid_selectors.current_bid(participant)
    draft = bid_selectors.draft_bid(participant)
    files = list(draft.files.all()) if draft else []  # prefetched by the selector
    return {
        "participant": True,
        "submitted_at": _iso(current.submitted_at) if current else None,
        "draft_files": len(files) if draft else None,
        "draft_bytes": sum(f.size for f in files) if draft else None,
    }


def collect_findings(ticket: Ticket, now: datetime | None = None) -> dict[str, Any]:
    """Everything the system knows about the vendor's upload for the ticket's tender."""
    now = now or timezone.now()
    tender = tender_of(ticket)
    attempts = _attempts(ticket, tender, now)
    failed = [a for a in attempts if not a.ok]
    by_stage: dict[str, int] = {}
    for a in failed:
        by_stage[a.stage or "?"] = by_stage.get(a.stage or "?", 0) + 1
    limits_hit = sorted({a.code for a in failed if a.stage == UploadAttempt.Stage.LIMITS})
    notes = []
    if ticket.vendor_id is None:
        notes.append(_("The ticket is not linked to a vendor account."))
    if not ticket.tender_code:
        notes.append(_("The ticket names no tender code."))
    elif tender is None:
        notes.append(_("No tender has the code %(code)s.") % {"code": ticket.tender_code})
    if not attempts:
        notes.append(_("No upload attempt was recorded for this vendor in the last %(days)s "
                       "days.") % {"days": ATTEMPT_DAYS})
    return {
        "at": now.isoformat(),
        "vendor": {"id": ticket.vendor_id,
                   "name": ticket.vendor.name if ticket.vendor is not None else ""},
        "tender": _window_state(tender, now) if tender is not None else None,
        "bid": _bid_state(ticket, tender),
        "attempts": [_attempt(a) for a in attempts],
        "summary": {"total": len(attempts), "failed": len(failed), "by_stage": by_stage,
                    "last_ok_at": next((a.started_at.isoformat() for a in attempts if a.ok),
                                       None)},
        "limits": {"max_files": settings.BIDS_MAX_FILES,
                   "max_bytes": settings.BIDS_MAX_BYTES,
                   "segment_bytes": settings.BIDS_SEGMENT_BYTES, "hit": limits_hit},
        "attachments": _attachments(ticket),
        "notes": notes,
    }


# --- Services --------------------------------------------------------------------------------


@transaction.atomic
def diagnostics_start(*, actor: User, ticket: Ticket) -> DiagnosticsRun:
    """Step 2 begins: the officer runs the diagnostics for the ticket's vendor and tender."""
    _require(actor)
    if ticket.category != Ticket.Category.BID_UPLOAD:
        raise ValidationError(_("Upload diagnostics are for tickets of the category "
                                "\"Bid upload\"."))
    if not ticket.is_open:
        raise ValidationError(_("This ticket is not open."))
    escalation = services.open_lkpp_escalation(ticket)
    if escalation is not None:
        raise ValidationError(_(
            "The case is waiting for LKPP (reference %(reference)s). New diagnostics can run "
            "once LKPP's answer is recorded, or the escalation is withdrawn.")
            % {"reference": escalation.reference})
    now = timezone.now()
    run = DiagnosticsRun.objects.create(ticket=ticket, officer=actor, started_at=now,
                                        findings=collect_findings(ticket, now))
    if ticket.assignee_id is None or ticket.status == Ticket.Status.NEW:
        services.ticket_assign(actor=actor, ticket=ticket,
                               assignee=ticket.assignee or actor)
    services._event(ticket, TicketEvent.Action.DIAGNOSED, actor, now, run=run.pk,
                    attempts=run.findings["summary"]["total"],
                    failed=run.findings["summary"]["failed"])
    return run


def _conclude(run: DiagnosticsRun, *, actor: User, conclusion: str, outcome: str,
              now: datetime) -> None:
    if run.outcome:
        raise ValidationError(_("This diagnostics run already has an outcome."))
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Write what the diagnostics showed.")})
    run.conclusion, run.outcome = conclusion.strip(), outcome
    run.finished_at = run.finished_at or now
    run.outcome_at = now


def default_retry_message(run: DiagnosticsRun) -> str:
    return _(
        "We checked the upload records of your company for this tender and found no fault "
        "in the system. Please try the upload again; if it fails again, reply to this "
        "message with the time of the attempt. The helpdesk never asks for your password.")


@transaction.atomic
def diagnostics_retry(*, actor: User, run: DiagnosticsRun, conclusion: str,
                      message: str) -> DiagnosticsRun:
    """Step 3: no fault found — the vendor is told to retry (reply e-mailed through the
    ticket's normal path) and the ticket is resolved."""
    _require(actor)
    run = DiagnosticsRun.objects.select_for_update().select_related("ticket").get(pk=run.pk)
    now = timezone.now()
    _conclude(run, actor=actor, conclusion=conclusion,
              outcome=DiagnosticsRun.Outcome.RETRY, now=now)
    run.reply = services.ticket_reply(actor=actor, ticket=run.ticket,
                                      body=message or default_retry_message(run),
                                      resolve=True, send_email=True)
    run.save(update_fields=["conclusion", "outcome", "finished_at", "outcome_at", "reply"])
    audit_record(action="helpdesk.diagnostics.retry", actor=actor, target=run.ticket,
                 data={"run": run.pk, "number": run.ticket.number})
    return run


def package_bytes(run: DiagnosticsRun) -> bytes:
    """The escalation package for LKPP (ZIP): the diagnostics, the upload attempts, the
    ticket's request, and the files the vendor attached to the ticket. No password, no bid
    file content, no internal note."""
    ticket = run.ticket
    buffer = io.BytesIO()
    attempts = run.findings.get("attempts", [])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ticket.json", json.dumps({
            "number": ticket.number, "category": ticket.category, "subject": ticket.subject,
            "description": ticket.description, "tender_code": ticket.tender_code,
            "received_at": ticket.received_at.isoformat(),
            "vendor": run.findings.get("vendor", {}),
        }, indent=2, ensure_ascii=False))
        archive.writestr("diagnostics.json", json.dumps({
            "run": run.pk, "officer": run.officer.username,
            "started_at": run.started_at.isoformat(), "finished_at": _iso(run.finished_at),
            "conclusion": run.conclusion, "findings": run.findings,
        }, indent=2, ensure_ascii=False, default=str))
        table = io.StringIO()
        columns = ["at", "action", "file", "segment", "bytes_expected", "bytes_received",
                   "declared_type", "detected_type", "ip", "browser", "ok", "stage", "code",
                   "message", "duration_ms"]
        writer = csv.DictWriter(table, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(attempts)
        archive.writestr("upload-attempts.csv", table.getvalue())
        for attachment in vendor_attachments(ticket):
            try:
                with open_stored(attachment.file) as handle:
                    data = handle.read()
            except OSError:
                continue
            archive.writestr(f"vendor-attachments/{attachment.pk}-"
                             f"{attachment.file.original_name}", data)
        archive.writestr("README.txt", (
            "LPSE upload-problem package (regulation Lampiran III 3.7 step 4).\n"
            "diagnostics.json: what the system recorded of the vendor's upload attempts, the\n"
            "tender's upload window and the bid limits; upload-attempts.csv: the attempts.\n"
            "vendor-attachments/: only files the vendor attached to the helpdesk ticket.\n"
            "No password and no bid file content is included.\n"))
    return buffer.getvalue()


@transaction.atomic
def diagnostics_forward_lkpp(*, actor: User, run: DiagnosticsRun, conclusion: str,
                             reference: str, summary: str = "") -> DiagnosticsRun:
    """Step 4: forwarded to LKPP through the helpdesk's LKPP escalation, with a package."""
    _require(actor)
    run = DiagnosticsRun.objects.select_for_update().select_related("ticket").get(pk=run.pk)
    now = timezone.now()
    _conclude(run, actor=actor, conclusion=conclusion, outcome=DiagnosticsRun.Outcome.LKPP,
              now=now)
    run.escalation = services.ticket_escalate_lkpp(
        actor=actor, ticket=run.ticket, reference=reference,
        summary=summary.strip() or run.conclusion)
    run.package = store_bytes(data=package_bytes(run),
                              original_name=f"diagnostik-{run.ticket.number}-{run.pk}.zip",
                              purpose=PACKAGE_PURPOSE, content_type="application/zip",
                              uploaded_by=actor)
    run.save(update_fields=["conclusion", "outcome", "finished_at", "outcome_at",
                            "escalation", "package"])
    audit_record(action="helpdesk.diagnostics.lkpp", actor=actor, target=run.ticket,
                 data={"run": run.pk, "number": run.ticket.number,
                       "reference": run.escalation.reference,
                       "package_sha256": run.package.sha256})
    return run


def _parse(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else value


def findings_for_display(findings: dict[str, Any]) -> dict[str, Any]:
    """The stored findings with their times as datetimes and their labels in the reader's
    language (the stored labels are in the language of the run, for the LKPP package)."""
    shown = dict(findings)
    actions, stages = dict(UploadAttempt.Action.choices), dict(UploadAttempt.Stage.choices)
    shown["attempts"] = [
        {**a, "at": _parse(a.get("at")),
         "action_label": str(actions.get(a.get("action"), a.get("action_label", ""))),
         "stage_label": str(stages.get(a.get("stage"), a.get("stage_label", "")))
         if a.get("stage") else ""}
        for a in findings.get("attempts", [])]
    if findings.get("tender"):
        tender = dict(findings["tender"])
        for key in ("upload_starts_at", "upload_ends_at"):
            tender[key] = _parse(tender.get(key))
        if "state" in tender and (tender["state"] != "open"
                                  or tender.get("minutes_left") is not None):
            tender["state_text"] = _state_text(tender["state"], tender.get("minutes_left"))
        shown["tender"] = tender
    if findings.get("bid"):
        shown["bid"] = {**findings["bid"],
                        "submitted_at": _parse(findings["bid"].get("submitted_at"))}
    summary = dict(findings.get("summary", {}))
    summary["last_ok_at"] = _parse(summary.get("last_ok_at"))
    summary["by_stage"] = [(stages.get(k, k), n) for k, n in summary.get("by_stage", {}).items()]
    shown["summary"] = summary
    return shown
