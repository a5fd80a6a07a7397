"""Browser walks: first administrator → two-factor → agency → agency admin → PPK; lockout."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from lpse.accounts.models import User
from lpse.accounts.services import bootstrap_admin_create
from lpse.audit.verify import verify_chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Admin-Sumedang-2026!"


def _code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key):06d}"


def _enrol_two_factor(page) -> None:
    """On the set-up page: read the key, type the current code, keep the backup codes."""
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Kode").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Konfirmasi").click()
    codes = page.get_by_test_id("backup-codes").inner_text().split()
    assert len(codes) == 10
    page.get_by_role("link", name=re.compile("lanjutkan", re.I)).click()


def _login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ID Pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_admin_enrols_two_factor_creates_agency_admin_who_creates_ppk(new_page, smtp) -> None:
    bootstrap_admin_create(username="admin", email="admin@lpse.test", password=PASSWORD,
                           full_name="Administrator LPSE")
    page = new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    _login(page, "admin", PASSWORD)
    _enrol_two_factor(page)
    page.wait_for_url(re.compile(r"/dashboard/"))

    # The administrator creates an agency…
    page.goto("/accounts/agencies/new/")
    page.get_by_label("Kode").fill("DPUTR")
    page.get_by_label("Nama").fill("Dinas Pekerjaan Umum dan Penataan Ruang")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/accounts/agencies/\d+/"))

    # …and its agency administrator.
    page.goto("/accounts/users/new/")
    page.get_by_label("ID Pengguna").fill("admin.dputr")
    page.get_by_label("Nama lengkap").fill("Hendra Gunawan")
    page.get_by_label("E-mail").fill("hendra@dputr.test")
    page.get_by_label("NIP").fill("198612012010011005")
    page.get_by_label("Admin Agency").check()
    page.get_by_label("Instansi").select_option(label="Dinas Pekerjaan Umum dan Penataan Ruang")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/accounts/users/\d+/"))

    # The agency admin sets a password from the e-mailed single-use link.
    link = smtp.last_link("hendra@dputr.test", "/accounts/password/set/")
    agency_page = new_page()
    agency_page.goto(link)
    agency_page.get_by_label(re.compile(r"^Kata sandi baru")).fill("Sumedang-Kuat-8842!")
    agency_page.get_by_label("Ulangi kata sandi baru").fill("Sumedang-Kuat-8842!")
    agency_page.get_by_role("button", name=re.compile("Atur kata sandi|Simpan")).click()
    agency_page.wait_for_url(re.compile(r"/accounts/login/"))

    # The link cannot be used twice.
    reuse = new_page()
    reuse.goto(link)
    assert reuse.get_by_role("heading", name=re.compile("tidak berlaku", re.I)).is_visible()

    _login(agency_page, "admin.dputr", "Sumedang-Kuat-8842!")
    _enrol_two_factor(agency_page)
    agency_page.goto("/accounts/users/new/")
    # An agency admin may only grant agency roles, for its own agency.
    assert agency_page.get_by_label("Admin Agency").count() == 0
    agency_page.get_by_label("ID Pengguna").fill("ppk.dputr")
    agency_page.get_by_label("Nama lengkap").fill("Agus Setiawan")
    agency_page.get_by_label("E-mail").fill("agus@dputr.test")
    agency_page.get_by_label("NIP").fill("197808212005011004")
    agency_page.get_by_label("Pejabat Pembuat Komitmen (PPK)").check()
    agency_page.get_by_role("button", name="Simpan").click()
    agency_page.wait_for_url(re.compile(r"/accounts/users/\d+/"))

    ppk = User.objects.get(username="ppk.dputr")
    assert ppk.agency is not None
    assert ppk.agency.code == "DPUTR"
    assert {r.value for r in ppk.role_set} == {"ppk"}
    assert smtp.to("agus@dputr.test")
    assert verify_chain().ok


def test_wrong_codes_and_english_interface(new_page) -> None:
    bootstrap_admin_create(username="admin", email="admin@lpse.test", password=PASSWORD,
                           full_name="Administrator LPSE")
    page = new_page(locale="en-GB")
    page.goto("/")
    # Switch the interface to English with the language selector.
    page.get_by_label("Bahasa").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/accounts/login/")
    page.get_by_label("User ID or e-mail").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("The code is not correct").is_visible()
    # Until two-factor is done, every page leads back to the set-up.
    page.goto("/accounts/users/")
    assert "/accounts/2fa/setup/" in page.url


def test_lockout_after_five_failures(new_page) -> None:
    bootstrap_admin_create(username="admin", email="admin@lpse.test", password=PASSWORD,
                           full_name="Administrator LPSE")
    page = new_page()
    for _ in range(5):
        _login(page, "admin", "wrong-password")
    _login(page, "admin", PASSWORD)
    assert page.get_by_role("heading", name=re.compile("gagal", re.I)).is_visible()
    assert "/accounts/2fa/" not in page.url
