"""Demo vendors in every state, created through the real procedure (register → desk).

Active (may take part in tenders): cv.mitra, pt.tatar, pt.medika. Others: cv.sinar
(waiting for verification), cv.cadas (came with incomplete documents), cv.lingga (expired),
cv.tomo (rejected), pt.jatinangor (needs re-verification), cv.paseh (deactivated),
pt.darmaraja (active but blacklisted). cv.mitra has an e-mail change request filed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.accounts.services import password_set
from lpse.catalog.models import BusinessField
from lpse.core.demodata import DemoContext
from lpse.vendors import services
from lpse.vendors.models import EmailChangeRequest, RegistrationLink, Vendor
from lpse.vendors.services.registration import registration_token

ORDER = 20


@dataclass(frozen=True)
class DemoVendor:
    username: str
    form: str
    name: str
    npwp: str
    director: str
    nik: str
    state: str
    regency: str = "Sumedang"
    licence: tuple[str, str] = ("nib", "")
    fields: tuple[str, ...] = ("46491",)


VENDORS = [
    DemoVendor("cv.mitra", "cv", "Mitra Karya Sumedang", "012345674123000", "Ade Sutisna",
               "3211011508750001", "active", licence=("siujk", "1-3211-2-00123"),
               fields=("42101", "42201", "43221")),
    DemoVendor("pt.tatar", "pt", "Tatar Sunda Konstruksi", "023456783412000",
               "Ir. Dadang Hermawan", "3211024703800002", "active",
               licence=("sbu", "0-3211-06-002-1-09-012345"), fields=("41011", "41012", "42102")),
    DemoVendor("pt.medika", "pt", "Medika Priangan Sejahtera", "034567891441000",
               "Hj. Iis Sumiati", "3273011201700003", "active", regency="Bandung",
               licence=("siup", "510/0412/SIUP/2023"), fields=("46441", "46693")),
    DemoVendor("cv.sinar", "cv", "Sinar Tanjungsari", "045678919441000", "Asep Saepudin",
               "3211035505820004", "pending"),
    DemoVendor("cv.cadas", "cv", "Cadas Pangeran Teknik", "056789126441000", "Ujang Rohman",
               "3211041010690005", "incomplete"),
    DemoVendor("cv.lingga", "cv", "Lingga Mandiri", "067891234441000", "Euis Komariah",
               "3211050303770006", "expired"),
    DemoVendor("cv.tomo", "cv", "Tomo Jaya", "019283746441000", "Dede Supriatna",
               "3211070909710008", "rejected"),
    DemoVendor("pt.jatinangor", "pt", "Jatinangor Agro Lestari", "078912342441000",
               "Ir. Yayat Ruhiyat", "3211066612850007", "needs_reverification"),
    DemoVendor("cv.paseh", "cv", "Paseh Rahayu", "089123459441000", "Neng Siti Aisyah",
               "3211011210880009", "deactivated"),
    DemoVendor("pt.darmaraja", "pt", "Darmaraja Karya Utama", "091234567441000",
               "H. Maman Suparman", "3211026304790010", "blacklisted"),
]

# A one-page PDF standing in for a scanned KTP.
_DEMO_SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _register(spec: DemoVendor) -> Vendor:
    email = f"{spec.username}@demo-vendor.example"
    services.registration_link_request(email=email, ip=None, language="id")
    link = RegistrationLink.objects.filter(email=email, used_at__isnull=True).latest("created_at")
    scan = io.BytesIO(_DEMO_SCAN)
    scan.name = "ktp.pdf"
    kind, number = spec.licence
    data = services.RegistrationData(
        business_form=spec.form, name=spec.name, npwp=spec.npwp,
        nib=f"9120{spec.npwp[1:10]}", address="Jl. Mayor Abdurachman No. 12",
        province="Jawa Barat", regency=spec.regency, postal_code="45311",
        phone="0261-201234", director_name=spec.director, director_nik=spec.nik,
        user_id=spec.username,
        establishment=services.DeedData("12", date(2015, 3, 9), "Rd. Hendi Suhendi, S.H., M.Kn."),
        licences=[services.LicenceData(
            kind=kind, number=number or f"NIB-{spec.npwp[:9]}",
            issued_by="DPMPTSP Kabupaten Sumedang",
            business_field_ids=list(BusinessField.objects.filter(
                code__in=spec.fields).values_list("pk", flat=True)))],
        scans={"ktp": scan},
    )
    return services.vendor_register(token=registration_token(link), data=data, language="id")


def _verify(vendor: Vendor, verifier: User, outcome: str, reason: str = "") -> None:
    session = services.verification_open(vendor=vendor, actor=verifier)
    complete = outcome == "approved"
    checks = {c.item: services.CheckResult(complete or c.item != "ktp", complete)
              for c in session.checks.all()}
    services.verification_finish(session=session, actor=verifier, checks=checks,
                                 outcome=outcome, reason=reason)


def seed(context: DemoContext) -> None:
    verifier = context.users["verifikator"]
    appadmin = context.users["appadmin"]
    for spec in VENDORS:
        vendor = Vendor.objects.filter(registered_user_id=spec.username).first()
        if vendor is None:
            vendor = _create(context, spec, verifier, appadmin)
        context.users[spec.username] = vendor.account
        if vendor.status in Vendor.CLOSED_STATUSES:
            continue  # no account any more: the user ID was released
        listed = " — daftar hitam" if spec.state == "blacklisted" else ""
        context.remember_account(vendor.account.username, str(Role.VENDOR.label),
                                 f"{vendor.name} — {vendor.get_status_display()}{listed}")


def _create(context: DemoContext, spec: DemoVendor, verifier: User, appadmin: User) -> Vendor:
    vendor = _register(spec)
    if spec.state == "pending":
        return vendor
    if spec.state == "incomplete":
        _verify(vendor, verifier, "incomplete",
                "Akta pendirian asli tidak dibawa; KTP asli direktur belum diperlihatkan.")
        return vendor
    if spec.state == "expired":
        past = timezone.now() - timedelta(days=14)
        Vendor.objects.filter(pk=vendor.pk).update(created_at=past,
                                                   verification_deadline=past + timedelta(days=9))
        services.registrations_expire()
        return Vendor.objects.get(pk=vendor.pk)
    if spec.state == "rejected":
        _verify(vendor, verifier, "rejected",
                "Akta pendirian yang diperlihatkan tidak sesuai dengan data pendaftaran.")
        return Vendor.objects.get(pk=vendor.pk)
    _verify(vendor, verifier, "approved")
    vendor.refresh_from_db()
    password_set(user=vendor.account, password=str(context.password), via="seed_demo")
    if spec.state == "needs_reverification":
        services.vendor_deed_save(vendor=vendor, actor=vendor.account, kind="amendment",
                                  number="7", date=date(2024, 6, 3),
                                  notary="Rd. Hendi Suhendi, S.H., M.Kn.")
    elif spec.state == "deactivated":
        services.vendor_deactivate(vendor=vendor, actor=appadmin,
                                   reason="Permintaan penutupan akun oleh direktur (surat "
                                          "tanggal 2 Oktober 2026).")
    elif spec.state == "blacklisted":
        services.blacklist_add(
            actor=appadmin, company_name=f"PT {spec.name}", npwp=spec.npwp, nik="",
            source_reference="Keputusan PA Dinas PUTR No. 027/145/DPUTR/2026",
            starts_on=date(2026, 1, 15), ends_on=date(2027, 1, 14),
            notes="Wanprestasi pada paket pembangunan jalan desa.",
        )
    if spec.username == "cv.mitra" and not EmailChangeRequest.objects.filter(
            vendor=vendor).exists():
        letter = io.BytesIO(_DEMO_SCAN)
        letter.name = "surat-pernyataan.pdf"
        services.email_change_file(vendor=vendor, actor=vendor.account,
                                   new_email="admin@mitrakarya-sumedang.example",
                                   statement=letter, note="Alamat lama tidak aktif lagi.")
    return Vendor.objects.get(pk=vendor.pk)
