"""Upload problems (Lampiran III 3.7) without anyone's password: diagnostics from the real
upload attempts, both outcomes, and the vendor's read-only support sessions."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import TEST_PASSWORD, make_user
from lpse.audit.models import AuditEvent
from lpse.bids.models import Bid, BidFile, UploadAttempt
from lpse.core.files import open_stored
from lpse.helpdesk import diagnostics, services, sop, support_sessions
from lpse.helpdesk.models import DiagnosticsRun, LkppEscalation, Ticket, TicketEvent
from lpse.helpdesk.tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    phone_ticket,
    running_tender,
    upload,
    upload_problem_ticket,
)
from lpse.operations.hooks import Period, sop_source
from lpse.tenders.tests.factories import join, make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    """Steps 2–4 of 3.7 are the administrators' (an application administrator here)."""
    return make_user(Role.APPADMIN, full_name="Rudi Hartono")


@pytest.fixture
def case():
    tender = running_tender()
    vendor = make_vendor("CV Mitra Jaya")
    participant = join(tender, vendor)
    other_vendor = make_vendor("PT Lain")
    now = timezone.now()
    user = vendor.account
    attempts = [
        UploadAttempt.objects.create(
            started_at=now - timedelta(minutes=30), finished_at=now - timedelta(minutes=30),
            user=user, vendor=vendor, tender=tender, action=UploadAttempt.Action.START,
            ok=True, client_ip="10.1.2.3", user_agent="Firefox/140"),
        UploadAttempt.objects.create(
            started_at=now - timedelta(minutes=20), finished_at=now - timedelta(minutes=19),
            user=user, vendor=vendor, tender=tender, action=UploadAttempt.Action.DECLARE,
            file_name="penawaran.rar", bytes_expected=900 * 1024 * 1024,
            stage=UploadAttempt.Stage.LIMITS, code="too_large",
            message="A bid may be at most 500 MB in total.", client_ip="10.1.2.3"),
        UploadAttempt.objects.create(
            started_at=now - timedelta(minutes=10), finished_at=now - timedelta(minutes=9),
            user=user, vendor=vendor, tender=tender, action=UploadAttempt.Action.SEGMENT,
            file_name="penawaran.pdf", segment_index=3, bytes_expected=8 * 1024 * 1024,
            bytes_received=1024, stage=UploadAttempt.Stage.TRANSFER, code="disconnected",
            message="The connection was interrupted during the upload.",
            client_ip="10.1.2.3", user_agent="Firefox/140"),
    ]
    # Someone else's attempt on the same tender is never listed.
    UploadAttempt.objects.create(user=other_vendor.account, vendor=other_vendor,
                                 tender=tender, action=UploadAttempt.Action.START, ok=True)
    ticket = upload_problem_ticket(user, tender.code,
                                   files=[upload(PDF_BYTES, "penawaran.pdf")])
    return {"tender": tender, "vendor": vendor, "participant": participant,
            "attempts": attempts, "ticket": ticket, "other": other_vendor}


def test_diagnostics_list_the_vendors_attempts_window_limits_and_attached_file(
        officer, case) -> None:
    ticket = case["ticket"]
    assert ticket.vendor == case["vendor"]
    run = diagnostics.diagnostics_start(actor=officer, ticket=ticket)
    findings = run.findings
    assert run.officer == officer
    assert run.finished_at is None
    assert findings["vendor"]["name"] == "CV Mitra Jaya"
    assert [a["action"] for a in findings["attempts"]] == ["segment", "declare", "start"]
    segment = findings["attempts"][0]
    assert segment["stage"] == "transfer"
    assert segment["code"] == "disconnected"
    assert segment["ip"] == "10.1.2.3"
    assert segment["browser"] == "Firefox/140"
    assert segment["bytes_expected"] == 8 * 1024 * 1024
    assert segment["duration_ms"] == 60000
    assert findings["summary"]["total"] == 3
    assert findings["summary"]["failed"] == 2
    assert findings["summary"]["by_stage"] == {"limits": 1, "transfer": 1}
    assert findings["limits"]["hit"] == ["too_large"]
    assert findings["tender"]["code"] == case["tender"].code
    assert findings["tender"]["state"] in {"open", "not_started", "closed"}
    assert findings["bid"]["participant"] is True
    [attached] = findings["attachments"]
    assert attached["name"] == "penawaran.pdf"
    assert attached["detected_type"] == "application/pdf"
    assert attached["ok"] is True
    # No password anywhere: the findings hold nothing of the sort.
    assert TEST_PASSWORD not in json.dumps(findings)
    assert "password" not in json.dumps(findings).lower()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.assignee == officer
    assert ticket.events.filter(action=TicketEvent.Action.DIAGNOSED).exists()


def test_the_bids_apps_type_check_refuses_what_it_refuses_for_bids() -> None:
    assert diagnostics.check_bid_file(PDF_BYTES, len(PDF_BYTES))["ok"] is True
    refused = diagnostics.check_bid_file(b"MZ\x90\x00 not a document", 20)
    assert refused["type_ok"] is False
    assert refused["problems"]


def test_diagnostics_only_for_bid_upload_tickets_and_only_by_the_desk(officer, case) -> None:
    with pytest.raises(ValidationError):
        diagnostics.diagnostics_start(actor=officer, ticket=phone_ticket(officer))
    with pytest.raises(PermissionDenied):
        diagnostics.diagnostics_start(actor=case["vendor"].account, ticket=case["ticket"])
    with pytest.raises(PermissionDenied):  # the helpdesk receives; administrators test
        diagnostics.diagnostics_start(actor=make_user(Role.HELPDESK), ticket=case["ticket"])


def test_no_fault_please_retry_emails_the_vendor_and_resolves(
        officer, case, smtp, django_capture_on_commit_callbacks) -> None:
    run = diagnostics.diagnostics_start(actor=officer, ticket=case["ticket"])
    with django_capture_on_commit_callbacks(execute=True):
        run = diagnostics.diagnostics_retry(
            actor=officer, run=run, conclusion="Koneksi terputus di sisi penyedia.",
            message="Tidak ada gangguan sistem. Silakan unggah ulang.")
    ticket = Ticket.objects.get(pk=case["ticket"].pk)
    assert ticket.status == Ticket.Status.RESOLVED
    assert run.outcome == DiagnosticsRun.Outcome.RETRY
    assert run.finished_at is not None
    assert run.reply is not None
    assert run.reply.body.startswith("Tidak ada gangguan")
    mail = smtp.to(case["vendor"].account.email)[-1]
    assert ticket.number in mail["Subject"]
    assert "Silakan unggah ulang" in smtp.body(mail)
    with pytest.raises(ValidationError):
        diagnostics.diagnostics_retry(actor=officer, run=run, conclusion="lagi", message="x")
    # The SOP report measures steps 2 and 3 of procedure 3.7.
    period = Period(timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1))
    step2 = sop_source("3.7", "2")
    step3 = sop_source("3.7", "3")
    assert step2 is sop.investigations
    assert step3 is sop.retry_notices
    assert [c.reference for c in step2(period)] == [ticket.number]
    assert [c.actor for c in step3(period)] == [officer.username]
    assert [c.reference for c in sop_source("3.7", "1")(period)] == [ticket.number]


def test_forward_to_lkpp_escalates_with_a_package_without_passwords(officer, case) -> None:
    # The desk's own reply attachments and internal notes are not the vendor's files.
    services.ticket_reply(actor=officer, ticket=case["ticket"], body="Kami periksa.",
                          files=[upload(PNG_BYTES, "panduan.png")])
    services.ticket_note(actor=officer, ticket=case["ticket"], body="Catatan",
                         files=[upload(PDF_BYTES, "internal.pdf")])
    run = diagnostics.diagnostics_start(actor=officer, ticket=case["ticket"])
    assert [a["name"] for a in run.findings["attachments"]] == ["penawaran.pdf"]
    run = diagnostics.diagnostics_forward_lkpp(
        actor=officer, run=run, conclusion="Galat server berulang.", reference="LKPP-2026-77")
    ticket = Ticket.objects.get(pk=case["ticket"].pk)
    assert ticket.status == Ticket.Status.LKPP
    assert run.escalation is not None
    assert run.escalation.reference == "LKPP-2026-77"
    assert run.escalation.summary == "Galat server berulang."
    assert run.package is not None
    assert run.package.purpose == diagnostics.PACKAGE_PURPOSE
    with open_stored(run.package) as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())
    assert {"ticket.json", "diagnostics.json", "upload-attempts.csv", "README.txt"} <= names
    attached = [n for n in names if n.startswith("vendor-attachments/")]
    assert len(attached) == 1
    assert archive.read(attached[0]) == PDF_BYTES
    everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
    assert TEST_PASSWORD not in everything
    assert "disconnected" in archive.read("upload-attempts.csv").decode()
    # LKPP answers: step 4 is measured from the forward to the answer.
    services.lkpp_escalation_update(actor=officer, escalation=run.escalation,
                                    status=LkppEscalation.Status.ANSWERED, answer="Sudah")
    period = Period(timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1))
    assert [c.reference for c in sop_source("3.7", "4")(period)] == [ticket.number]


def test_package_is_downloadable_by_the_desk_only(officer, case, client_for) -> None:
    run = diagnostics.diagnostics_start(actor=officer, ticket=case["ticket"])
    run = diagnostics.diagnostics_forward_lkpp(actor=officer, run=run, conclusion="x",
                                               reference="LKPP-1")
    assert client_for(officer).get(f"/files/{run.package_id}/").status_code == 200
    assert client_for(case["vendor"].account).get(
        f"/files/{run.package_id}/").status_code == 404


def test_support_session_grant_view_audit_revoke(officer, case, client_for) -> None:
    vendor_user = case["vendor"].account
    ticket = case["ticket"]
    bid = Bid.objects.create(tender=case["tender"], participant=case["participant"],
                             created_by=vendor_user)
    BidFile.objects.create(bid=bid, envelope=1, name="penawaran.pdf", size=4096,
                           segment_size=1024 * 1024)
    session = support_sessions.support_session_grant(actor=vendor_user, ticket=ticket,
                                                     minutes=30)
    assert session.expires_at - session.granted_at == timedelta(minutes=30)
    assert ticket.events.filter(action=TicketEvent.Action.SUPPORT_GRANTED).exists()

    desk = client_for(officer)
    page = desk.get(f"/helpdesk/desk/support/{session.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "penawaran.pdf" in text
    assert TEST_PASSWORD not in text
    desk.get(f"/helpdesk/desk/support/{session.pk}/")
    viewed = AuditEvent.objects.filter(action="helpdesk.support_session.viewed")
    assert viewed.count() == 2
    assert {e.actor_id for e in viewed} == {officer.pk}
    session.refresh_from_db()
    assert session.views == 2

    support_sessions.support_session_revoke(actor=vendor_user, session=session)
    refused = desk.get(f"/helpdesk/desk/support/{session.pk}/")
    assert refused.status_code == 403
    assert "Penyedia telah mencabut sesi bantuan ini." in refused.content.decode()
    assert viewed.count() == 2


def test_expired_session_is_refused_with_a_clear_message(officer, case, client_for) -> None:
    session = support_sessions.support_session_grant(actor=case["vendor"].account,
                                                     ticket=case["ticket"], minutes=15)
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save(update_fields=["expires_at"])
    with pytest.raises(support_sessions.SessionUnavailable):
        support_sessions.bid_status_view(actor=officer, session=session)
    response = client_for(officer).get(f"/helpdesk/desk/support/{session.pk}/")
    assert response.status_code == 403
    assert 'data-testid="support-unavailable"' in response.content.decode()


def test_a_closed_request_ends_its_session(officer, case) -> None:
    session = support_sessions.support_session_grant(actor=case["vendor"].account,
                                                     ticket=case["ticket"], minutes=60)
    services.ticket_reply(actor=officer, ticket=case["ticket"], body="Sudah normal.",
                          resolve=True)
    services.ticket_close(actor=officer, ticket=case["ticket"])
    session.refresh_from_db()
    with pytest.raises(support_sessions.SessionUnavailable):
        support_sessions.bid_status_view(actor=officer, session=session)


def test_vendor_cannot_grant_for_anothers_ticket(case) -> None:
    other_user = case["other"].account
    with pytest.raises(PermissionDenied):
        support_sessions.support_session_grant(actor=other_user, ticket=case["ticket"],
                                               minutes=30)
    with pytest.raises(ValidationError):
        support_sessions.support_session_grant(actor=case["vendor"].account,
                                               ticket=case["ticket"], minutes=600)


def test_officer_cannot_view_without_a_live_session(officer, case, client_for) -> None:
    desk = client_for(officer)
    assert desk.get("/helpdesk/desk/support/999999/").status_code == 404
    session = support_sessions.support_session_grant(actor=case["vendor"].account,
                                                     ticket=case["ticket"], minutes=15)
    # Only helpdesk officers: not the head, not another vendor.
    assert client_for(make_user(Role.HEAD)).get(
        f"/helpdesk/desk/support/{session.pk}/").status_code == 403
    assert client_for(case["other"].account).get(
        f"/helpdesk/desk/support/{session.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        support_sessions.bid_status_view(actor=case["other"].account, session=session)
    assert not AuditEvent.objects.filter(action="helpdesk.support_session.viewed").exists()


def test_vendor_grants_and_revokes_from_the_ticket_page(case, client_for) -> None:
    ticket = case["ticket"]
    owner = client_for(case["vendor"].account)
    page = owner.get(f"/helpdesk/my/{ticket.pk}/").content.decode()
    assert "support-minutes" in page
    owner.post(f"/helpdesk/my/{ticket.pk}/support/", {"support-minutes": "30"})
    session = ticket.support_sessions.get()
    assert session.live
    # Another vendor cannot touch it.
    other = client_for(case["other"].account)
    assert other.post(f"/helpdesk/my/{ticket.pk}/support/",
                      {"support-minutes": "30"}).status_code == 404
    assert other.post(f"/helpdesk/my/{ticket.pk}/support/{session.pk}/revoke/"
                      ).status_code == 404
    owner.post(f"/helpdesk/my/{ticket.pk}/support/{session.pk}/revoke/")
    session.refresh_from_db()
    assert session.revoked_at is not None
    assert not session.live


def test_ticket_pages_show_runs_and_sessions(officer, case, client_for) -> None:
    ticket = case["ticket"]
    run = diagnostics.diagnostics_start(actor=officer, ticket=ticket)
    session = support_sessions.support_session_grant(actor=case["vendor"].account,
                                                     ticket=ticket, minutes=30)
    run = diagnostics.diagnostics_forward_lkpp(actor=officer, run=run, conclusion="x",
                                               reference="LKPP-9")
    desk = client_for(officer).get(f"/helpdesk/desk/{ticket.pk}/").content.decode()
    assert f"/helpdesk/desk/diagnostics/{run.pk}/" in desk
    assert f"/helpdesk/desk/support/{session.pk}/" in desk
    assert f"/files/{run.package_id}/" in desk
    # The head reads the ticket, not the upload attempts behind the diagnostics.
    head = client_for(make_user(Role.HEAD)).get(f"/helpdesk/desk/{ticket.pk}/").content.decode()
    assert f"/helpdesk/desk/diagnostics/{run.pk}/" not in head
    assert f"/files/{run.package_id}/" not in head
    detail = client_for(officer).get(f"/helpdesk/desk/diagnostics/{run.pk}/").content.decode()
    assert "LKPP-9" in detail
    assert 'data-testid="diag-package"' in detail
    mine = client_for(case["vendor"].account).get(f"/helpdesk/my/{ticket.pk}/").content.decode()
    assert f"/helpdesk/my/{ticket.pk}/support/{session.pk}/revoke/" in mine


def test_an_incomplete_outcome_keeps_what_the_administrator_typed(officer, case,
                                                                   client_for) -> None:
    run = diagnostics.diagnostics_start(actor=officer, ticket=case["ticket"])
    response = client_for(officer).post(
        f"/helpdesk/desk/diagnostics/{run.pk}/lkpp/",
        {"lkpp-conclusion": "Galat server berulang pada segmen 3.", "lkpp-reference": ""})
    assert response.status_code == 200  # the page again, with the form's errors
    page = response.content.decode()
    assert 'class="invalid-feedback' in page or "is-invalid" in page
    assert "Galat server berulang pada segmen 3." in page
    run.refresh_from_db()
    assert run.outcome == ""


def test_findings_are_shown_in_the_readers_language(officer, case) -> None:
    """The run is stored once (in Indonesian here); the page shows its labels in the
    language of whoever reads it."""
    from django.utils import translation

    with translation.override("id"):
        run = diagnostics.diagnostics_start(actor=officer, ticket=case["ticket"])
    assert run.findings["tender"]["state"] == "not_started"
    assert run.findings["tender"]["state_text"] == "Tahap unggah penawaran belum dimulai."
    with translation.override("en"):
        shown = diagnostics.findings_for_display(run.findings)
    labels = {a["action_label"] for a in shown["attempts"]}
    assert "Send a file segment" in labels
    assert "Transfer (connection interrupted)" in {a["stage_label"] for a in shown["attempts"]}
    assert shown["tender"]["state_text"] == "The upload stage has not started yet."
