"""QA fixes: expired licences refused and flagged, deeds optional for individuals, user IDs in
upper case, unique names in the data export, numbers in Indonesian, the registration form
on the desk checklist."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.calendar import localdate_wib
from lpse.core.files import open_stored
from lpse.core.testing.fixtures import login
from lpse.vendors import services
from lpse.vendors.models import BusinessLicence, Deed, Vendor, VerificationSession
from lpse.vendors.services.registration import registration_token
from lpse.vendors.services.verification import checklist_items
from lpse.vendors.tests.factories import (
    approve,
    link_for,
    register,
    valid_nik,
    valid_npwp,
)

pytestmark = pytest.mark.django_db


def _client(user: User | None = None, language: str = "") -> Client:
    client = Client()
    if language:
        client.cookies["lpse_language"] = language
    return login(client, user) if user is not None else client


def _form_post(**overrides: str) -> dict[str, str]:
    data = {
        "business_form": "cv", "name": "Tiga Serangkai", "npwp": valid_npwp(),
        "nib": "9120123456789", "address": "Jl. Angkrek 3", "province": "Jawa Barat",
        "regency": "Sumedang", "postal_code": "45323", "phone": "0261 202020",
        "director_name": "Asep Sunandar", "director_position": "Direktur",
        "director_nik": valid_nik(), "establishment_number": "12",
        "establishment_date": "2015-03-09", "establishment_notary": "Notaris A, S.H.",
        "amendment_number": "", "amendment_date": "", "amendment_notary": "",
        "user_id": "tiga.serangkai",
        "licences-TOTAL_FORMS": "1", "licences-INITIAL_FORMS": "0",
        "licences-MIN_NUM_FORMS": "1", "licences-MAX_NUM_FORMS": "10",
        "licences-0-kind": "nib", "licences-0-number": "9120123456789",
        "licences-0-issued_by": "OSS", "licences-0-valid_from": "", "licences-0-valid_until": "",
    }
    data.update(overrides)
    return data


def _register_url(email: str) -> str:
    return f"/vendors/register/{registration_token(link_for(email))}/"


# --- 10. User IDs typed in upper case --------------------------------------------------------


def test_user_id_in_upper_case_is_lower_cased_not_refused(smtp: object) -> None:
    response = _client().post(_register_url("tiga@serangkai.test"),
                              _form_post(user_id="PT.Tiga"))
    assert response.status_code == 302, response.content.decode()[:3000]
    vendor = Vendor.objects.get(email="tiga@serangkai.test")
    assert vendor.account.username == "pt.tiga"
    assert vendor.registered_user_id == "pt.tiga"


# --- 7. The deed of establishment is optional for individuals ----------------------------------


def test_individual_registers_without_a_deed(smtp: object) -> None:
    response = _client().post(_register_url("orang@perorangan.test"), _form_post(
        business_form="perorangan", nib="", establishment_number="", establishment_date="",
        establishment_notary="", user_id="orang.satu"))
    assert response.status_code == 302, response.content.decode()[:3000]
    vendor = Vendor.objects.get(email="orang@perorangan.test")
    assert not vendor.deeds.exists()
    # The service agrees; a company form still needs the deed.
    assert register(business_form="perorangan", nib="", establishment=None).deeds.count() == 0
    with pytest.raises(ValidationError) as refused:
        register(business_form="pt", establishment=None)
    assert "establishment_number" in refused.value.message_dict


def test_company_form_still_requires_the_deed_and_nothing_is_saved(smtp: object) -> None:
    response = _client(language="en").post(_register_url("cv@tanpa-akta.test"), _form_post(
        establishment_number="", establishment_date="", establishment_notary=""))
    assert response.status_code == 200
    assert "The deed of establishment is required for this form of business." in \
        response.content.decode()
    assert not Vendor.objects.filter(email="cv@tanpa-akta.test").exists()
    # An individual who has a deed fills in all three parts or none.
    half = _client(language="en").post(_register_url("orang@setengah.test"), _form_post(
        business_form="perorangan", nib="", establishment_date="", establishment_notary=""))
    assert half.status_code == 200
    assert "or leave all three empty" in half.content.decode()


# --- 6. Expired licences: refused when entered, flagged when they expire later --------------


def test_expired_licence_is_refused_at_registration(smtp: object) -> None:
    yesterday = localdate_wib() - timedelta(days=1)
    response = _client(language="en").post(_register_url("lama@izin.test"), _form_post(
        **{"licences-0-valid_until": yesterday.isoformat()}))
    assert response.status_code == 200
    assert "This licence expired on" in response.content.decode()
    assert not Vendor.objects.filter(email="lama@izin.test").exists()
    with pytest.raises(ValidationError) as refused:
        register(licences=[services.LicenceData(kind="nib", number="OLD-1",
                                                valid_until=yesterday)])
    assert "licences" in refused.value.message_dict
    # Valid through its last day.
    assert register(licences=[services.LicenceData(kind="nib", number="TODAY-1",
                                                   valid_until=localdate_wib())])


def test_expired_licence_is_refused_when_maintained() -> None:
    vendor = approve(register(), make_user(Role.VERIFIER))
    yesterday = localdate_wib() - timedelta(days=1)
    response = _client(vendor.account, "en").post("/vendors/me/licences/new/", {
        "kind": "siup", "number": "SIUP-9", "issued_by": "DPMPTSP", "valid_from": "2020-01-01",
        "valid_until": yesterday.isoformat()})
    assert response.status_code == 200
    assert "This licence expired on" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.vendor_licence_save(vendor=vendor, actor=vendor.account, licence=None,
                                     kind="siup", number="SIUP-9", valid_until=yesterday)
    assert "valid_until" in refused.value.message_dict
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE
    assert not vendor.licences.filter(number="SIUP-9").exists()


def test_licence_that_expired_since_is_flagged_on_the_pages_and_the_checklist() -> None:
    verifier = make_user(Role.VERIFIER)
    vendor = approve(register(), verifier)
    licence = vendor.licences.get()
    BusinessLicence.objects.filter(pk=licence.pk).update(
        valid_until=localdate_wib() - timedelta(days=3))
    licence.refresh_from_db()
    assert licence.is_expired
    own = _client(vendor.account, "en").get("/vendors/me/").content.decode()
    assert 'data-testid="licence-expired"' in own
    officer = _client(verifier, "en").get(f"/vendors/{vendor.pk}/").content.decode()
    assert 'data-testid="licence-expired"' in officer
    # A change puts the vendor in re-verification: the checklist flags the licence.
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.NEEDS_REVERIFICATION)
    with translation.override("en"):
        session = services.verification_open(vendor=vendor, actor=verifier)
    assert session.kind == VerificationSession.Kind.REVERIFICATION
    label = session.checks.get(item=f"licence_{licence.pk}").label
    assert "EXPIRED on" in label
    assert licence.valid_until is not None
    assert licence.valid_until.strftime("%d-%m-%Y") in label
    assert "EXPIRED" in _client(verifier, "en").get(
        f"/vendors/verification/{session.pk}/").content.decode()


# --- 11. The registration form on the desk checklist -----------------------------------------


def test_registration_checklist_asks_for_the_signed_registration_form() -> None:
    vendor = register()
    with translation.override("en"):
        session = services.verification_open(vendor=vendor, actor=make_user(Role.VERIFIER))
        reverification = checklist_items(vendor, VerificationSession.Kind.REVERIFICATION)
    row = session.checks.get(item="registration_form")
    assert row.label == "The printed and signed registration form"
    assert row.position == session.checks.count() - 1
    assert "registration_form" not in {key for key, _label in reverification}
    # Approval needs it seen like every other document.
    checks = {c.item: services.CheckResult(c.item != "registration_form", True)
              for c in session.checks.all()}
    with pytest.raises(ValidationError):
        services.verification_finish(session=session, actor=make_user(Role.VERIFIER),
                                     checks=checks, outcome="approved")


# --- 8. The data export has unique entry names ---------------------------------------------


def test_export_after_a_reverification_has_unique_names() -> None:
    verifier = make_user(Role.VERIFIER)
    vendor = approve(register(), verifier)
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.NEEDS_REVERIFICATION)
    approve(vendor, verifier)
    data = services.vendor_data_export(vendor=vendor, actor=vendor.account)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names))
        minutes = [n for n in names if n.startswith("records/berita-acara-verifikasi-")]
        assert minutes == [f"records/berita-acara-verifikasi-{vendor.registration_number}"
                           f"{suffix}.pdf" for suffix in ("", "-2")]
        assert archive.read(minutes[0]) != archive.read(minutes[1])


# --- 9. Numbers in the active language -------------------------------------------------------


def test_service_time_in_the_minutes_uses_a_decimal_comma() -> None:
    verifier = make_user(Role.VERIFIER)
    vendor = register()
    session = services.verification_open(vendor=vendor, actor=verifier)
    VerificationSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(seconds=7))
    session.refresh_from_db()
    checks = {c.item: services.CheckResult(True, True) for c in session.checks.all()}
    services.verification_finish(session=session, actor=verifier, checks=checks,
                                 outcome="approved")
    session.refresh_from_db()
    assert session.record is not None
    with open_stored(session.record.file) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
    assert "0,1 menit" in text
    assert "0.1 menit" not in text


def test_upload_size_limit_message_has_no_python_decimal() -> None:
    vendor = approve(register(), make_user(Role.VERIFIER))
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10))
    big.name = "besar.pdf"
    response = _client(vendor.account).post("/vendors/me/scans/new/",
                                            {"kind": "npwp", "file": big})
    html = response.content.decode()
    assert response.status_code == 200
    assert "5 MB" in html
    assert "5.0 MB" not in html
    from lpse.core.files import megabytes

    with translation.override("id"):
        assert megabytes(int(2.5 * 1024 * 1024)) == "2,5"
    with translation.override("en"):
        assert megabytes(int(2.5 * 1024 * 1024)) == "2.5"


def test_deed_page_offers_the_establishment_deed_to_an_individual_without_one() -> None:
    vendor = approve(register(business_form="perorangan", nib="", establishment=None),
                     make_user(Role.VERIFIER))
    page = _client(vendor.account, "en").get("/vendors/me/").content.decode()
    assert "/vendors/me/deeds/establishment/" in page
    assert "Add the deed of establishment" in page
    # Becoming a company needs the deed first.
    with pytest.raises(ValidationError) as refused:
        services.vendor_legal_update(vendor=vendor, actor=vendor.account, business_form="cv",
                                     nib="9120123456789")
    assert "business_form" in refused.value.message_dict
    services.vendor_deed_save(vendor=vendor, actor=vendor.account, kind=Deed.Kind.ESTABLISHMENT,
                              number="3", date=date(2019, 5, 6), notary="Notaris C")
    assert vendor.deeds.count() == 1
