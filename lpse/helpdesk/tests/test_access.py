"""Who may open which helpdesk page; a requester never sees another's ticket."""

from __future__ import annotations

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.access import Access, check_matrix
from lpse.helpdesk import diagnostics, services, support_sessions
from lpse.helpdesk.models import Ticket
from lpse.helpdesk.tests.factories import PDF_BYTES, phone_ticket, upload, upload_problem_ticket
from lpse.tenders.tests.factories import make_vendor

pytestmark = pytest.mark.django_db

HANDLERS = {Role.HELPDESK, Role.APPADMIN, Role.SYSADMIN}
ADMINISTRATORS = {Role.APPADMIN, Role.SYSADMIN}  # 3.7 steps 2–4
READERS = HANDLERS | {Role.HEAD, Role.AUDITOR}
EVERYONE = set(Role)


@pytest.fixture
def objects(users_by_role):
    officer = users_by_role[Role.HELPDESK]
    vendor = users_by_role[Role.VENDOR]
    make_vendor("CV Matriks", user=vendor)
    upload_ticket = upload_problem_ticket(vendor, "T-MATRIX-1")
    run = diagnostics.diagnostics_start(actor=users_by_role[Role.APPADMIN],
                                        ticket=upload_ticket)
    session = support_sessions.support_session_grant(actor=vendor, ticket=upload_ticket,
                                                     minutes=30)
    ticket = services.ticket_create(
        actor=vendor, channel=Ticket.Channel.WEB_ACCOUNT, requester=vendor,
        requester_type=Ticket.RequesterType.VENDOR, requester_name="",
        category=Ticket.Category.ACCOUNT, subject="Akun", description="Terkunci")
    article = services.article_save(actor=officer, article=None, title="Reset kata sandi",
                                    category=Ticket.Category.ACCOUNT, body="…")
    draft = services.article_save(actor=officer, article=None, title="Draf",
                                  category=Ticket.Category.OTHER, body="…",
                                  is_published=False)
    return {"ticket": ticket, "article": article, "draft": draft,
            "upload_ticket": upload_ticket, "run": run, "session": session}


MATRIX = [
    Access("/helpdesk/", allowed=EVERYONE, public=True),
    Access("/helpdesk/new/", allowed=EVERYONE, public=True),
    Access("/helpdesk/kb/suggest/?subject=kata+sandi", allowed=EVERYONE, public=True),
    Access(lambda o: f"/helpdesk/kb/{o['article'].slug}/", allowed=EVERYONE, public=True),
    Access(lambda o: f"/helpdesk/kb/{o['draft'].slug}/", allowed={Role.HELPDESK}, denied=404),
    Access("/helpdesk/my/", allowed=EVERYONE),
    Access(lambda o: f"/helpdesk/my/{o['ticket'].pk}/", allowed={Role.VENDOR}, denied=404),
    Access("/helpdesk/desk/", allowed=READERS, denied=403),
    Access(lambda o: f"/helpdesk/desk/{o['ticket'].pk}/", allowed=READERS, denied=403),
    Access("/helpdesk/desk/new/", allowed=HANDLERS, denied=403),
    Access(lambda o: f"/helpdesk/desk/{o['ticket'].pk}/take/", allowed=HANDLERS, denied=403,
           method="post"),
    Access("/helpdesk/desk/canned/", allowed=HANDLERS, denied=403),
    Access("/helpdesk/desk/canned/new/", allowed=HANDLERS, denied=403),
    Access("/helpdesk/desk/canned/fill/", allowed=HANDLERS, denied=403),
    Access("/helpdesk/kb/manage/", allowed={Role.HELPDESK}, denied=403),
    Access("/helpdesk/kb/manage/new/", allowed={Role.HELPDESK}, denied=403),
    Access("/helpdesk/reports/", allowed={Role.HEAD, Role.HELPDESK, Role.AUDITOR}, denied=403),
    Access("/helpdesk/reports/tickets.csv", allowed={Role.HEAD, Role.HELPDESK, Role.AUDITOR},
           denied=403),
    Access("/helpdesk/desk/service-levels/", allowed={Role.HEAD}, denied=403),
    # Upload problems (3.7): diagnostics, outcomes, support sessions.
    Access(lambda o: f"/helpdesk/desk/{o['upload_ticket'].pk}/diagnostics/",
           allowed=ADMINISTRATORS, denied=403, method="post"),
    Access(lambda o: f"/helpdesk/desk/diagnostics/{o['run'].pk}/",
           allowed=HANDLERS | {Role.AUDITOR}, denied=403),
    Access(lambda o: f"/helpdesk/desk/diagnostics/{o['run'].pk}/retry/",
           allowed=ADMINISTRATORS, denied=403, method="post"),
    Access(lambda o: f"/helpdesk/desk/support/{o['session'].pk}/", allowed=ADMINISTRATORS,
           denied=403),
    Access(lambda o: f"/helpdesk/my/{o['upload_ticket'].pk}/support/", allowed={Role.VENDOR},
           method="post", data={"support-minutes": "30"}),
    # Last: revoking ends the session the entry above opens.
    Access(lambda o: f"/helpdesk/my/{o['upload_ticket'].pk}/support/{o['session'].pk}/revoke/",
           allowed={Role.VENDOR}, method="post"),
]


def test_access_matrix(users_by_role, client_for, objects) -> None:
    check_matrix(MATRIX, users_by_role, client_for, objects)


def test_a_requester_never_sees_another_requesters_ticket(client_for) -> None:
    officer = make_user(Role.HELPDESK)
    owner, other = make_user(Role.VENDOR), make_user(Role.VENDOR)
    ticket = services.ticket_create(
        actor=owner, channel=Ticket.Channel.WEB_ACCOUNT, requester=owner,
        requester_type=Ticket.RequesterType.VENDOR, requester_name="",
        category=Ticket.Category.ACCOUNT, subject="Rahasia perusahaan", description="…",
        files=[upload(PDF_BYTES, "akta.pdf")])
    services.ticket_note(actor=officer, ticket=ticket, body="Catatan internal",
                         files=[upload(PDF_BYTES, "internal.pdf")])
    public_file = ticket.attachments.get(internal=False).file
    internal_file = ticket.attachments.get(internal=True).file
    owner_client, other_client = client_for(owner), client_for(other)

    assert owner_client.get(f"/helpdesk/my/{ticket.pk}/").status_code == 200
    page = owner_client.get(f"/helpdesk/my/{ticket.pk}/").content.decode()
    assert "Catatan internal" not in page
    assert other_client.get(f"/helpdesk/my/{ticket.pk}/").status_code == 404
    assert "Rahasia perusahaan" not in other_client.get("/helpdesk/my/").content.decode()
    # Files: the owner reads the public attachment, never the internal one; others nothing.
    assert owner_client.get(f"/files/{public_file.pk}/").status_code == 200
    assert owner_client.get(f"/files/{internal_file.pk}/").status_code == 404
    assert other_client.get(f"/files/{public_file.pk}/").status_code == 404
    # Posting to someone else's ticket is refused as well.
    response = other_client.post(f"/helpdesk/my/{ticket.pk}/", {"msg-body": "iseng"})
    assert response.status_code == 404
    assert not ticket.messages.filter(body="iseng").exists()


def test_signed_links_cannot_be_forged(client_for) -> None:
    officer = make_user(Role.HELPDESK)
    ticket = phone_ticket(officer, files=[upload(PDF_BYTES, "bukti.pdf")])
    anonymous = client_for(None)
    token = services.ticket_token(ticket)
    assert anonymous.get(f"/helpdesk/t/{token}/").status_code == 200
    file_id = ticket.attachments.get().file_id
    assert anonymous.get(f"/helpdesk/t/{token}/files/{file_id}/").status_code == 200
    forged = f"{ticket.public_key}:{'A' * 27}"
    assert anonymous.get(f"/helpdesk/t/{forged}/").status_code == 404
    assert anonymous.get(f"/helpdesk/t/{ticket.public_key}/").status_code == 404
    other = phone_ticket(officer)
    other_token = services.ticket_token(other)
    assert anonymous.get(f"/helpdesk/t/{other_token}/files/{file_id}/").status_code == 404


def test_desk_list_query_count(client_for, django_assert_max_num_queries) -> None:
    officer = make_user(Role.HELPDESK)
    for n in range(30):
        phone_ticket(officer, subject=f"Pertanyaan {n}")
    client = client_for(officer)
    client.get("/helpdesk/desk/")
    with django_assert_max_num_queries(20):
        response = client.get("/helpdesk/desk/?status=new&q=Pertanyaan")
    assert response.status_code == 200
    assert "Pertanyaan 29" in response.content.decode()


def test_api_tickets_and_inbound_email(client_for) -> None:
    from lpse.accounts.services import api_token_create

    officer = make_user(Role.HELPDESK)
    vendor = make_user(Role.VENDOR)
    phone_ticket(officer)
    _token, key = api_token_create(user=officer, name="relay", expires_at=None)
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/helpdesk/tickets/").json()["count"] == 1
    raw = (b"From: Budi <budi@example.test>\r\nSubject: Tanya jadwal\r\n"
           b"Message-ID: <z@x>\r\n\r\nKapan pelatihan?\r\n")
    response = client.post("/api/v1/helpdesk/inbound-email/", raw,
                           content_type="message/rfc822")
    assert response.status_code == 201
    assert response.json()["created"] is True
    again = client.post("/api/v1/helpdesk/inbound-email/", raw, content_type="message/rfc822")
    assert again.status_code == 200
    assert again.json()["created"] is False
    vendor_client = client_for(vendor)
    assert vendor_client.get("/api/v1/helpdesk/tickets/").status_code == 403
    assert vendor_client.post("/api/v1/helpdesk/inbound-email/", raw,
                              content_type="message/rfc822").status_code == 403
    assert client_for(None).get("/api/v1/helpdesk/articles/").status_code == 200
