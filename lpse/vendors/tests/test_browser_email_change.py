"""Browser walk of procedure 3.4 (Lampiran III): change of the company e-mail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.fixtures import browser_login
from lpse.vendors.models import EmailChangeRequest, ProcedureStep
from lpse.vendors.tests.factories import PDF_BYTES, make_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "kantor@mitra-karya.test", "direksi@mitra-karya.test"


def test_procedure_3_4_email_change_by_vendor_verifier_and_administrator(
    new_page, smtp, tmp_path
):
    vendor_user = make_user(Role.VENDOR, username="cv.mitra.karya", email=OLD,
                            full_name="Ade Sutisna")
    vendor = make_vendor(user=vendor_user, email=OLD, name="Mitra Karya")
    verifier = make_user(Role.VERIFIER, full_name="Dedi Kurniawan")
    admin = make_user(Role.APPADMIN, full_name="Rina Marlina")
    letter = tmp_path / "surat-pernyataan.pdf"
    letter.write_bytes(PDF_BYTES)

    # Step 1: the vendor files the request with the signed statement letter.
    page = new_page()
    browser_login(page, vendor_user.username)
    page.goto("/vendors/me/")
    page.get_by_role("link", name="Ubah e-mail perusahaan").click()
    page.get_by_label("E-mail perusahaan yang baru").fill(NEW)
    page.get_by_label("Surat pernyataan yang ditandatangani").set_input_files(str(letter))
    page.get_by_role("button", name="Ajukan permohonan").click()
    expect(page.get_by_test_id("change-status")).to_have_text("Menunggu Verifikator")
    assert NEW in smtp.body(smtp.to(OLD)[-1])

    # Step 1 (cont.): the verifier checks the director's original KTP and the deed.
    desk = new_page()
    browser_login(desk, verifier.username)
    desk.goto("/vendors/email-changes/")
    change = EmailChangeRequest.objects.get()
    desk.get_by_role("link", name=str(change.pk), exact=True).click()
    desk.get_by_role("button", name="Mulai pemeriksaan").click()
    desk.get_by_label("Surat pernyataan ditandatangani oleh direktur").check()
    desk.get_by_label("KTP asli direktur diperlihatkan dan sesuai").check()
    desk.get_by_label("Akta perusahaan diperlihatkan dan sesuai").check()
    desk.get_by_role("button", name="Konfirmasi dan teruskan ke Administrator").click()
    expect(desk.get_by_test_id("change-status")).to_have_text("Menunggu Administrator")

    # Steps 2–3: the administrator receives the letter and changes the address.
    office = new_page()
    browser_login(office, admin.username)
    office.goto("/dashboard/")
    office.get_by_role("link", name=re.compile(NEW)).click()
    office.get_by_role("button", name="Terima surat pernyataan").click()
    office.get_by_role("button", name="Ubah e-mail").click()
    expect(office.get_by_test_id("change-status")).to_have_text("Diterapkan")
    expect(office.get_by_role("link", name=re.compile(r"^BAE"))).to_be_visible()

    # Both addresses are told; the vendor logs in with the new address.
    assert any("direksi@mitra-karya.test" in smtp.body(m) for m in smtp.to(OLD))
    assert smtp.to(NEW)
    vendor.refresh_from_db()
    assert vendor.email == vendor.account.email == NEW
    again = new_page()
    browser_login(again, NEW)
    again.goto("/vendors/me/")
    expect(again.get_by_text(NEW).first).to_be_visible()

    steps = ProcedureStep.objects.filter(email_change=change).order_by("started_at")
    assert [(s.step, s.actor_role) for s in steps] == [
        (1, "vendor"), (1, "verifier"), (2, "administrator"), (3, "administrator")]
    assert all(s.finished_at is not None for s in steps)
    assert steps[3].actor == admin
