"""Browser walk of procedure 1.2 (Lampiran I): from the company e-mail to the first login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.verify import verify_chain
from lpse.catalog.models import BusinessField
from lpse.core.testing.fixtures import browser_login
from lpse.vendors.models import ProcedureStep, Vendor
from lpse.vendors.tests.factories import PDF_BYTES, valid_nik, valid_npwp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "direktur@cahaya-sumedang.test"
PASSWORD = "Rekanan-Jatigede-8841!"


def test_procedure_1_2_from_the_email_to_the_first_login(new_page, smtp, tmp_path):
    verifier = make_user(Role.VERIFIER, full_name="Dedi Kurniawan")
    field = BusinessField.objects.get(code="42101")
    scan = tmp_path / "ktp.pdf"
    scan.write_bytes(PDF_BYTES)

    # Steps 1–2: the vendor opens the portal and enters the company e-mail.
    vendor_page = new_page()
    vendor_page.goto("/")
    vendor_page.get_by_role("link", name="Daftar sebagai penyedia").click()
    vendor_page.get_by_label("E-mail perusahaan").fill(EMAIL)
    vendor_page.get_by_role("button", name="Kirim tautan pendaftaran").click()
    expect(vendor_page.get_by_role("heading", name="Periksa kotak surat Anda")).to_be_visible()

    # Steps 3–4: the reply e-mail holds the link to the online form.
    link = smtp.last_link(EMAIL, "/vendors/register/")
    vendor_page.goto(link)
    expect(vendor_page.get_by_text(EMAIL)).to_be_visible()
    form = vendor_page
    form.get_by_label("Bentuk usaha").select_option(label="CV")
    form.get_by_label("Nama perusahaan").fill("Cahaya Sumedang Mandiri")
    form.locator('[name="npwp"]').fill("01.234.567.9-123.000")  # wrong check digit
    form.locator('[name="nib"]').fill("9120123456789")
    form.locator('[name="address"]').fill("Jl. Prabu Gajah Agung No. 8")
    form.get_by_label("Kabupaten/kota").fill("Sumedang")
    form.get_by_label("Kode pos").fill("45323")
    form.get_by_label("Telepon").fill("0261 201777")
    form.get_by_label("Nama direktur").fill("Hj. Neneng Sulastri")
    form.get_by_label("NIK direktur").fill(valid_nik(77))
    form.get_by_label("Akta pendirian: nomor").fill("21")
    form.get_by_label("Akta pendirian: tanggal").fill("2016-05-12")
    form.get_by_label("Akta pendirian: notaris").fill("Rd. Hendi Suhendi, S.H., M.Kn.")
    form.locator('[name="licences-0-kind"]').select_option("siujk")
    form.locator('[name="licences-0-number"]').fill("1-3211-2-00777")
    form.locator('[name="licences-0-issued_by"]').fill("DPMPTSP Kabupaten Sumedang")
    form.locator('[name="licences-0-valid_until"]').fill("2028-12-31")
    form.locator('[name="licences-0-business_fields"]').select_option(str(field.pk))
    form.get_by_label("ID Pengguna").fill("cahaya.sumedang")
    form.get_by_label("Pindaian: KTP direktur").set_input_files(str(scan))
    form.get_by_role("button", name="Daftar", exact=True).click()

    # A wrong NPWP is refused next to its field, in Indonesian; nothing is saved — and
    # nothing is lost: the attached scan is kept, the vendor does not choose it again.
    expect(form.get_by_text("Digit pemeriksa NPWP")).to_be_visible()
    assert not Vendor.objects.exists()
    expect(form.get_by_text("Terlampir: ktp.pdf")).to_be_visible()
    form.locator('[name="npwp"]').fill(valid_npwp(77))
    form.get_by_role("button", name="Daftar", exact=True).click()

    # Step 5–6: registered; the second e-mail gives the user ID and the form to print.
    expect(vendor_page.get_by_role("heading", name="Pendaftaran diterima")).to_be_visible()
    number = vendor_page.get_by_test_id("registration-number").inner_text()
    expect(vendor_page.get_by_test_id("user-id")).to_have_text("cahaya.sumedang")
    vendor = Vendor.objects.get()
    assert vendor.registration_number == number
    ktp = vendor.documents.select_related("file").get()
    assert (ktp.kind, ktp.file.original_name) == ("ktp", "ktp.pdf")
    assert vendor.status == Vendor.Status.PENDING
    second = smtp.to(EMAIL)[-1]
    assert "cahaya.sumedang" in smtp.body(second)
    assert [part.get_filename() for part in second.iter_attachments()] == [
        f"formulir-pendaftaran-{number}.pdf"]
    with vendor_page.expect_popup() as popup:
        vendor_page.get_by_role("link", name="Cetak formulir pendaftaran (PDF)").click()
    assert popup.value.url.endswith("/vendors/register/done/form.pdf")

    # Steps 8–9: at the desk, the verifier finds the file, opens it, checks, approves.
    desk = new_page()
    browser_login(desk, verifier.username)
    desk.goto("/vendors/queue/")
    desk.get_by_role("searchbox").fill(number)
    desk.get_by_role("button", name="Cari").click()
    desk.get_by_role("link", name=number).click()
    desk.get_by_role("button", name="Buka berkas (mulai layanan)").click()
    expect(desk.locator("#timer")).to_be_visible()
    for checkbox in desk.locator('input[type="checkbox"]').all():
        checkbox.check()
    desk.get_by_label("Setujui: dokumen lengkap dan sesuai").check()
    desk.get_by_role("button", name="Selesaikan dan terbitkan berita acara").click()
    expect(desk.get_by_text("Verifikasi selesai; berita acara telah diterbitkan")).to_be_visible()
    record_link = desk.get_by_role("link", name=re.compile(r"Berita acara verifikasi BAV"))
    expect(record_link).to_be_visible()

    # The vendor sets the password through the single-use link, then logs in.
    activation = smtp.last_link(EMAIL, "/accounts/password/set/")
    vendor_page.goto(activation)
    vendor_page.get_by_label(re.compile(r"^Kata sandi baru")).fill(PASSWORD)
    vendor_page.get_by_label("Ulangi kata sandi baru").fill(PASSWORD)
    vendor_page.get_by_role("button", name=re.compile("Atur kata sandi|Simpan")).click()
    vendor_page.wait_for_url(re.compile(r"/accounts/login/"))
    vendor_page.get_by_label("ID Pengguna atau e-mail").fill("cahaya.sumedang")
    vendor_page.get_by_label("Kata sandi").fill(PASSWORD)
    vendor_page.get_by_role("button", name="Masuk").click()
    vendor_page.goto("/vendors/me/")
    expect(vendor_page.get_by_text("Perusahaan telah diverifikasi dan dapat mengikuti tender."))\
        .to_be_visible()
    expect(vendor_page.get_by_text("42101")).to_be_visible()

    # Every step of the table was recorded, with its actor and times.
    steps = {s.step: s for s in ProcedureStep.objects.filter(vendor=vendor, procedure="1.2")}
    assert sorted(steps) == list(range(1, 10))
    assert steps[9].actor == verifier
    assert all(s.finished_at is not None for s in steps.values())
    assert verify_chain().ok
