"""QA fixes: vendors no longer eligible cannot bid, offer prices in Indonesian notation, the
receipt PDF and the verification page, the HPS filter of the public list."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.bids import pdfs, services
from lpse.bids.models import Bid
from lpse.bids.services.upload import UploadRefused, parse_amount
from lpse.bids.tests.factories import (
    committed,
    in_opening,
    in_upload,
    open_envelope,
    pdf_bytes,
    sealed_tender,
    send_file,
    upload_bid,
)
from lpse.core.calendar import localdate_wib
from lpse.core.numbers import parse_decimal_id
from lpse.core.templatetags.lpse import wib
from lpse.tenders.tests.factories import join, make_vendor
from lpse.vendors.models import BlacklistEntry, Vendor
from lpse.vendors.validators import normalise_npwp

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- 1. A vendor that may no longer take part cannot bid -------------------------------------


def test_vendor_awaiting_reverification_cannot_start_upload_or_submit(clock: Any,
                                                                        client_for: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    earlier = upload_bid(tender, vendor)  # submitted while still verified
    bid = services.bid_start(actor=vendor.account, tender=tender)
    send_file(bid, vendor.account, "penawaran.pdf", pdf_bytes())
    # The vendor adds a licence: its data await re-verification.
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.NEEDS_REVERIFICATION)

    with pytest.raises(UploadRefused) as refused:
        services.bid_start(actor=vendor.account, tender=tender)
    assert refused.value.error_code == "vendor_not_eligible"
    assert "re-verification" in refused.value.messages[0]
    with pytest.raises(UploadRefused):
        services.bid_file_declare(actor=vendor.account, bid=bid, name="lain.pdf", size=10,
                                  envelope=1)
    with pytest.raises(UploadRefused), committed():
        services.bid_submit(actor=vendor.account, bid=bid, offer_amount="800.000.000")
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT
    # The bid submitted before the change stays: judging it is the committee's evaluation.
    earlier.bid.refresh_from_db()
    assert earlier.bid.status == Bid.Status.SUBMITTED

    client = client_for(vendor.account)
    client.cookies["lpse_language"] = "en"
    page = client.get(f"/bids/tender/{tender.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="vendor-problem"' in html
    assert "waiting for re-verification" in html
    assert 'id="bid-upload"' not in html
    assert 'data-testid="current-bid"' in html
    # Over HTTP: a clear refusal, not a server error.
    start = client.post(f"/bids/tender/{tender.code}/upload/")
    assert start.status_code == 403
    assert start.json()["code"] == "vendor_not_eligible"
    submitted = client.post(f"/bids/upload/{bid.uuid}/submit/", {"offer_amount": "800.000.000"})
    assert submitted.status_code == 302
    assert "re-verification" in client.get(submitted["Location"]).content.decode()


def test_vendor_blacklisted_after_joining_cannot_bid(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    BlacklistEntry.objects.create(
        company_name=vendor.name, npwp=normalise_npwp(vendor.npwp), source_reference="SK 1/2026",
        starts_on=localdate_wib() - timedelta(days=400), created_by=make_user(Role.APPADMIN))
    with pytest.raises(UploadRefused) as refused:
        services.bid_start(actor=vendor.account, tender=tender)
    assert "blacklist" in refused.value.messages[0]
    assert services.participation_problem(make_vendor()) == ""


# --- 2. Offer price in Indonesian notation -------------------------------------------------


@pytest.mark.parametrize(("typed", "amount"), [
    ("3.200.000.000", Decimal("3200000000.00")),
    ("3.200.000.000,50", Decimal("3200000000.50")),
    ("Rp 3.200.000.000,00", Decimal("3200000000.00")),
    ("3200000000", Decimal("3200000000.00")),
    ("3200000000.5", Decimal("3200000000.50")),
    ("1.000", Decimal("1000.00")),
    ("875000000,25", Decimal("875000000.25")),
])
def test_offer_amount_in_indonesian_notation(typed: str, amount: Decimal) -> None:
    assert parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["3.200000000", "1.000.5", "12,345", "abc", "", "0",
                                   "3.200.000.00"])
def test_offer_amount_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_amount(typed)
    assert parse_decimal_id("3.20.000") is None


def test_offer_typed_with_dots_is_sealed_and_opened_as_that_amount(clock: Any,
                                                                   client_for: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    client = client_for(vendor.account)
    page = client.get(f"/bids/tender/{tender.code}/").content.decode()
    assert re.search(r'<input[^>]*type="text"[^>]*id="offer-amount"[^>]*inputmode="decimal"',
                     page)
    assert 'data-testid="offer-amount-shown"' in page
    bid = services.bid_start(actor=vendor.account, tender=tender)
    send_file(bid, vendor.account, "penawaran.pdf", pdf_bytes())
    with committed():
        response = client.post(f"/bids/upload/{bid.uuid}/submit/",
                               json.dumps({"offer_amount": "3.200.000.000"}),
                               content_type="application/json",
                               headers={"Accept": "application/json"})
    assert response.status_code == 200, response.content
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    bid.refresh_from_db()
    assert bid.offer_amount == Decimal("3200000000.00")


# --- 3. The receipt PDF ----------------------------------------------------------------------


def test_receipt_pdf_fingerprint_label_wib_time_and_readable_headers(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    receipt = upload_bid(tender)
    bid = receipt.bid
    text = _pdf_text(pdfs.receipt_pdf(bid).render())
    assert "Key fingerprint" in text
    assert "key fingerprint" not in text
    assert wib(bid.submitted_at, "%d-%m-%Y %H:%M:%S") in text
    assert receipt.document["receipt"]["server_time"]["wib"] not in text  # not ISO 8601
    # Headers on one line each: no "N o." or "Fil e".
    assert "SHA-256 computed by" in text
    for header in ("No", "File", "Size"):
        assert re.search(rf"(^|\s){header}(\s|$)", text), header
    assert receipt.document["receipt"]["envelopes"][0]["files"][0]["sha256"] in \
        text.replace("\n", "")
    with translation.override("id"):
        indonesian = _pdf_text(pdfs.receipt_pdf(bid).render())
    assert "Sidik jari kunci" in indonesian


# --- 4. The verification page says when a bid no longer counts -------------------------------


def test_verify_page_tells_a_superseded_bid_no_longer_counts(clock: Any, client: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    first = upload_bid(tender, vendor)
    clock.shift(timedelta(minutes=1))
    upload_bid(tender, vendor)
    client.cookies["lpse_language"] = "en"

    def verify(document: dict[str, Any]) -> str:
        upload = SimpleUploadedFile("bukti.json", json.dumps(document).encode(),
                                    content_type="application/json")
        return str(client.post("/bids/receipts/verify/", {"receipt": upload}).content.decode())

    html = verify(first.document)
    assert "Valid" in html
    assert "no longer counts" in html
    assert 'data-testid="bid-status">Superseded<' in html
    moment = first.bid.submitted_at
    assert wib(moment, "%d-%m-%Y %H:%M:%S") in html
    assert first.document["receipt"]["server_time"]["wib"] not in html  # no ISO time

    current = Bid.objects.get(participant__vendor=vendor, status=Bid.Status.SUBMITTED)
    html = verify(current.receipt.document)
    assert "This is the vendor&#x27;s current bid." in html
    assert "no longer counts" not in html
    api = client.post("/api/v1/bids/receipts/verify/", first.document,
                      content_type="application/json").json()
    assert api["valid"] is True
    assert api["bid_status"] == "superseded"


# --- The public list's HPS filter --------------------------------------------------------------


def test_public_list_hps_filter_accepts_indonesian_notation(client: Any) -> None:
    from lpse.tenders.views.public import PublicFilterForm

    form = PublicFilterForm({"value_min": "1.000.000", "value_max": "Rp 2.500.000.000,50"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value_min"] == Decimal("1000000")
    assert form.cleaned_data["value_max"] == Decimal("2500000000.50")
    assert PublicFilterForm({"value_min": "1000000"}).is_valid()
    assert not PublicFilterForm({"value_min": "satu juta"}).is_valid()
    page = client.get("/tenders/?value_min=1.000.000")
    assert page.status_code == 200
    html = page.content.decode()
    field = re.search(r'<input[^>]*name="value_min"[^>]*>', html)
    assert field is not None
    assert 'type="number"' not in field.group(0)


# --- 5. The bid page: a refused file is shown as refused (browser) --------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_refused_file_row_and_offer_preview(new_page: Any, clock: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from lpse.core.testing.fixtures import browser_login

    tender = sealed_tender()
    vendor = make_vendor("CV Tolak Berkas")
    join(tender, vendor)
    clock.move_to(in_upload(tender))
    bad = tmp_path / "penawaran.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 4000)  # an executable named .pdf
    page = new_page()
    browser_login(page, vendor.account.username)
    page.goto(f"/bids/tender/{tender.code}/")
    amount = page.get_by_test_id("offer-amount")
    amount.fill("3.200.000.000")
    expect(page.get_by_test_id("offer-amount-shown")).to_contain_text("Rp 3.200.000.000,00")
    expect(page.get_by_test_id("offer-amount-shown")).to_contain_text(
        "tiga miliar dua ratus juta rupiah")
    page.get_by_test_id("files-1").set_input_files(str(bad))
    page.get_by_test_id("upload-button").click()
    row = page.locator("#upload-files li")
    expect(row).to_have_attribute("data-state", "failed", timeout=20_000)
    expect(row).not_to_contain_text("Mengirim")
    expect(row.locator("progress")).to_have_count(0)
    assert not Bid.objects.filter(status=Bid.Status.SUBMITTED).exists()
