"""Defects found by QA on the helpdesk: merged requesters receive the answer, desk forms
keep what was typed, honest reports, no pause before an answer, the 3.7 LKPP step, sorting,
texts, the quick log, support sessions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.helpdesk import diagnostics, reports, services, support_sessions
from lpse.helpdesk.models import LkppEscalation, Ticket, TicketEvent, TicketMessage
from lpse.helpdesk.tests.factories import (
    PNG_BYTES,
    phone_ticket,
    running_tender,
    upload,
    upload_problem_ticket,
)
from lpse.tenders.tests.factories import join, make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def officer():
    return make_user(Role.HELPDESK, full_name="Siti Nurhaliza")


def _english_client(client_for, user):
    client = client_for(user)
    client.cookies["lpse_language"] = "en"
    return client


# --- 1. Merged requesters receive the answer of the ticket that carries their request ----


def test_reply_on_the_target_reaches_the_requesters_of_merged_tickets(
        officer, smtp, django_capture_on_commit_callbacks, client_for) -> None:
    first = phone_ticket(officer)
    other_user = make_user(Role.VENDOR, email="kantor@lain.test")
    duplicate = phone_ticket(officer, requester=other_user, requester_email="kantor@lain.test")
    public = phone_ticket(officer, requester_email="warga@contoh.test")
    same = phone_ticket(officer)  # same requester as the target: one e-mail only
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_merge(actor=officer, ticket=duplicate, into=first)
        services.ticket_merge(actor=officer, ticket=public, into=first)
        services.ticket_merge(actor=officer, ticket=same, into=first)
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(actor=officer, ticket=first, body="Server sudah pulih.",
                              files=[upload(PNG_BYTES, "status.png")])
    assert len(smtp.to("ade@mitra.test")) == 1
    copied = smtp.to("kantor@lain.test")
    assert len(copied) == 1
    assert duplicate.number in copied[0]["Subject"]
    body = smtp.body(copied[0])
    assert "Server sudah pulih." in body
    assert f"bersama permintaan {first.number}" in body
    assert f"/helpdesk/my/{duplicate.pk}/" in smtp.last_link("kantor@lain.test")
    assert services.ticket_token(public) in smtp.last_link("warga@contoh.test", "/helpdesk/t/")
    event = first.events.filter(action=TicketEvent.Action.REPLIED).get()
    assert sorted(event.data["copied_to"]) == ["kantor@lain.test", "warga@contoh.test"]

    # The merged requester's own page shows the answer and its attachment.
    client = _english_client(client_for, other_user)
    page = client.get(f"/helpdesk/my/{duplicate.pk}/").content.decode()
    assert "Server sudah pulih." in page
    assert f"answers on {first.number} are shown below" in page
    attachment = first.attachments.get(message__kind=TicketMessage.Kind.REPLY)
    assert client.get(f"/files/{attachment.file_id}/").status_code == 200
    # ... and through the signed link, for a requester without an account.
    token = services.ticket_token(public)
    anonymous = client_for(None)
    assert "Server sudah pulih." in anonymous.get(f"/helpdesk/t/{token}/").content.decode()
    assert anonymous.get(
        f"/helpdesk/t/{token}/files/{attachment.file_id}/").status_code == 200
    # The target requester's own messages are not shown to the merged requester.
    services.ticket_requester_message(ticket=first, body="Rahasia pemohon pertama.")
    assert "Rahasia pemohon pertama." not in client.get(
        f"/helpdesk/my/{duplicate.pk}/").content.decode()


def test_merge_of_a_merged_ticket_still_carries_the_answer(
        officer, smtp, django_capture_on_commit_callbacks) -> None:
    a = phone_ticket(officer, requester_email="a@x.test")
    b = phone_ticket(officer, requester_email="b@x.test")
    c = phone_ticket(officer, requester_email="c@x.test")
    services.ticket_merge(actor=officer, ticket=a, into=b)
    services.ticket_merge(actor=officer, ticket=b, into=c)
    a.refresh_from_db()
    assert services.merge_target(a) == c
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(actor=officer, ticket=c, body="Jawaban bersama.")
    assert {m["To"] for m in smtp.messages} == {"a@x.test", "b@x.test", "c@x.test"}


# --- 2. Desk forms keep what was typed --------------------------------------------------


def test_refused_reply_attachment_keeps_the_typed_answer(officer, client_for) -> None:
    ticket = phone_ticket(officer)
    client = _english_client(client_for, officer)
    response = client.post(f"/helpdesk/desk/{ticket.pk}/reply/", {
        "reply-body": "Jawaban panjang yang diketik petugas.", "reply-after": "open",
        "reply-attachment": SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 100)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Jawaban panjang yang diketik petugas." in page
    assert response.context["reply_form"].errors["attachment"]
    assert not ticket.messages.exists()


def test_refused_reply_keeps_the_chosen_next_step(officer, client_for) -> None:
    ticket = phone_ticket(officer)
    client = _english_client(client_for, officer)
    response = client.post(f"/helpdesk/desk/{ticket.pk}/reply/", {
        "reply-body": "  ", "reply-after": "resolve"})
    assert response.status_code == 422
    form = response.context["reply_form"]
    assert form.errors["body"]
    assert form["after"].value() == "resolve"
    assert 'id="id_reply-body_error"' in response.content.decode()


def test_refused_note_merge_and_lkpp_answer_rerender_with_their_forms(
        officer, client_for) -> None:
    ticket = phone_ticket(officer)
    client = _english_client(client_for, officer)
    note = client.post(f"/helpdesk/desk/{ticket.pk}/note/", {
        "note-body": "Catatan penting",
        "note-attachment": SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 50)})
    assert note.status_code == 422
    assert "Catatan penting" in note.content.decode()
    merge = client.post(f"/helpdesk/desk/{ticket.pk}/merge/", {"into": "HD-1999-00001"})
    assert merge.status_code == 422
    assert merge.context["merge_form"].errors["into"] == ["No ticket has this number."]
    assert 'value="HD-1999-00001"' in merge.content.decode()
    escalation = services.ticket_escalate_lkpp(actor=officer, ticket=ticket,
                                               reference="LKPP-1", summary="Gagal")
    lkpp = client.post(f"/helpdesk/desk/lkpp/{escalation.pk}/", {"status": "answered",
                                                                   "answer": ""})
    assert lkpp.status_code == 422
    forms_on_page = dict(lkpp.context["escalations"])
    assert forms_on_page[escalation].errors["answer"] == ["Record LKPP's answer."]


def test_refused_button_shows_the_reason_on_the_ticket_page(officer, client_for) -> None:
    ticket = phone_ticket(officer)
    client = _english_client(client_for, officer)
    response = client.post(f"/helpdesk/desk/{ticket.pk}/resolve/")
    assert response.status_code == 422
    assert response.context["action_errors"] == [
        "Answer the requester before resolving the ticket."]
    assert 'data-testid="action-errors"' in response.content.decode()


# --- 3. The report counts overdue, unanswered tickets as late ---------------------------


def test_report_counts_an_overdue_unanswered_ticket_as_late(officer) -> None:
    answered = phone_ticket(officer)
    services.ticket_reply(actor=officer, ticket=answered, body="Sudah.")
    late = phone_ticket(officer)
    today = timezone.localdate()
    later = timezone.now() + timedelta(days=30)
    report = reports.helpdesk_report(today - timedelta(days=1), today + timedelta(days=1),
                                     now=later)
    assert report.responded == 1
    assert report.response_overdue == 1
    assert report.response_rate == 50.0
    # Right now the unanswered ticket is still within target: not judged, said so.
    report = reports.helpdesk_report(today - timedelta(days=1), today + timedelta(days=1),
                                     now=late.received_at)
    assert report.response_overdue == 0
    assert report.response_pending == 1
    assert report.response_rate == 100.0
    csv = reports.helpdesk_csv(today - timedelta(days=1), today + timedelta(days=1),
                               now=later)
    row = next(line for line in csv.splitlines() if line.startswith(late.number))
    assert row.split(",")[10] == "1"  # first_response_late


def test_report_page_says_how_many_are_pending_and_uses_plurals(officer, client_for) -> None:
    ticket = phone_ticket(officer, answer="Beres.")
    services.ticket_rate(ticket=ticket, rating=5)
    phone_ticket(officer)
    page = _english_client(client_for, make_user(Role.HEAD)).get(
        "/helpdesk/reports/").content.decode()
    assert "1 rating<" in page
    assert "1 awaiting a first response, still within target" in page


# --- 4. No pause before an answer ------------------------------------------------------


def test_waiting_needs_an_answer_the_requester_has_not_replied_to(officer) -> None:
    ticket = phone_ticket(officer)
    with pytest.raises(ValidationError, match="Answer the requester first"):
        services.ticket_wait(actor=officer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.paused_since is None
    services.ticket_reply(actor=officer, ticket=ticket, body="Kirim tangkapan layar.",
                          wait_for_requester=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    services.ticket_requester_message(ticket=ticket, body="Ini tangkapan layarnya.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    with pytest.raises(ValidationError):
        services.ticket_wait(actor=officer, ticket=ticket)


def test_wait_button_only_after_an_answer(officer, client_for) -> None:
    ticket = phone_ticket(officer)
    client = _english_client(client_for, officer)
    page = client.get(f"/helpdesk/desk/{ticket.pk}/")
    assert not page.context["can_wait"]
    assert f"/helpdesk/desk/{ticket.pk}/wait/" not in page.content.decode()
    refused = client.post(f"/helpdesk/desk/{ticket.pk}/wait/")
    assert refused.status_code == 422
    services.ticket_reply(actor=officer, ticket=ticket, body="Mohon data tambahan.")
    assert client.get(f"/helpdesk/desk/{ticket.pk}/").context["can_wait"]
    assert client.post(f"/helpdesk/desk/{ticket.pk}/wait/").status_code == 302


# --- 5. Upload problem: the LKPP step -----------------------------------------------------


@pytest.fixture
def upload_case():
    tender = running_tender()
    vendor = make_vendor("CV Mitra Jaya")
    join(tender, vendor)
    return upload_problem_ticket(vendor.account, tender.code)


def test_forwarding_to_lkpp_tells_the_vendor_and_blocks_resolving_and_new_runs(
        upload_case, smtp, django_capture_on_commit_callbacks) -> None:
    admin = make_user(Role.APPADMIN)
    ticket = upload_case
    services.ticket_reply(actor=admin, ticket=ticket, body="Kami periksa.")
    run = diagnostics.diagnostics_start(actor=admin, ticket=ticket)
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = diagnostics.diagnostics_forward_lkpp(actor=admin, run=run,
                                                   conclusion="Galat server.",
                                                   reference="LKPP-2026-9")
    address = ticket.requester.email
    mail = smtp.to(address)[-1]
    assert "diteruskan ke LKPP" in mail["Subject"]
    assert "LKPP-2026-9" in smtp.body(mail)
    assert "1 sampai 24 jam" in smtp.body(mail)
    ticket = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(ValidationError, match="still with LKPP"):
        services.ticket_resolve(actor=admin, ticket=ticket)
    with pytest.raises(ValidationError, match="still with LKPP"):
        services.ticket_reply(actor=admin, ticket=ticket, body="Selesai.", resolve=True)
    with pytest.raises(ValidationError, match="waiting for LKPP"):
        diagnostics.diagnostics_start(actor=admin, ticket=ticket)
    assert run.escalation is not None
    services.lkpp_escalation_update(actor=admin, escalation=run.escalation,
                                    status=LkppEscalation.Status.ANSWERED,
                                    answer="Perbaikan sudah dipasang.")
    ticket = Ticket.objects.get(pk=ticket.pk)
    diagnostics.diagnostics_start(actor=admin, ticket=ticket)
    services.ticket_reply(actor=admin, ticket=ticket, body="Sudah diperbaiki LKPP.",
                          resolve=True)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED


def test_resolve_refused_on_the_page_while_with_lkpp(officer, client_for) -> None:
    ticket = phone_ticket(officer, answer="")
    services.ticket_reply(actor=officer, ticket=ticket, body="Kami teruskan.")
    services.ticket_escalate_lkpp(actor=officer, ticket=ticket, reference="LKPP-7",
                                  summary="x")
    client = _english_client(client_for, officer)
    page = client.get(f"/helpdesk/desk/{ticket.pk}/").content.decode()
    assert 'data-testid="lkpp-open"' in page
    response = client.post(f"/helpdesk/desk/{ticket.pk}/reply/", {
        "reply-body": "Sudah beres.", "reply-after": "resolve"})
    assert response.status_code == 422
    assert "still with LKPP" in response.context["reply_form"].errors["after"][0]
    assert "Sudah beres." in response.content.decode()


# --- 6. Sorting by rank and workflow order ------------------------------------------------


def test_desk_sorts_priority_by_rank_and_status_by_workflow(officer, client_for) -> None:
    for priority in ("high", "normal", "urgent", "low"):
        phone_ticket(officer, priority=priority, subject=f"P {priority}")
    resolved = phone_ticket(officer, answer="Beres.")
    waiting = phone_ticket(officer)
    services.ticket_reply(actor=officer, ticket=waiting, body="?", wait_for_requester=True)
    client = client_for(officer)
    rows = list(client.get("/helpdesk/desk/?sort=priority").context["table"].page.object_list)
    priorities = [row.record.priority for row in rows]
    rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    assert priorities == sorted(priorities, key=rank.__getitem__)
    assert priorities[0] == "urgent"
    rows = list(client.get("/helpdesk/desk/?sort=-priority").context["table"].page.object_list)
    assert rows[0].record.priority == "low"
    rows = list(client.get("/helpdesk/desk/?sort=status").context["table"].page.object_list)
    statuses = [row.record.status for row in rows]
    assert statuses.index("new") < statuses.index("waiting") < statuses.index("resolved")
    assert resolved.status == "resolved"


# --- 7. Texts ---------------------------------------------------------------------------


def test_late_filter_offers_any_instead_of_unknown(officer, client_for) -> None:
    page = _english_client(client_for, officer).get("/helpdesk/desk/").content.decode()
    assert ">Any<" in page
    assert ">Unknown<" not in page
    late = phone_ticket(officer)
    Ticket.objects.filter(pk=late.pk).update(first_response_breached=True)
    phone_ticket(officer)
    table = client_for(officer).get("/helpdesk/desk/?late=true").context["table"]
    assert [row.record.pk for row in table.page.object_list] == [late.pk]


# --- 8. Quick log -------------------------------------------------------------------------


def test_quick_log_email_answer_needs_an_address_and_log_another_keeps_the_channel(
        officer, client_for) -> None:
    client = _english_client(client_for, officer)
    data = {"channel": "walk_in", "requester_type": "ppk", "requester_name": "Pak Dedi",
            "category": "tender", "priority": "normal", "subject": "Jadwal",
            "description": "Kapan pembukaan?", "answer": "Besok pukul 10.",
            "email_answer": "on"}
    refused = client.post("/helpdesk/desk/new/", data)
    assert refused.status_code == 200
    assert "requester_email" in refused.context["form"].errors
    assert not Ticket.objects.exists()
    done = client.post("/helpdesk/desk/new/", {**data, "email_answer": "", "another": "1"})
    assert done.status_code == 302
    assert "channel=walk_in" in done["Location"]
    form = client.get(done["Location"]).context["form"]
    assert form["channel"].value() == "walk_in"
    assert form["requester_type"].value() == "ppk"
    assert form["requester_name"].value() in (None, "")


# --- 9 and 10. Support sessions -----------------------------------------------------------


def test_second_support_session_refused_while_one_is_active(upload_case) -> None:
    vendor_user = upload_case.requester
    session = support_sessions.support_session_grant(actor=vendor_user, ticket=upload_case,
                                                     minutes=30)
    with pytest.raises(ValidationError, match="already active"):
        support_sessions.support_session_grant(actor=vendor_user, ticket=upload_case,
                                               minutes=60)
    support_sessions.support_session_revoke(actor=vendor_user, session=session)
    support_sessions.support_session_grant(actor=vendor_user, ticket=upload_case, minutes=15)
    assert upload_case.support_sessions.count() == 2


def test_support_session_wording_and_link_only_for_who_may_open_it(
        upload_case, client_for) -> None:
    vendor_user = upload_case.requester
    vendor = _english_client(client_for, vendor_user)
    page = vendor.get(f"/helpdesk/my/{upload_case.pk}/").content.decode()
    assert "LPSE system or application administrator" in page
    vendor.post(f"/helpdesk/my/{upload_case.pk}/support/", {"support-minutes": "30"})
    session = upload_case.support_sessions.get()
    page = vendor.get(f"/helpdesk/my/{upload_case.pk}/")
    assert not page.context["can_grant_support"]
    link = f"/helpdesk/desk/support/{session.pk}/"
    helpdesk = _english_client(client_for, make_user(Role.HELPDESK))
    desk_page = helpdesk.get(f"/helpdesk/desk/{upload_case.pk}/").content.decode()
    assert link not in desk_page
    assert 'data-testid="support-who"' in desk_page
    admin = _english_client(client_for, make_user(Role.SYSADMIN))
    assert link in admin.get(f"/helpdesk/desk/{upload_case.pk}/").content.decode()
    assert admin.get(link).status_code == 200
