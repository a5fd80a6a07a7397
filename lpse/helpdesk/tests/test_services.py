from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.models import StoredFile
from lpse.helpdesk import reports, services
from lpse.helpdesk.models import LkppEscalation, Ticket, TicketEvent, TicketMessage
from lpse.helpdesk.tests.factories import PDF_BYTES, PNG_BYTES, phone_ticket, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user(Role.HELPDESK, full_name="Siti Nurhaliza")


def test_quick_log_with_an_answer_on_the_spot_is_recorded_resolved(officer) -> None:
    ticket = phone_ticket(officer, answer="Silakan cek folder spam.")
    assert ticket.number.startswith("HD-")
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.logged_by == officer
    assert ticket.assignee == officer
    assert ticket.first_responded_at is not None
    assert ticket.resolved_at is not None
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions == ["created", "replied", "resolved"]
    assert AuditEvent.objects.filter(action="helpdesk.ticket.created",
                                     object_id=str(ticket.pk)).exists()


def test_reply_is_emailed_with_the_signed_link(officer, smtp,
                                               django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = phone_ticket(officer)
        services.ticket_reply(actor=officer, ticket=ticket, body="Akun sudah kami aktifkan.")
    received, reply = smtp.to("ade@mitra.test")
    assert ticket.number in received["Subject"]
    assert ticket.number in reply["Subject"]
    assert "Akun sudah kami aktifkan." in smtp.body(reply)
    link = smtp.last_link("ade@mitra.test", "/helpdesk/t/")
    assert services.ticket_token(ticket) in link
    message = ticket.messages.get(kind=TicketMessage.Kind.REPLY)
    assert message.emailed_to == "ade@mitra.test"


def test_internal_notes_are_never_emailed(officer, smtp,
                                          django_capture_on_commit_callbacks) -> None:
    ticket = phone_ticket(officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_note(actor=officer, ticket=ticket, body="Vendor ini sering lupa.")
    assert smtp.to("ade@mitra.test") == []


def test_staff_channels_need_a_helpdesk_officer() -> None:
    vendor = make_user(Role.VENDOR)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        phone_ticket(vendor)


def test_public_web_ticket_needs_an_email() -> None:
    with pytest.raises(ValidationError):
        services.ticket_create(actor=None, channel=Ticket.Channel.WEB_PUBLIC,
                               requester_type=Ticket.RequesterType.PUBLIC, requester_name="X",
                               category=Ticket.Category.OTHER, subject="S", description="D")
    assert not Ticket.objects.exists()


def test_logged_in_requester_type_comes_from_the_account() -> None:
    ppk = make_user(Role.PPK)
    ticket = services.ticket_create(
        actor=ppk, channel=Ticket.Channel.WEB_ACCOUNT, requester=ppk,
        requester_type=Ticket.RequesterType.PUBLIC, requester_name="",
        category=Ticket.Category.TENDER, subject="Jadwal", description="Bagaimana?",
        tender_code="t-2026-001")
    assert ticket.requester_type == Ticket.RequesterType.PPK
    assert ticket.requester_name == ppk.full_name
    assert ticket.tender_code == "T-2026-001"
    assert ticket.requester_organisation == ppk.agency.name


def test_attachments_are_checked_and_nothing_is_half_saved(officer) -> None:
    with pytest.raises(ValidationError):
        phone_ticket(officer, files=[upload(b"MZ\x90\x00 not a pdf", "virus.exe")])
    assert not Ticket.objects.exists()
    assert not StoredFile.objects.exists()
    ticket = phone_ticket(officer, files=[upload(PNG_BYTES, "layar.png")])
    assert ticket.attachments.get().file.content_type == "image/png"


def test_merge_moves_the_duplicate_and_tells_its_requester(
        officer, smtp, django_capture_on_commit_callbacks) -> None:
    first = phone_ticket(officer)
    duplicate = phone_ticket(officer, requester_email="kantor@mitra.test",
                             files=[upload(PDF_BYTES)])
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_merge(actor=officer, ticket=duplicate, into=first)
    duplicate.refresh_from_db()
    assert duplicate.status == Ticket.Status.MERGED
    assert duplicate.merged_into == first
    assert first.attachments.count() == 1
    assert duplicate.number in first.messages.get().body
    assert first.number in smtp.to("kantor@mitra.test")[-1]["Subject"]
    with pytest.raises(ValidationError):
        services.ticket_reply(actor=officer, ticket=duplicate, body="x")
    with pytest.raises(ValidationError):
        services.ticket_merge(actor=officer, ticket=first, into=first)


def test_escalation_to_lkpp_is_tracked_until_answered(officer) -> None:
    ticket = phone_ticket(officer, category=Ticket.Category.ENCRYPTION)
    escalation = services.ticket_escalate_lkpp(actor=officer, ticket=ticket,
                                               reference="LKPP-HD-2026-0042",
                                               summary="Apendo gagal dekripsi.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.LKPP
    services.lkpp_escalation_update(actor=officer, escalation=escalation,
                                    status=LkppEscalation.Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.lkpp_escalation_update(actor=officer, escalation=escalation,
                                        status=LkppEscalation.Status.ANSWERED)
    services.lkpp_escalation_update(actor=officer, escalation=escalation,
                                    status=LkppEscalation.Status.ANSWERED,
                                    answer="Gunakan versi terbaru.")
    ticket.refresh_from_db()
    escalation.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert escalation.answered_at is not None
    assert ticket.events.filter(action=TicketEvent.Action.LKPP_UPDATE).count() == 2


def test_rating_closes_and_only_once(officer) -> None:
    ticket = phone_ticket(officer)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, rating=5)
    services.ticket_reply(actor=officer, ticket=ticket, body="Beres.", resolve=True)
    services.ticket_rate(ticket=ticket, rating=4, comment="Cepat")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.rating == 4
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, rating=5)


def test_requester_message_reopens_a_resolved_ticket(officer) -> None:
    ticket = phone_ticket(officer, answer="Coba lagi.")
    services.ticket_requester_message(ticket=ticket, body="Masih gagal.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.resolved_at is None


def _email(subject: str, sender: str = "Ade <ade@mitra.test>", message_id: str = "<a@x>",
           attachment: tuple[bytes, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "helpdesk@lpse.test"
    message["Subject"], message["Message-ID"] = subject, message_id
    message.set_content("Saya tidak bisa login sejak pagi.")
    if attachment:
        message.add_attachment(attachment[0], maintype="application",
                               subtype="octet-stream", filename=attachment[1])
    return message.as_bytes()


def test_inbound_email_creates_a_ticket_then_adds_replies(officer) -> None:
    ticket, created = services.ticket_from_email(
        actor=officer, raw=_email("Tidak bisa login", attachment=(PDF_BYTES, "surat.pdf")))
    assert created
    assert ticket.channel == Ticket.Channel.EMAIL
    assert ticket.requester_email == "ade@mitra.test"
    assert ticket.requester_name == "Ade"
    assert ticket.attachments.count() == 1
    same, created = services.ticket_from_email(
        actor=officer, raw=_email("Tidak bisa login", attachment=(PDF_BYTES, "surat.pdf")))
    assert same == ticket
    assert not created
    assert Ticket.objects.count() == 1
    _reply, created = services.ticket_from_email(
        actor=officer, raw=_email(f"Re: [{ticket.number}] Tidak bisa login",
                                  message_id="<b@x>",
                                  attachment=(b"MZ not allowed", "virus.exe")))
    assert not created
    assert ticket.messages.filter(kind=TicketMessage.Kind.REQUESTER).count() == 1
    assert "virus.exe" in ticket.messages.get(kind=TicketMessage.Kind.SYSTEM).body
    # A stranger quoting the number opens a new ticket instead of writing into this one.
    _other, created = services.ticket_from_email(
        actor=officer, raw=_email(f"[{ticket.number}] halo", sender="x@evil.test",
                                  message_id="<c@x>"))
    assert created


def test_import_eml_command(officer, tmp_path) -> None:
    (tmp_path / "1.eml").write_bytes(_email("Lupa kata sandi", message_id="<d@x>"))
    call_command("helpdesk_import_eml", str(tmp_path), "--as", officer.username)
    call_command("helpdesk_import_eml", str(tmp_path), "--as", officer.username)
    assert Ticket.objects.filter(channel=Ticket.Channel.EMAIL).count() == 1


def test_report_counts_and_csv(officer) -> None:
    phone_ticket(officer, answer="Sudah.")
    phone_ticket(officer, channel=Ticket.Channel.WALK_IN, category=Ticket.Category.ACCOUNT)
    from lpse.core.calendar import localdate_wib

    today = localdate_wib()
    report = reports.helpdesk_report(today, today)
    assert report.total == 2
    assert report.by_channel == {"phone": 1, "walk_in": 1}
    assert report.resolved == 1
    assert report.resolution_rate == 100.0
    csv_text = reports.helpdesk_csv(today, today)
    assert csv_text.splitlines()[0].startswith("number,received_at_wib,channel")
    assert len(csv_text.splitlines()) == 3


def test_link_seam_records_a_foreign_record_once(officer) -> None:
    ticket = phone_ticket(officer, category=Ticket.Category.BID_UPLOAD)
    services.ticket_link(actor=officer, ticket=ticket, kind="upload_diagnostics",
                         object_type="bids.uploaddiagnosticrun", object_id="17")
    services.ticket_link(actor=officer, ticket=ticket, kind="upload_diagnostics",
                         object_type="bids.uploaddiagnosticrun", object_id="17")
    assert ticket.links.count() == 1
    assert ticket.events.filter(action=TicketEvent.Action.LINKED).count() == 1


def test_knowledge_base_suggestions(officer) -> None:
    kb = make_user(Role.HELPDESK)
    services.article_save(actor=kb, article=None, title="Lupa kata sandi akun penyedia",
                          category=Ticket.Category.ACCOUNT, body="Gunakan tautan reset.",
                          keywords="password reset login")
    services.article_save(actor=kb, article=None, title="Cara upload penawaran",
                          category=Ticket.Category.BID_UPLOAD, body="...",
                          keywords="unggah apendo")
    from lpse.helpdesk.selectors import article_suggestions

    assert [a.title for a in article_suggestions("saya lupa password")] == [
        "Lupa kata sandi akun penyedia"]
    assert article_suggestions("ab") == []


def test_the_sop_report_reads_the_helpdesk_steps(officer) -> None:
    from lpse.core.calendar import localdate_wib
    from lpse.operations.sop_report import build_report

    phone_ticket(officer, answer="Sudah dijawab.")
    services.ticket_create(actor=None, channel=Ticket.Channel.WEB_PUBLIC,
                           requester_type=Ticket.RequesterType.PUBLIC, requester_name="Budi",
                           requester_email="budi@x.test", category=Ticket.Category.OTHER,
                           subject="Tanya", description="…")
    today = localdate_wib()
    rows = {row.step.code: row for row in build_report(today, today).rows
            if row.procedure.code == "2.2"}
    assert (rows["1"].cases, rows["2"].cases, rows["3"].cases) == (1, 1, 0)
    assert rows["1"].breach_count == 0
