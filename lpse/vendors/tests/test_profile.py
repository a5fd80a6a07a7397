"""After activation: profile, re-verification, deactivation, data export, blacklist."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.catalog.models import BusinessField
from lpse.core.calendar import localdate_wib
from lpse.vendors import services
from lpse.vendors.models import BlacklistEntry, Vendor, VendorDataChange
from lpse.vendors.selectors import blacklist_hits, vendor_may_participate
from lpse.vendors.tests.factories import (
    EXE_BYTES,
    PDF_BYTES,
    approve,
    make_vendor,
    named,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier():
    return make_user(Role.VERIFIER)


@pytest.fixture
def active(verifier):
    return approve(register(), verifier)


def test_contact_changes_need_no_reverification(active):
    services.vendor_contact_update(vendor=active, actor=active.account, address="Jl. Baru 5",
                                   phone="0812-1111-2222", province="Jawa Barat",
                                   regency="Sumedang", postal_code="45322")
    active.refresh_from_db()
    assert active.status == Vendor.Status.ACTIVE
    assert active.address == "Jl. Baru 5"
    assert active.account.phone == "0812-1111-2222"
    change = VendorDataChange.objects.get(vendor=active, field="address")
    assert change.legal is False
    assert change.old_value == "Jl. Prabu Geusan Ulun No. 1"


def test_only_the_vendor_itself_edits_its_profile(active):
    other = make_vendor()
    for actor in (other.account, make_user(Role.APPADMIN), make_user(Role.VERIFIER)):
        with pytest.raises(PermissionDenied):
            services.vendor_contact_update(vendor=active, actor=actor, phone="1")
        with pytest.raises(PermissionDenied):
            services.vendor_legal_update(vendor=active, actor=actor, name="X")


def test_legal_change_needs_reverification_until_a_verifier_confirms(
    active, verifier, smtp, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_legal_update(vendor=active, actor=active.account,
                                     director_name="Direktur Baru")
    active.refresh_from_db()
    assert active.status == Vendor.Status.NEEDS_REVERIFICATION
    assert not active.is_verified
    assert not vendor_may_participate(active)
    assert active.account.full_name == "Direktur Baru"
    assert settings.VENDOR_VERIFICATION_PLACE in smtp.body(smtp.to(active.email)[-1])
    change = VendorDataChange.objects.get(vendor=active, field="director_name")
    assert change.legal is True
    assert change.confirmed_in is None
    # The verifier confirms at the desk (re-verification session).
    session = services.verification_open(vendor=active, actor=verifier)
    assert session.kind == "reverification"
    checks = {c.item: services.CheckResult(True, True) for c in session.checks.all()}
    services.verification_finish(session=session, actor=verifier, checks=checks,
                                 outcome="approved")
    active.refresh_from_db()
    change.refresh_from_db()
    assert active.status == Vendor.Status.ACTIVE
    assert change.confirmed_in == session


def test_deeds_and_licences_are_legal_data(active):
    field = BusinessField.objects.filter(children__isnull=True).first()
    licence = services.vendor_licence_save(
        vendor=active, actor=active.account, licence=None, kind="siup", number="510/1/2026",
        valid_until=localdate_wib() + timedelta(days=700), business_field_ids=[field.pk])
    assert list(licence.business_fields.all()) == [field]
    active.refresh_from_db()
    assert active.status == Vendor.Status.NEEDS_REVERIFICATION
    with pytest.raises(ValidationError):
        services.vendor_deed_save(vendor=active, actor=active.account, kind="amendment",
                                  number="3", date=date(2001, 1, 1), notary="N")  # too old
    services.vendor_deed_save(vendor=active, actor=active.account, kind="amendment",
                              number="3", date=date(2024, 1, 1), notary="N")
    assert active.deeds.count() == 2
    services.vendor_licence_remove(vendor=active, actor=active.account, licence=licence)
    with pytest.raises(ValidationError):  # the last licence stays
        services.vendor_licence_remove(vendor=active, actor=active.account,
                                       licence=active.licences.get())


def test_legal_update_validates_identifiers(active):
    with pytest.raises(ValidationError) as exc:
        services.vendor_legal_update(vendor=active, actor=active.account, npwp="123",
                                     director_nik="3211")
    assert {"npwp", "director_nik"} <= set(exc.value.message_dict)
    other = make_vendor()
    with pytest.raises(ValidationError) as exc:
        services.vendor_legal_update(vendor=active, actor=active.account, npwp=other.npwp)
    assert "npwp" in exc.value.message_dict
    active.refresh_from_db()
    assert active.status == Vendor.Status.ACTIVE


def test_scans_are_checked_by_content(active):
    with pytest.raises(ValidationError) as exc:
        services.vendor_scan_add(vendor=active, actor=active.account, kind="ktp",
                                 upload=named(EXE_BYTES, "ktp.pdf"))
    assert "file" in exc.value.message_dict
    scan = services.vendor_scan_add(vendor=active, actor=active.account, kind="ktp",
                                    upload=named(PDF_BYTES, "ktp.pdf"))
    assert scan.file.personal_data
    assert scan.file.content_type == "application/pdf"


def test_deactivation_and_reactivation(active, smtp, django_capture_on_commit_callbacks):
    admin = make_user(Role.APPADMIN)
    with pytest.raises(PermissionDenied):
        services.vendor_deactivate(vendor=active, actor=make_user(Role.HELPDESK), reason="x")
    with pytest.raises(ValidationError):
        services.vendor_deactivate(vendor=active, actor=admin, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_deactivate(vendor=active, actor=admin, reason="Permintaan direktur")
    active.refresh_from_db()
    assert active.status == Vendor.Status.DEACTIVATED
    assert not active.account.is_active
    assert "Permintaan direktur" in smtp.body(smtp.to(active.email)[-1])
    services.vendor_reactivate(vendor=active, actor=admin, reason="Surat 12/2026")
    active.refresh_from_db()
    assert active.status == Vendor.Status.ACTIVE
    assert active.account.is_active
    assert AuditEvent.objects.filter(action="vendor.reactivated",
                                     data__reason="Surat 12/2026").exists()


def test_own_data_export_contains_data_scans_and_records(active):
    services.vendor_scan_add(vendor=active, actor=active.account, kind="npwp",
                             upload=named(PDF_BYTES, "npwp.pdf"))
    data = services.vendor_data_export(vendor=active, actor=active.account)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    content = json.loads(archive.read("data.json"))
    assert content["vendor"]["registration_number"] == active.registration_number
    assert content["vendor"]["director_nik"] == active.director_nik
    assert any(n.startswith("scans/") for n in names)
    assert sum(n.startswith("records/") for n in names) >= 2  # form + verification record
    assert AuditEvent.objects.filter(action="vendor.data_exported").exists()
    with pytest.raises(PermissionDenied):
        services.vendor_data_export(vendor=active, actor=make_user(Role.APPADMIN))


# --- Blacklist --------------------------------------------------------------------------------


def test_blacklist_management_and_hits():
    admin = make_user(Role.APPADMIN)
    vendor = make_vendor()
    with pytest.raises(PermissionDenied):
        services.blacklist_add(actor=make_user(Role.VERIFIER), company_name="X",
                               npwp=vendor.npwp, nik="", source_reference="SK",
                               starts_on=date(2026, 1, 1), ends_on=None)
    with pytest.raises(ValidationError):  # neither NPWP nor NIK
        services.blacklist_add(actor=admin, company_name="X", npwp="", nik="",
                               source_reference="SK", starts_on=date(2026, 1, 1), ends_on=None)
    with pytest.raises(ValidationError):  # period backwards, bad NIK
        services.blacklist_add(actor=admin, company_name="X", npwp="", nik="123",
                               source_reference="SK", starts_on=date(2026, 5, 1),
                               ends_on=date(2026, 4, 1))
    today = localdate_wib()
    entry = services.blacklist_add(
        actor=admin, company_name=vendor.name, npwp=vendor.npwp[1:], nik="",
        source_reference="SK 1", starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10))
    assert entry.npwp == vendor.npwp  # normalised to 16 digits
    assert blacklist_hits(vendor) == [entry]
    assert not vendor_may_participate(vendor)
    assert blacklist_hits(vendor, on=today + timedelta(days=11)) == []
    services.blacklist_update(actor=admin, entry=entry, company_name=vendor.name, npwp="",
                              nik=vendor.director_nik, source_reference="SK 1 (ralat)",
                              starts_on=entry.starts_on, ends_on=None)
    assert blacklist_hits(vendor) == [BlacklistEntry.objects.get()]
    services.blacklist_revoke(actor=admin, entry=entry, reason="Dicabut")
    assert blacklist_hits(vendor) == []
    assert vendor_may_participate(vendor)
    assert AuditEvent.objects.filter(action__startswith="vendor.blacklist_").count() == 3
