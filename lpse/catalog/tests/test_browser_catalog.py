"""Browser walks: the application administrator publishes news and edits master data.

Lampiran 5 (items 6–11) asks that news, the price index, the catalogue, goods categories and
business fields are maintained; the product keeps every change as a version (who, when, what).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.verify import verify_chain
from lpse.catalog import selectors
from lpse.catalog.codes import CategoryCode, MethodCode
from lpse.catalog.models import NewsArticle
from lpse.core.testing.fixtures import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_publishes_news_and_the_public_sees_it(new_page) -> None:
    make_user(Role.APPADMIN, username="appadmin", full_name="Rina Admin Aplikasi")
    page = new_page()
    browser_login(page, "appadmin")

    page.goto("/catalog/manage/")
    page.get_by_role("link", name="Berita", exact=True).click()
    page.get_by_role("link", name="Baru").click()
    page.get_by_label("Judul").fill("Jadwal Pelatihan Penyedia Desember")
    page.get_by_label("Ringkasan").fill("Pelatihan SPSE untuk penyedia setiap Rabu dan Kamis.")
    page.get_by_label("Isi").fill("Pelatihan dimulai pukul 09.00 WIB.\n\nPeserta membawa laptop.")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Draf telah disimpan")).to_be_visible()

    # Not public while it is a draft.
    visitor = new_page()
    visitor.goto("/catalog/news/")
    expect(visitor.get_by_text("Jadwal Pelatihan Penyedia Desember")).to_have_count(0)

    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Berita telah diterbitkan.")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Publik")
    history = page.locator("#history")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").first).to_contain_text("Diterbitkan")
    expect(history.locator("tbody tr").first).to_contain_text("Rina Admin Aplikasi")

    # The public home page lists it in the latest news; the article page shows it.
    visitor.goto("/")
    panel = visitor.locator("section", has=visitor.get_by_role("heading", name="Berita Terbaru"))
    panel.get_by_role("link", name="Jadwal Pelatihan Penyedia Desember").click()
    expect(visitor.locator("h1")).to_have_text("Jadwal Pelatihan Penyedia Desember")
    expect(visitor.get_by_text("Peserta membawa laptop.")).to_be_visible()
    feed = visitor.request.get("/catalog/news/feed/")
    assert "Jadwal Pelatihan Penyedia Desember" in feed.text()

    article = NewsArticle.objects.get()
    assert article.author is not None
    assert article.author.username == "appadmin"
    assert verify_chain().ok


def test_admin_edits_a_selection_method_and_sees_the_history(new_page) -> None:
    make_user(Role.APPADMIN, username="appadmin", full_name="Rina Admin Aplikasi")
    page = new_page()
    browser_login(page, "appadmin")

    page.goto("/catalog/manage/")
    page.get_by_role("link", name="Metode Pemilihan").click()
    page.get_by_role("link", name="tender_cepat").click()
    page.get_by_role("link", name="Ubah").click()
    expect(page.get_by_label("Kode")).to_be_disabled()
    page.get_by_label("Nama (bahasa Indonesia)").fill("Tender Cepat (Penyedia Terkualifikasi)")
    page.get_by_label("Pekerjaan Konstruksi").uncheck()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Data telah disimpan.")).to_be_visible()

    latest = page.locator("#history tbody tr").first
    expect(latest).to_contain_text("Diubah")
    expect(latest).to_contain_text("Rina Admin Aplikasi")
    expect(latest.locator("del").first).to_have_text("Tender Cepat")
    expect(latest.locator("ins").first).to_have_text("Tender Cepat (Penyedia Terkualifikasi)")
    expect(latest).to_contain_text("konstruksi")
    expect(page.locator("#history tbody tr")).to_have_count(2)  # the seed is version 1

    # Deactivate it: it is no longer offered for new construction or goods packages.
    page.get_by_role("button", name="Nonaktifkan").click()
    expect(page.get_by_text("Data telah dinonaktifkan.")).to_be_visible()
    expect(page.locator("#history tbody tr").first).to_contain_text("Dinonaktifkan")
    assert MethodCode.QUICK_TENDER not in {
        m.code for m in selectors.active_methods_for(CategoryCode.GOODS)}

    # A category in use cannot be deleted: no delete button, the page says why.
    page.goto("/catalog/manage/master/categories/")
    page.get_by_role("link", name="konstruksi").click()
    expect(page.get_by_role("button", name="Hapus")).to_have_count(0)
    expect(page.get_by_text(re.compile("sedang digunakan"))).to_be_visible()
    assert verify_chain().ok
