"""Browser walks of the helpdesk procedure (Lampiran II 2.1–2.2): a phone request logged,
answered and resolved; a public web request with article suggestions, answered and rated
through the signed link; an upload problem (Lampiran III 3.7) diagnosed without a password."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.fixtures import browser_login
from lpse.helpdesk.models import CannedResponse, Ticket, TicketEvent
from lpse.helpdesk.services import article_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_request_logged_answered_and_resolved(new_page, smtp) -> None:
    make_user(Role.HELPDESK, username="siti", full_name="Siti Nurhaliza")
    make_user(Role.VENDOR, username="cv.mitra", email="ade@mitra.test",
              full_name="Ade Sutisna")
    CannedResponse.objects.create(
        title="Cek folder spam",
        body="E-mail aktivasi kadang masuk ke folder spam. Silakan periksa folder tersebut.")

    desk = new_page()
    browser_login(desk, "siti")
    desk.goto("/helpdesk/desk/new/")
    opened = time.monotonic()
    desk.get_by_label("Telepon", exact=True).check()
    desk.get_by_label("Jenis pemohon").select_option(label="Penyedia")
    desk.get_by_label("Kategori").select_option(label="Pendaftaran")
    desk.get_by_label("Nama pemohon").fill("Ade Sutisna")
    desk.get_by_label("Nomor telepon").fill("0812-2000-1000")
    desk.get_by_label("Akun (ID pengguna atau e-mail)").fill("cv.mitra")
    desk.get_by_label("Perihal").fill("Belum menerima e-mail aktivasi")
    desk.get_by_label("Pertanyaan atau masalah").fill("Sudah mendaftar kemarin sore.")
    desk.get_by_role("button", name="Catat", exact=True).click()
    desk.wait_for_url(re.compile(r"/helpdesk/desk/\d+/$"))
    expect(desk.get_by_test_id("ticket-status")).to_have_text("Baru")
    # Only the required fields and a few optional ones: well under a minute.
    assert time.monotonic() - opened < 60
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.PHONE
    assert ticket.requester.username == "cv.mitra"

    # The officer inserts a canned answer (htmx), and resolves the ticket with it.
    desk.get_by_label("Sisipkan jawaban siap pakai").select_option(label="Cek folder spam")
    expect(desk.get_by_label("Jawaban kepada pemohon")).to_have_value(re.compile("folder spam"))
    desk.get_by_label("Jawaban kepada pemohon").press("End")
    desk.get_by_label("Jawaban kepada pemohon").type(" Akun Anda juga sudah kami cek.")
    desk.get_by_label("Selesaikan tiket").check()
    desk.get_by_role("button", name="Kirim jawaban").click()
    expect(desk.get_by_test_id("ticket-status")).to_have_text("Selesai")
    expect(desk.get_by_test_id("message-reply")).to_contain_text("sudah kami cek")

    # The answer reached the requester by e-mail, with the link to the ticket.
    reply = smtp.to("ade@mitra.test")[-1]
    assert ticket.number in reply["Subject"]
    assert "folder spam" in smtp.body(reply)
    link = smtp.last_link("ade@mitra.test", f"/helpdesk/my/{ticket.pk}/")

    vendor = new_page()
    browser_login(vendor, "cv.mitra")
    vendor.goto(link)
    expect(vendor.get_by_text("sudah kami cek")).to_be_visible()
    vendor.get_by_label("5 – sangat puas").check()
    vendor.get_by_role("button", name="Kirim penilaian").click()
    expect(vendor.get_by_test_id("ticket-status")).to_have_text("Ditutup")
    ticket.refresh_from_db()
    assert ticket.rating == 5
    steps = list(ticket.events.values_list("action", flat=True))
    assert steps == [TicketEvent.Action.CREATED, TicketEvent.Action.REPLIED,
                     TicketEvent.Action.RESOLVED, TicketEvent.Action.RATED]
    assert ticket.events.get(action="created").actor.username == "siti"


def test_public_web_request_with_suggestions_answered_through_the_signed_link(
        new_page, smtp) -> None:
    officer = make_user(Role.HELPDESK, username="siti", full_name="Siti Nurhaliza")
    article_save(actor=officer, article=None, title="Lupa kata sandi akun penyedia",
                 category=Ticket.Category.ACCOUNT, keywords="password sandi login",
                 body="Gunakan menu Lupa kata sandi di halaman masuk.")

    public = new_page()
    public.goto("/helpdesk/new/")
    public.get_by_label("Nama Anda").fill("Budi Santoso")
    public.get_by_label("E-mail Anda").fill("budi@contoh.test")
    public.get_by_label("Kategori").select_option(label="Akun")
    public.get_by_label("Perihal").fill("Lupa password")
    # The knowledge base suggests an article while the requester types.
    expect(public.get_by_role("link", name="Lupa kata sandi akun penyedia")).to_be_visible()
    public.get_by_label("Pertanyaan atau masalah Anda").fill(
        "Link reset tidak pernah sampai ke e-mail saya.")
    public.get_by_role("button", name="Kirim permintaan").click()
    public.wait_for_url(re.compile(r"/helpdesk/t/"))
    expect(public.get_by_test_id("ticket-status")).to_have_text("Baru")
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.WEB_PUBLIC
    link = smtp.last_link("budi@contoh.test", "/helpdesk/t/")

    desk = new_page()
    browser_login(desk, "siti")
    desk.goto("/helpdesk/desk/")
    desk.get_by_role("link", name=ticket.number).click()
    desk.get_by_label("Jawaban kepada pemohon").fill("Alamat e-mail akun Anda berbeda. "
                                                     "Kirimkan alamat e-mail perusahaan.")
    desk.get_by_label("Tunggu jawaban pemohon (waktu layanan dihentikan sementara)").check()
    desk.get_by_role("button", name="Kirim jawaban").click()
    expect(desk.get_by_test_id("ticket-status")).to_have_text("Menunggu pemohon")

    public.goto(link)
    expect(public.get_by_text("Kirimkan alamat e-mail perusahaan")).to_be_visible()
    public.get_by_label("Pesan Anda").fill("E-mail perusahaan kami: admin@budi.test")
    public.get_by_role("button", name="Kirim pesan").click()
    expect(public.get_by_test_id("ticket-status")).to_have_text("Sedang ditangani")

    desk.reload()
    expect(desk.get_by_text("admin@budi.test")).to_be_visible()
    desk.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(desk.get_by_test_id("ticket-status")).to_have_text("Selesai")

    public.goto(smtp.last_link("budi@contoh.test", "/helpdesk/t/"))
    public.get_by_label("4 – puas").check()
    public.get_by_role("button", name="Kirim penilaian").click()
    expect(public.get_by_test_id("ticket-status")).to_have_text("Ditutup")


def test_upload_problem_diagnosed_and_vendor_told_to_retry(new_page, smtp) -> None:
    """Procedure 3.7 without a password: the vendor reports, the officer runs the system's
    diagnostics (the failed attempt is listed), answers "no fault, please retry", and the
    vendor reads the answer."""
    from datetime import timedelta

    from django.utils import timezone

    from lpse.bids.models import UploadAttempt
    from lpse.helpdesk.models import DiagnosticsRun
    from lpse.helpdesk.tests.factories import running_tender
    from lpse.tenders.tests.factories import make_vendor

    make_user(Role.HELPDESK, username="siti", full_name="Siti Nurhaliza")
    make_user(Role.APPADMIN, username="rudi", full_name="Rudi Hartono")
    account = make_user(Role.VENDOR, username="cv.mitra", email="ade@mitra.test",
                        full_name="Ade Sutisna")
    vendor = make_vendor("CV Mitra Jaya", user=account)
    tender = running_tender()
    UploadAttempt.objects.create(
        started_at=timezone.now() - timedelta(minutes=12), finished_at=timezone.now(),
        user=account, vendor=vendor, tender=tender, action=UploadAttempt.Action.SEGMENT,
        file_name="penawaran.pdf", segment_index=2, bytes_expected=8 * 1024 * 1024,
        stage=UploadAttempt.Stage.TRANSFER, code="disconnected",
        message="The connection was interrupted during the upload.", client_ip="10.1.2.3")

    # The vendor reports the problem from their account (step 1).
    page = new_page()
    browser_login(page, "cv.mitra")
    page.goto("/helpdesk/new/")
    page.get_by_label("Kategori").select_option(label="Unggah penawaran")
    page.get_by_label("Perihal").fill("Unggahan penawaran gagal")
    page.get_by_label("Pertanyaan atau masalah Anda").fill("Unggahan berhenti di tengah.")
    page.get_by_label("Kode tender").fill(tender.code)
    page.get_by_role("button", name="Kirim permintaan").click()
    page.wait_for_url(re.compile(r"/helpdesk/my/\d+/$"))
    ticket = Ticket.objects.get()
    assert ticket.vendor == vendor
    assert ticket.category == Ticket.Category.BID_UPLOAD

    # The helpdesk receives it; the forensic test is the administrators' (steps 2–4).
    helpdesk = new_page()
    browser_login(helpdesk, "siti")
    helpdesk.goto(f"/helpdesk/desk/{ticket.pk}/")
    expect(helpdesk.get_by_test_id("upload-problem")).to_contain_text(
        "Administrator sistem atau administrator aplikasi menjalankan diagnostik")
    expect(helpdesk.get_by_role("button", name="Jalankan diagnostik")).to_have_count(0)

    # The application administrator runs the diagnostics (step 2): the failed transfer.
    desk = new_page()
    browser_login(desk, "rudi")
    desk.goto(f"/helpdesk/desk/{ticket.pk}/")
    desk.get_by_role("button", name="Jalankan diagnostik").click()
    desk.wait_for_url(re.compile(r"/helpdesk/desk/diagnostics/\d+/$"))
    expect(desk.get_by_test_id("diag-vendor")).to_have_text("CV Mitra Jaya")
    expect(desk.get_by_test_id("diag-failed")).to_have_text("1")
    expect(desk.get_by_test_id("diag-attempts")).to_contain_text("disconnected")
    # No fault in the system: the vendor is asked to retry (step 3).
    retry = desk.locator("form", has=desk.get_by_role("button", name="Kirim dan selesaikan"))
    retry.get_by_label("Hasil diagnostik").fill("Koneksi penyedia terputus; server normal.")
    retry.get_by_label("Pesan kepada penyedia").fill(
        "Tidak ada gangguan pada sistem. Silakan unggah ulang penawaran Anda.")
    retry.get_by_role("button", name="Kirim dan selesaikan").click()
    expect(desk.get_by_test_id("diag-outcome")).to_contain_text("silakan coba lagi")
    expect(desk.get_by_test_id("diag-duration")).to_contain_text("standar 15–30 menit")
    run = DiagnosticsRun.objects.get()
    assert run.outcome == DiagnosticsRun.Outcome.RETRY
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED

    # The answer was e-mailed, and the vendor reads it on the ticket page.
    mail = smtp.to("ade@mitra.test")[-1]
    assert "Silakan unggah ulang" in smtp.body(mail)
    page.goto(f"/helpdesk/my/{ticket.pk}/")
    expect(page.get_by_text("Silakan unggah ulang penawaran Anda.")).to_be_visible()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Selesai")
