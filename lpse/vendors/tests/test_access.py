"""The role × page access matrix of the vendors app: vendors never see each other's data."""

from __future__ import annotations

import pytest

from lpse.accounts.roles import Perm, Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.access import Access, check_matrix
from lpse.vendors import services
from lpse.vendors.models import Vendor
from lpse.vendors.tests.factories import PDF_BYTES, make_vendor, named, register

pytestmark = pytest.mark.django_db

VIEW = set(Perm.VIEW_VENDORS.roles)
VERIFY = set(Perm.VERIFY_VENDORS.roles)
MANAGE = set(Perm.MANAGE_VENDORS.roles)
BLACKLIST = set(Perm.MANAGE_BLACKLIST.roles)
REPORTS = set(Perm.VIEW_VENDOR_REPORTS.roles)
FILE_FOR_VENDOR = set(Perm.FILE_EMAIL_CHANGE_FOR_VENDOR.roles)
PERSONAL = set(Perm.VIEW_VENDOR_PERSONAL_DATA.roles)
VENDOR = {Role.VENDOR}


@pytest.fixture
def objects(users_by_role):
    own = make_vendor(user=users_by_role[Role.VENDOR])
    other = make_vendor()
    own_scan = services.vendor_scan_add(vendor=own, actor=own.account, kind="ktp",
                                        upload=named(PDF_BYTES, "ktp.pdf"))
    other_scan = services.vendor_scan_add(vendor=other, actor=other.account, kind="ktp",
                                          upload=named(PDF_BYTES, "ktp.pdf"))
    own_change = services.email_change_file(vendor=own, actor=own.account,
                                            new_email="own-new@x.test",
                                            statement=named(PDF_BYTES, "surat.pdf"))
    other_change = services.email_change_file(vendor=other, actor=other.account,
                                              new_email="other-new@x.test",
                                              statement=named(PDF_BYTES, "surat.pdf"))
    pending = register()
    at_desk = register()
    session = services.verification_open(vendor=at_desk, actor=make_user(Role.VERIFIER))
    entry = services.blacklist_add(actor=make_user(Role.APPADMIN), company_name="X",
                                   npwp=other.npwp, nik="", source_reference="SK",
                                   starts_on=other.created_at.date(), ends_on=None)
    return {"own": own, "other": other, "own_scan": own_scan, "other_scan": other_scan,
            "own_change": own_change, "other_change": other_change, "pending": pending,
            "session": session, "entry": entry,
            "other_licence": other.licences.get()}


MATRIX = [
    Access("/vendors/register/", allowed=set(Role), public=True),
    Access("/vendors/register/sent/", allowed=set(Role), public=True),
    # The vendor's own pages: other roles have no vendor record (404).
    *[Access(f"/vendors/me/{suffix}", allowed=VENDOR) for suffix in (
        "", "contact/", "legal/", "deeds/establishment/", "licences/new/", "scans/new/",
        "email-change/", "export/")],
    Access(lambda o: f"/vendors/me/licences/{o['other_licence'].pk}/", allowed=set(),
           denied=404),
    # (403: the operations middleware refuses every write by read-only roles first.)
    Access(lambda o: f"/vendors/me/licences/{o['other_licence'].pk}/remove/", allowed=set(),
           denied=(403, 404), method="post"),
    # Officers.
    Access("/vendors/", allowed=VIEW),
    Access("/vendors/queue/", allowed=VERIFY),
    Access(lambda o: f"/vendors/{o['other'].pk}/", allowed=VIEW),
    Access(lambda o: f"/vendors/{o['pending'].pk}/", allowed=VIEW),
    Access(lambda o: f"/vendors/verification/{o['session'].pk}/", allowed=VERIFY),
    Access(lambda o: f"/vendors/{o['pending'].pk}/verify/", allowed=VERIFY, method="post"),
    Access(lambda o: f"/vendors/{o['other'].pk}/resend-link/", allowed=VERIFY, method="post"),
    Access(lambda o: f"/vendors/{o['other'].pk}/deactivate/", allowed=MANAGE, method="post"),
    Access(lambda o: f"/vendors/{o['other'].pk}/reactivate/", allowed=MANAGE, method="post"),
    Access(lambda o: f"/vendors/{o['other'].pk}/email-change/", allowed=FILE_FOR_VENDOR),
    Access("/vendors/email-changes/", allowed=VIEW),
    Access(lambda o: f"/vendors/email-changes/{o['own_change'].pk}/", allowed=VIEW | VENDOR),
    Access(lambda o: f"/vendors/email-changes/{o['other_change'].pk}/", allowed=VIEW),
    Access(lambda o: f"/vendors/email-changes/{o['other_change'].pk}/apply/",
           allowed=set(Perm.APPLY_EMAIL_CHANGE.roles), method="post"),
    Access("/vendors/blacklist/", allowed=VIEW),
    Access("/vendors/blacklist/new/", allowed=BLACKLIST),
    Access(lambda o: f"/vendors/blacklist/{o['entry'].pk}/", allowed=BLACKLIST),
    Access(lambda o: f"/vendors/blacklist/{o['entry'].pk}/revoke/", allowed=BLACKLIST),
    Access("/vendors/reports/", allowed=REPORTS),
    Access("/vendors/reports/export.csv", allowed=REPORTS),
    # Stored files: scans are personal data; statement letters go to the 3.4 officers.
    Access(lambda o: f"/files/{o['own_scan'].file_id}/", allowed=VENDOR | PERSONAL,
           denied=404),
    Access(lambda o: f"/files/{o['other_scan'].file_id}/", allowed=PERSONAL, denied=404),
    Access(lambda o: f"/files/{o['other_change'].statement_letter_id}/",
           allowed=PERSONAL | VERIFY | set(Perm.APPLY_EMAIL_CHANGE.roles), denied=404),
    # API.
    Access("/api/v1/vendors/me/", allowed=VENDOR),
    Access("/api/v1/vendors/queue/", allowed=VERIFY),
]


def test_access_matrix(users_by_role, client_for, objects):
    check_matrix(MATRIX, users_by_role, client_for, objects)


def test_a_vendor_cannot_reach_another_vendors_records(users_by_role, client_for, objects):
    client = client_for(users_by_role[Role.VENDOR])
    other: Vendor = objects["other"]
    assert client.get(f"/vendors/{other.pk}/").status_code == 403
    html = client.get("/vendors/me/").content.decode()
    assert other.registration_number not in html
    assert other.director_nik not in html
