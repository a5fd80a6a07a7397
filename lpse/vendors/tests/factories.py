"""Test data for vendors: a registration through the real services, or a vendor row
straight in the database (for tests about something else)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from itertools import count
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from lpse.accounts.models import RoleAssignment, User
from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import TEST_PASSWORD, make_user
from lpse.vendors import services
from lpse.vendors.models import BusinessLicence, Deed, RegistrationLink, Vendor
from lpse.vendors.services.registration import registration_token

_n = count(1)

# A minimal valid PDF, and PNG/JPEG signatures, for scans.
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
             b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
             b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
# A Windows executable header: what a renamed ".pdf" malware looks like.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def valid_npwp(n: int | None = None) -> str:
    """A 15-digit NPWP with a correct check digit."""
    n = next(_n) if n is None else n
    base = f"01{(n * 7919) % 1000000:06d}"
    return base + luhn.calc_check_digit(base) + "441000"


def valid_nik(n: int | None = None) -> str:
    n = next(_n) if n is None else n
    return f"321101{(n % 28) + 1:02d}0685{(n % 9999) + 1:04d}"


def named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def registration_data(**overrides: Any) -> services.RegistrationData:
    n = next(_n)
    values: dict[str, Any] = {
        "business_form": "cv", "name": f"Karya Test {n}", "npwp": valid_npwp(n),
        "nib": f"912{n:010d}", "address": "Jl. Prabu Geusan Ulun No. 1", "province": "Jawa Barat",
        "regency": "Sumedang", "phone": "0261-201234", "director_name": f"Direktur {n}",
        "director_nik": valid_nik(n), "user_id": f"cv.test{n}",
        "establishment": services.DeedData("12", date(2015, 3, 9), "Notaris Test, S.H."),
        "licences": [services.LicenceData(kind="nib", number=f"LIC-{n}")],
    }
    values.update(overrides)
    return services.RegistrationData(**values)


def link_for(email: str) -> RegistrationLink:
    with transaction.atomic():
        services.registration_link_request(email=email, ip=None, language="id")
    return RegistrationLink.objects.filter(email=email.lower()).latest("created_at")


def register(email: str | None = None, **overrides: Any) -> Vendor:
    """A PENDING vendor, registered through the services (link → form)."""
    email = email or f"vendor{next(_n)}@example.test"
    link = link_for(email)
    return services.vendor_register(token=registration_token(link),
                                    data=registration_data(**overrides), language="id")


def approve(vendor: Vendor, verifier: User) -> Vendor:
    session = services.verification_open(vendor=vendor, actor=verifier)
    checks = {c.item: services.CheckResult(True, True) for c in session.checks.all()}
    services.verification_finish(session=session, actor=verifier, checks=checks,
                                 outcome="approved")
    vendor.refresh_from_db()
    return vendor


def make_vendor(status: str = Vendor.Status.ACTIVE, *, user: User | None = None,
                **fields: Any) -> Vendor:
    """A vendor row with its account, created directly (no procedure, no e-mail)."""
    n = next(_n)
    user = user or make_user(Role.VENDOR, username=f"vendor.{n}")
    if not RoleAssignment.objects.filter(user=user, role=Role.VENDOR).exists():
        RoleAssignment.objects.create(user=user, role=Role.VENDOR)
    now = timezone.now()
    values: dict[str, Any] = {
        "business_form": "pt", "name": f"Vendor Test {n}", "npwp": "0" + valid_npwp(n),
        "email": user.email, "status": status, "registration_number": f"REG-T-{n:05d}",
        "registered_user_id": user.username, "nib": f"912{n:010d}", "address": "Jl. Test 1",
        "province": "Jawa Barat", "regency": "Sumedang", "phone": "0261-1",
        "director_name": user.full_name, "director_nik": valid_nik(n),
        "verification_deadline": now + timedelta(days=9),
        "verified_at": now if status == Vendor.Status.ACTIVE else None,
    }
    values.update(fields)
    vendor = Vendor.objects.create(account=user, **values)
    Deed.objects.create(vendor=vendor, kind="establishment", number="1", date=date(2010, 1, 4),
                        notary="Notaris")
    BusinessLicence.objects.create(vendor=vendor, kind="nib", number=f"NIB-{n}")
    return vendor


__all__ = ["EXE_BYTES", "PDF_BYTES", "PNG_BYTES", "TEST_PASSWORD", "approve", "link_for",
           "make_vendor", "named", "register", "registration_data", "valid_nik", "valid_npwp"]
