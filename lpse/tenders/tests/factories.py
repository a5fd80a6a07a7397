"""Building blocks for tender tests: committees, packages, tenders at any stage, vendors."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lpse.accounts.models import Agency, User
from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.catalog.models import (
    FundingSource,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)
from lpse.tenders import services
from lpse.tenders.models import (
    Committee,
    CommitteeMember,
    Package,
    Participant,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import default_schedule
from lpse.tenders.stages import StageCode, plan_for
from lpse.vendors.models import Vendor

#: Monday 2 March 2026, 08:00 WIB — a working day before the service desk opens.
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 200


def pdf_file(name: str = "dokumen.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(PDF_BYTES), name


_vendor_counter = iter(range(1, 10**6))


def unique_vendor_fields(n: int) -> dict[str, Any]:
    """Values for unique text fields the vendors module may add (e.g. registration numbers),
    so tenders' tests rely only on the Vendor fields they use."""
    from django.db import models

    known = {"account", "business_form", "name", "npwp", "email", "status", "verified_at"}
    return {f.name: f"T{n:09d}"[: f.max_length or 10]
            for f in Vendor._meta.concrete_fields
            if f.unique and not f.primary_key and isinstance(f, models.CharField)
            and f.name not in known}


def make_vendor(name: str | None = None, *, status: str = Vendor.Status.ACTIVE,
                language: str = "id", user: User | None = None) -> Vendor:
    n = next(_vendor_counter)
    user = user or make_user(Role.VENDOR, preferred_language=language)
    return Vendor.objects.create(
        account=user, business_form=Vendor.BusinessForm.CV, name=name or f"Rekanan {n}",
        npwp=f"{n:015d}", email=f"vendor{n}@rekanan.test", status=status,
        verified_at=timezone.now() if status == Vendor.Status.ACTIVE else None,
        # A registration waiting for verification always has its deadline.
        verification_deadline=(timezone.now() + timedelta(days=7)
                               if status == Vendor.Status.PENDING else None),
        **unique_vendor_fields(n))


def make_committee(agency: Agency, size: int = 3, *, admin: User | None = None,
                   name: str | None = None) -> Committee:
    admin = admin or make_user(Role.AGENCY_ADMIN, agency=agency)
    members = [make_user(Role.COMMITTEE, agency=agency) for _ in range(size)]
    positions = [CommitteeMember.Position.CHAIR] + [CommitteeMember.Position.MEMBER] * (size - 1)
    return services.committee_create(
        actor=admin, kind=Committee.Kind.COMMITTEE,
        name=name or f"Pokja {Committee.objects.count() + 1}",
        members=list(zip(members, positions, strict=True)))


def make_package(*, ppk: User | None = None, agency: Agency | None = None,
                 committee: Committee | None = None, hand_over: bool = True,
                 category: str = "konstruksi", method: str = "tender",
                 owner_estimate: Decimal = Decimal("950000000"),
                 budget_ceiling: Decimal = Decimal("1000000000"), **extra: Any) -> Package:
    agency = agency or (ppk.agency if ppk else AgencyFactory())
    ppk = ppk or make_user(Role.PPK, agency=agency)
    package = services.package_create(
        actor=ppk, name=extra.pop("name", "Rehabilitasi Jalan Cimalaka"),
        category=ProcurementCategory.objects.get(code=category),
        method=SelectionMethod.objects.get(code=method),
        fiscal_year=timezone.localdate().year,
        funding_source=FundingSource.objects.get(code="APBD"),
        budget_ceiling=budget_ceiling, owner_estimate=owner_estimate,
        location=extra.pop("location", "Kecamatan Cimalaka"), **extra)
    if hand_over:
        committee = committee or make_committee(agency)
        services.package_hand_over(actor=ppk, package=package, committee=committee)
        package.refresh_from_db()
    return package


def committee_member(tender: Tender) -> User:
    return tender.committee.members.order_by("pk").first().user  # type: ignore[union-attr]


def make_tender(*, start: datetime | None = None, publish: bool = True,
                package: Package | None = None, prequalification: bool = False,
                **package_kwargs: Any) -> Tender:
    """A tender whose schedule begins at `start` (default: now, rounded); with
    `prequalification`, qualified before bidding (prakualifikasi)."""
    package = package or make_package(**package_kwargs)
    member = package.committee.members.order_by("pk").first().user  # type: ignore[union-attr]
    tender = services.tender_create(actor=member, package=package)
    if prequalification:
        services.tender_update_settings(
            actor=member, tender=tender, name=tender.name,
            qualification=QualificationType.objects.get(code="prakualifikasi"),
            file_method=tender.file_method, evaluation_method=tender.evaluation_method,
            requirements=tender.requirements)
    begin = start or timezone.now()
    windows = default_schedule(plan_for(package.method.code, prequalification=prequalification),
                               begin)
    services.schedule_set(actor=member, tender=tender, windows=windows)
    if prequalification:
        source, name = pdf_file("kualifikasi.pdf")
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Dokumen Kualifikasi",
                              kind=TenderDocument.Kind.QUALIFICATION)
    source, name = pdf_file()
    services.document_add(actor=member, tender=tender, source=source, filename=name,
                          title="Dokumen Pemilihan")
    if publish:
        services.tender_publish(actor=member, tender=tender)
    tender.refresh_from_db()
    return tender


def submit_qualification(tender: Tender, participant: Participant) -> Any:
    source, name = pdf_file("kualifikasi.pdf")
    return services.qualification_submit(
        actor=participant.vendor.account, tender=tender,
        experience="Jalan kabupaten 2024, Rp 2,1 M", personnel="Manajer proyek (SKK Madya)",
        equipment="Asphalt finisher", source=source, filename=name)


def join(tender: Tender, vendor: Vendor | None = None) -> Participant:
    vendor = vendor or make_vendor()
    return services.tender_join(actor=vendor.account, tender=tender, accept_pact=True)


def window(tender: Tender, stage: StageCode):  # type: ignore[no-untyped-def]
    found = tender.stage_window(stage)
    assert found is not None
    return found


def inside(tender: Tender, stage: StageCode, minutes: int = 1) -> datetime:
    return window(tender, stage).starts_at + timedelta(minutes=minutes)


def after(tender: Tender, stage: StageCode, minutes: int = 1) -> datetime:
    return window(tender, stage).ends_at + timedelta(minutes=minutes)
