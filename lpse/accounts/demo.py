"""Demo agencies of Kabupaten Sumedang and one official per role."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from lpse.accounts.models import Agency, RoleAssignment, User, WorkUnit
from lpse.accounts.roles import Role
from lpse.audit.services import audit_record
from lpse.core.demodata import DemoContext

ORDER = 10

AGENCIES = [
    ("SETDA", "Sekretariat Daerah Kabupaten Sumedang", Agency.Kind.SECRETARIAT,
     "Jl. Prabu Geusan Ulun No. 36, Sumedang"),
    ("DPUTR", "Dinas Pekerjaan Umum dan Penataan Ruang", Agency.Kind.OFFICE,
     "Jl. Prabu Gajah Agung No. 1, Sumedang"),
    ("DINKES", "Dinas Kesehatan", Agency.Kind.OFFICE, "Jl. Kutamaya No. 21, Sumedang"),
    ("DISDIK", "Dinas Pendidikan", Agency.Kind.OFFICE, "Jl. Mayor Abdurahman No. 154, Sumedang"),
    ("DISHUB", "Dinas Perhubungan", Agency.Kind.OFFICE, "Jl. Mayor Abdurahman No. 5, Sumedang"),
    ("DISKOMINFO", "Dinas Komunikasi, Informatika, Persandian dan Statistik",
     Agency.Kind.OFFICE, "Jl. Prabu Geusan Ulun No. 36, Sumedang"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", Agency.Kind.BOARD,
     "Jl. Prabu Geusan Ulun No. 36, Sumedang"),
    ("DPKPP", "Dinas Perumahan, Kawasan Permukiman dan Pertanahan", Agency.Kind.OFFICE,
     "Jl. Pangeran Kornel No. 57, Sumedang"),
    ("DLHK", "Dinas Lingkungan Hidup dan Kehutanan", Agency.Kind.OFFICE,
     "Jl. Ahmad Yani No. 4, Sumedang"),
    ("RSUD", "RSUD Umar Wirahadikusumah Sumedang", Agency.Kind.HOSPITAL,
     "Jl. Palasari No. 80, Sumedang"),
    ("KEC-JTN", "Kecamatan Jatinangor", Agency.Kind.DISTRICT, "Jl. Raya Jatinangor No. 131"),
    ("INSPEKTORAT", "Inspektorat Daerah", Agency.Kind.INSPECTORATE,
     "Jl. Prabu Geusan Ulun No. 36, Sumedang"),
]

WORK_UNITS = {
    "DPUTR": [("BM", "Bidang Bina Marga"), ("SDA", "Bidang Sumber Daya Air"),
              ("CK", "Bidang Cipta Karya")],
    "DINKES": [("YANKES", "Bidang Pelayanan Kesehatan"), ("P2P", "Bidang Pencegahan dan "
               "Pengendalian Penyakit")],
    "DISDIK": [("SD", "Bidang Pembinaan Sekolah Dasar"), ("SMP", "Bidang Pembinaan SMP")],
    "RSUD": [("UMUM", "Bagian Umum dan Perlengkapan")],
}

# (user ID, full name, roles, agency code, NIP, position)
OFFICIALS = [
    ("sysadmin", "Asep Saepudin, S.Kom.", [Role.SYSADMIN], None, "198503122010011003",
     "Administrator Sistem"),
    ("appadmin", "Rina Marlina, S.T.", [Role.APPADMIN], None, "198807082011012004",
     "Administrator Aplikasi"),
    ("verifikator", "Dedi Kurniawan", [Role.VERIFIER], None, "199001152014021002",
     "Verifikator"),
    ("helpdesk", "Siti Nurhaliza, A.Md.", [Role.HELPDESK], None, "199204232015032001",
     "Helpdesk"),
    ("kepala.lpse", "Drs. H. Ujang Suryana, M.Si.", [Role.HEAD], None, "197106091998031005",
     "Kepala UPTD LPSE"),
    ("trainer", "Yusuf Maulana, S.Kom.", [Role.TRAINER], None, "199109302016011001",
     "Pelatih SPSE"),
    ("lkpp.auditor", "Rahmat Hidayat (LKPP)", [Role.AUDITOR], None, "198211052008011006",
     "Auditor LKPP"),
    ("admin.dputr", "Hendra Gunawan, S.E.", [Role.AGENCY_ADMIN], "DPUTR", "198612012010011005",
     "Admin Agency DPUTR"),
    ("admin.dinkes", "Neneng Rohaeni, S.K.M.", [Role.AGENCY_ADMIN], "DINKES",
     "198905172012022003", "Admin Agency Dinkes"),
    ("pa.dputr", "Ir. Bambang Riyanto, M.T.", [Role.BUDGET_OWNER], "DPUTR",
     "196905141995031002", "Kepala Dinas PUTR (PA)"),
    ("ppk.dputr", "Agus Setiawan, S.T., M.T.", [Role.PPK], "DPUTR", "197808212005011004",
     "PPK Bidang Bina Marga"),
    ("ppk.dinkes", "dr. Lina Herlina", [Role.PPK], "DINKES", "198003112006042008",
     "PPK Dinas Kesehatan"),
    ("pokja1", "Wawan Setiawan, S.T.", [Role.COMMITTEE], "DPUTR", "198304192009011003",
     "Ketua Pokja Pemilihan"),
    ("pokja2", "Euis Kurniasih, S.E.", [Role.COMMITTEE], "DPUTR", "198510022010012002",
     "Anggota Pokja Pemilihan"),
    ("pokja3", "Cecep Supriatna, S.T.", [Role.COMMITTEE], "DPUTR", "198707232011011006",
     "Anggota Pokja Pemilihan"),
    ("pp.dinkes", "Dian Permana, S.E.", [Role.PROCUREMENT_OFFICER], "DINKES",
     "199002282015031003", "Pejabat Pengadaan"),
]


def demo_totp_key(username: str) -> str:
    """A per-installation demo authenticator key (hex), derived from SECRET_KEY."""
    return hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{username}".encode(),
                    hashlib.sha256).hexdigest()[:40]


def seed(context: DemoContext) -> None:
    for code, name, kind, address in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "address": address}
        )
        if created:
            audit_record(action="agency.created", actor=None, target=agency,
                         data={"code": code, "name": name, "source": "seed_demo"})
        context.agencies[code] = agency
    for code, units in WORK_UNITS.items():
        for unit_code, unit_name in units:
            WorkUnit.objects.get_or_create(agency=context.agencies[code], code=unit_code,
                                           defaults={"name": unit_name})
    for username, full_name, roles, agency_code, nip, position in OFFICIALS:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(
                username=username, full_name=full_name, email=f"{username}@demo.sumedangkab.go.id",
                nip=nip, position=position,
                agency=context.agencies[agency_code] if agency_code else None,
            )
            user.set_password(context.password)
            user.save()
            for role in roles:
                RoleAssignment.objects.create(user=user, role=role)
            TOTPDevice.objects.create(user=user, name="demo", key=demo_totp_key(username),
                                      confirmed=True)
            audit_record(action="user.created", actor=None, target=user,
                         data={"roles": sorted(roles), "source": "seed_demo"})
        context.users[username] = user
        context.remember_account(username, ", ".join(str(Role(r).label) for r in roles),
                                 agency_code or "LPSE")
