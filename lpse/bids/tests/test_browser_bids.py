"""Browser walks (real Chromium, Indonesian UI):

1. A vendor uploads a sealed bid → gets the signed receipt → verifies it on the public page;
   after the deadline two of three committee members unlock their shares in their own
   sessions → the bids are decrypted and checked → minutes of opening; the opened document
   is readable by the committee.
2. A bid file that cannot be opened (regulation Lampiran III 3.1–3.2): the committee files
   the request → an LPSE administrator runs the diagnostics, records the finding, issues
   the witness minutes and forwards the case to LKPP.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lpse.bids.models import Bid, BidFile, BidSegment, Opening, UnopenableCase
from lpse.bids.tests.factories import (
    in_opening,
    in_upload,
    open_envelope,
    passphrase_of,
    pdf_bytes,
    sealed_tender,
    upload_bid,
)
from lpse.core.testing.fixtures import browser_login
from lpse.tenders.tests.factories import join, make_vendor

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


def test_upload_receipt_opening_by_k_members_minutes(new_page: Any, clock: Any,
                                                     tmp_path: Path, settings: Any) -> None:
    settings.BIDS_SEGMENT_BYTES = 64 * 1024  # several segments per file, as a large bid has
    tender = sealed_tender()
    vendor = make_vendor("CV Mitra Karya")
    join(tender, vendor)
    clock.move_to(in_upload(tender))
    document = pdf_bytes("surat penawaran", author="Budi", size=150_000)
    technical = tmp_path / "penawaran-teknis.pdf"
    technical.write_bytes(document)

    page = new_page()
    browser_login(page, vendor.account.username)
    page.goto(f"/tenders/{tender.code}/")
    page.get_by_test_id("bid-link").click()
    expect(page.get_by_role("heading", name="Kirim penawaran")).to_be_visible()
    expect(page.get_by_test_id("countdown")).to_contain_text("lagi")
    page.get_by_label("Penawaran (administrasi, teknis, dan harga)").set_input_files(
        str(technical))
    page.get_by_label("Harga penawaran (Rp), disegel bersama penawaran").fill("875.000.000")
    page.get_by_role("button", name="Unggah dan kirim penawaran").click()
    expect(page.get_by_test_id("current-bid")).to_contain_text(
        "Penawaran Anda telah diterima dan disegel", timeout=30_000)
    bid = Bid.objects.get(status=Bid.Status.SUBMITTED)
    assert bid.files.get().segments.count() == 3
    expect(page.get_by_test_id("audit-seq")).to_have_text(str(bid.receipt.audit_seq))
    # The signed receipt, as the vendor downloads it, checked on the public page.
    receipt = page.request.get(page.get_by_test_id("receipt-json").get_attribute("href"))
    saved = tmp_path / "bukti.json"
    saved.write_bytes(receipt.body())
    page.goto("/bids/receipts/verify/")
    page.get_by_label("Bukti penerimaan (file JSON)").set_input_files(str(saved))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Sah")
    expect(page.get_by_test_id("verify-result")).to_contain_text("identik")

    # After the deadline, in the opening stage: two of the three members, each in their own
    # browser session.
    clock.move_to(in_opening(tender))
    chair, secretary, _member = tender.committee.member_users()
    first = new_page()
    browser_login(first, chair.username)
    first.goto(f"/tenders/workspace/{tender.pk}/")
    first.get_by_test_id("opening-link").click()
    first.get_by_test_id("passphrase-1").fill(passphrase_of(chair))
    first.get_by_role("button", name="Buka bagian kunci saya").click()
    expect(first.get_by_text("Bagian kunci Anda telah dibuka (1 dari 2)")).to_be_visible()
    assert Opening.objects.get().status == Opening.Status.COLLECTING

    second = new_page()
    browser_login(second, secretary.username)
    second.goto(f"/bids/opening/{tender.pk}/")
    second.get_by_label("Frasa sandi pembukaan Anda").fill(passphrase_of(secretary))
    second.get_by_role("button", name="Buka bagian kunci saya").click()
    expect(second.get_by_test_id("opened-1")).to_contain_text("Dibuka dan diperiksa",
                                                             timeout=30_000)
    table = second.get_by_test_id("bids-table")
    expect(table).to_contain_text("CV Mitra Karya")
    expect(table).to_contain_text("Dibuka, sesuai bukti penerimaan")
    expect(table).to_contain_text("875.000.000")
    # The minutes of opening (PDF) and the opened document, decrypted when served.
    minutes = second.request.get(second.get_by_test_id("minutes-1").get_attribute("href"))
    assert minutes.ok
    assert minutes.body().startswith(b"%PDF")
    opened = second.request.get(table.get_by_role("link", name="penawaran-teknis.pdf")
                                .get_attribute("href"))
    assert opened.body() == document
    first.reload()
    expect(first.get_by_test_id("opened-1")).to_be_visible()


def test_unopenable_file_case(new_page: Any, clock: Any, settings: Any,
                              users_by_role: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    bid = upload_bid(tender, make_vendor("PT Tatar Bangun"),
                     files={"dokumen-rusak.pdf": pdf_bytes(size=80_000)}).bid
    segment = BidSegment.objects.get(file__bid=bid)
    path = Path(settings.MEDIA_ROOT, segment.storage_name)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x20
    path.write_bytes(bytes(damaged))
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    assert BidFile.objects.get().open_status == BidFile.OpenStatus.FAILED

    # Step 1: the committee files its request with the file.
    chair = tender.committee.member_users()[0]
    committee = new_page()
    browser_login(committee, chair.username)
    committee.goto(f"/bids/opening/{tender.pk}/")
    expect(committee.get_by_test_id("unresolved")).to_be_visible()
    expect(committee.get_by_test_id("bids-table")).to_contain_text("Tidak dapat dibuka")
    committee.get_by_test_id("case-new-1").click()
    committee.get_by_label("Apa yang terjadi ketika Pokja membuka file").fill(
        "Sistem menyatakan autentikasi segmen gagal; dokumen tidak dapat dibaca.")
    committee.get_by_role("button", name="Kirim permohonan ke LPSE").click()
    expect(committee.get_by_test_id("case-status")).to_have_text("Diajukan oleh Pokja")
    case = UnopenableCase.objects.get()

    # Step 2: an LPSE administrator examines it with the system's diagnostics.
    admin = new_page()
    browser_login(admin, users_by_role["appadmin"].username)
    admin.goto("/bids/cases/")
    admin.locator(f'table a[href="/bids/cases/{case.pk}/"]').click()
    admin.get_by_role("button", name="Mulai pemeriksaan (jalankan diagnostik)").click()
    diagnostics = admin.get_by_test_id("diagnostics")
    expect(diagnostics).to_contain_text("dokumen-rusak.pdf")
    expect(diagnostics).to_contain_text("autentikasi gagal")
    admin.get_by_label("File tidak dapat dibuka").check()
    admin.get_by_label("Temuan").fill("Ciphertext segmen 1 berubah setelah diterima; "
                                      "autentikasi gagal sehingga dokumen tidak dapat dibuka.")
    admin.get_by_role("button", name="Catat hasil").click()
    expect(admin.get_by_test_id("case-outcome")).to_contain_text("File tidak dapat dibuka")
    # The LPSE witnesses (Pasal 9 (2)) and forwards to LKPP (step 3).
    admin.get_by_role("button", name="Terbitkan Berita Acara Kesaksian").click()
    expect(admin.get_by_test_id("witness-minutes")).to_be_visible()
    admin.get_by_role("button", name="Siapkan paket untuk LKPP").click()
    admin.get_by_role("button", name="Kirim ke LKPP").click()
    expect(admin.get_by_test_id("case-status")).to_have_text("Diteruskan ke LKPP")
    minutes = admin.request.get(admin.get_by_test_id("witness-minutes").get_attribute("href"))
    assert minutes.body().startswith(b"%PDF")

    # The committee sees the statement; the evaluation may now begin.
    committee.goto(f"/bids/opening/{tender.pk}/")
    expect(committee.get_by_test_id("unresolved")).to_have_count(0)
    expect(committee.get_by_role("link", name=re.compile("Kasus #"))).to_be_visible()
