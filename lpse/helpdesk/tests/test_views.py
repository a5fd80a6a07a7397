from __future__ import annotations

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.helpdesk.models import Ticket
from lpse.helpdesk.tests.factories import phone_ticket

pytestmark = pytest.mark.django_db


def test_quick_log_rejects_bad_input_in_indonesian_and_saves_nothing(client_for) -> None:
    client = client_for(make_user(Role.HELPDESK))
    response = client.post("/helpdesk/desk/new/", {
        "channel": "phone", "requester_type": "vendor", "requester_name": "Ade",
        "account": "tidak.ada", "category": "account", "priority": "normal",
        "subject": "", "description": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tidak ada akun aktif dengan ID pengguna atau e-mail ini." in page
    assert not Ticket.objects.exists()


def test_public_form_refuses_robots(client_for) -> None:
    response = client_for(None).post("/helpdesk/new/", {
        "requester_name": "Bot", "requester_email": "bot@x.test", "requester_type": "public",
        "category": "other", "subject": "Promo", "description": "Beli", "website": "spam"})
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_report_page_and_csv(client_for) -> None:
    officer = make_user(Role.HELPDESK)
    phone_ticket(officer, answer="Sudah dijawab.")
    head = client_for(make_user(Role.HEAD))
    page = head.get("/helpdesk/reports/")
    assert page.status_code == 200
    assert 'id="helpdesk-chart-data"' in page.content.decode()
    assert page.context["report"].total == 1
    bad = head.get("/helpdesk/reports/?start=2026-12-31&end=2026-01-01")
    assert "Tanggal awal tidak boleh setelah tanggal akhir." in bad.content.decode()
    csv = head.get("/helpdesk/reports/tickets.csv")
    assert csv["Content-Type"] == "text/csv"
    assert csv.content.decode().count("\n") == 2


def test_desk_actions_report_errors_as_messages(client_for) -> None:
    officer = make_user(Role.HELPDESK)
    ticket = phone_ticket(officer)
    client = client_for(officer)
    response = client.post(f"/helpdesk/desk/{ticket.pk}/resolve/", follow=True)
    assert "Jawab pemohon sebelum menyelesaikan tiket." in response.content.decode()
    response = client.post(f"/helpdesk/desk/{ticket.pk}/merge/", {"into": "HD-1999-00001"},
                           follow=True)
    assert "Tidak ada tiket dengan nomor ini." in response.content.decode()
    assert client.post(f"/helpdesk/desk/{ticket.pk}/nonsense/").status_code == 404


def test_english_is_available(client_for) -> None:
    client = client_for(None)
    client.cookies["lpse_language"] = "en"
    assert "Ask the helpdesk" in client.get("/helpdesk/").content.decode()


def test_a_logged_in_requester_keeps_the_attachment_when_the_form_is_refused(
        client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    vendor = client_for(make_user(Role.VENDOR))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    refused = vendor.post("/helpdesk/new/", {
        "category": "bid_upload", "subject": "", "description": "Unggah gagal",
        "attachment": SimpleUploadedFile("layar.png", png)})
    assert refused.status_code == 200
    assert "layar.png" in refused.content.decode()
    held = refused.context["form"]["attachment__held"].value()
    done = vendor.post("/helpdesk/new/", {
        "category": "bid_upload", "subject": "Unggah gagal", "description": "Unggah gagal",
        "attachment__held": held})
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert [a.file.original_name for a in ticket.attachments.all()] == ["layar.png"]
    # An anonymous requester's refused form keeps nothing (no held reference).
    anonymous = client_for(None).post("/helpdesk/new/", {
        "requester_name": "Ade", "requester_email": "", "requester_type": "public",
        "category": "other", "subject": "x", "description": "y",
        "attachment": SimpleUploadedFile("layar.png", png)})
    assert "attachment__held" not in anonymous.content.decode()


def test_knowledge_base_and_canned_reply_lists_show_times_in_wib(client_for) -> None:
    from lpse.core.templatetags.lpse import wib
    from lpse.helpdesk import services

    officer = make_user(Role.HELPDESK)
    article = services.article_save(actor=officer, article=None, title="Lupa kata sandi",
                                    category="account", body="Gunakan tautan lupa kata sandi.")
    canned = services.canned_response_save(actor=officer, response=None, title="Salam",
                                           body="Terima kasih telah menghubungi kami.")
    client = client_for(officer)
    for url, moment in (("/helpdesk/kb/manage/", article.updated_at),
                        ("/helpdesk/desk/canned/", canned.updated_at)):
        html = client.get(url).content.decode()
        assert wib(moment) in html, url  # e.g. 27-11-2026 03:27 WIB


def test_each_lkpp_escalation_has_its_own_field_ids(client_for) -> None:
    import re

    from lpse.helpdesk import services

    officer = make_user(Role.HELPDESK)
    ticket = phone_ticket(officer)
    for n in (1, 2):
        services.ticket_escalate_lkpp(actor=officer, ticket=ticket, reference=f"LKPP-{n}",
                                      summary="Diteruskan")
    html = client_for(officer).get(f"/helpdesk/desk/{ticket.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert len(re.findall(r'<label class="form-label" for="lkpp-\d+-status"', html)) == 2
