"""Generate a large, realistic data set for benchmarks:

    python manage.py seed_volume --tenders 100000 --vendors 20000

Agencies of the demo (or generated ones), one PPK and one committee per agency, N packages
and tenders spread over the last year and the coming months (so every stage is represented),
twelve schedule stages each, and M verified vendors of whom a few take part in each tender.
Rows are written in bulk (no per-row audit event: one summary event records the run). Meant
for benchmark databases, never for a production one.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from lpse.accounts.models import Agency, RoleAssignment, User
from lpse.accounts.roles import Role
from lpse.audit.services import audit_record
from lpse.catalog.models import (
    EvaluationMethod,
    FileMethod,
    FundingSource,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)
from lpse.tenders.models import (
    CodeSequence,
    Committee,
    CommitteeMember,
    Package,
    Participant,
    ScheduleStage,
    Tender,
)
from lpse.tenders.schedule import StageWindow, default_schedule
from lpse.tenders.search import build_search_text
from lpse.tenders.selectors import public_list_changed
from lpse.tenders.stages import StageCode, plan_for
from lpse.vendors.models import Vendor

WORKS = ["Pembangunan", "Rehabilitasi", "Peningkatan", "Pemeliharaan", "Pelebaran",
         "Penggantian", "Pengadaan", "Normalisasi", "Penataan", "Perbaikan"]
OBJECTS = {
    "konstruksi": ["Jalan", "Jembatan", "Drainase", "Saluran Irigasi", "Talud", "Gedung Kantor",
                   "Gedung Sekolah", "Puskesmas", "Pasar", "Trotoar", "Embung", "Gorong-gorong"],
    "barang": ["Alat Kesehatan", "Komputer dan Printer", "Kendaraan Operasional", "Mebel Sekolah",
               "Obat-obatan", "Alat Tulis Kantor", "Seragam Petugas", "Bahan Bangunan"],
    "jasa_lainnya": ["Jasa Kebersihan", "Jasa Keamanan", "Katering Rapat", "Sewa Kendaraan"],
    "konsultansi_bu": ["Perencanaan Teknis", "Pengawasan Teknis", "Studi Kelayakan",
                       "Penyusunan Masterplan"],
}
PLACES = ["Cimalaka", "Paseh", "Tanjungsari", "Sukasari", "Jatinangor", "Pamulihan",
          "Conggeang", "Darmaraja", "Wado", "Jatigede", "Cadasngampar", "Sumedang Utara",
          "Sumedang Selatan", "Situraja", "Tomo", "Ujungjaya", "Buahdua", "Rancakalong",
          "Ganeas", "Cisitu", "Cibugel", "Tanjungkerta", "Tanjungmedar", "Surian", "Jatinunggal"]
COMPANY = ["Karya", "Mandiri", "Sejahtera", "Utama", "Jaya", "Abadi", "Persada", "Mitra",
           "Bangun", "Cipta", "Sentosa", "Makmur", "Priangan", "Tatar", "Sumedang", "Larang"]
BATCH = 5000


class Command(BaseCommand):
    help = "Generate N tenders and M vendors for benchmarks (bulk, realistic, spread in time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenders", type=int, default=1000)
        parser.add_argument("--vendors", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument("--participants", type=int, default=3,
                            help="Average participants per published tender.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenders, vendors = options["tenders"], options["vendors"]
        if tenders < 0 or vendors < 0:
            raise CommandError("Counts must not be negative.")
        rng = random.Random(options["seed"])  # noqa: S311 - sample data, not secrets
        started = timezone.now()
        agencies = self._agencies()
        pool = self._vendors(vendors, rng)
        self.stdout.write(f"vendors: {len(pool)} in the pool")
        setup = self._officials(agencies)
        created = self._tenders(tenders, setup, pool, rng, options["participants"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("tenders_tender", "tenders_schedulestage", "tenders_participant",
                              "tenders_package", "vendors_vendor"):
                    cursor.execute(f"ANALYZE {table}")
        public_list_changed()
        with transaction.atomic():
            audit_record(action="tenders.volume_seeded", actor=None, data={
                "tenders": created, "vendors": vendors,
                "seconds": round((timezone.now() - started).total_seconds(), 1)})
        self.stdout.write(self.style.SUCCESS(
            f"{created} tenders and {vendors} vendors generated in "
            f"{(timezone.now() - started).total_seconds():.0f} s"))

    # --- Setup -----------------------------------------------------------------------------

    def _agencies(self) -> list[Agency]:
        agencies = list(Agency.objects.filter(is_active=True).order_by("pk"))
        for i in range(len(agencies), 12):
            agencies.append(Agency.objects.create(code=f"VOL{i:02d}",
                                                  name=f"Dinas Volume {i:02d}"))
        return agencies

    def _officials(self, agencies: list[Agency]) -> list[tuple[Agency, User, Committee]]:
        password = make_password(None)
        setup = []
        for agency in agencies:
            ppk, _created = User.objects.get_or_create(
                username=f"vol.ppk.{agency.code.lower()}",
                defaults={"full_name": f"PPK {agency.code}", "password": password,
                          "email": f"vol.ppk.{agency.code.lower()}@volume.test",
                          "agency": agency})
            RoleAssignment.objects.get_or_create(user=ppk, role=Role.PPK)
            members = []
            for i in range(3):
                member, _created = User.objects.get_or_create(
                    username=f"vol.pokja{i}.{agency.code.lower()}",
                    defaults={"full_name": f"Pokja {i} {agency.code}", "password": password,
                              "email": f"vol.pokja{i}.{agency.code.lower()}@volume.test",
                              "agency": agency})
                RoleAssignment.objects.get_or_create(user=member, role=Role.COMMITTEE)
                members.append(member)
            committee, created = Committee.objects.get_or_create(
                agency=agency, name=f"Pokja Volume {agency.code}",
                defaults={"created_by": ppk})
            if created:
                for i, member in enumerate(members):
                    CommitteeMember.objects.create(
                        committee=committee, user=member,
                        position=CommitteeMember.Position.CHAIR if i == 0
                        else CommitteeMember.Position.MEMBER)
            setup.append((agency, ppk, committee))
        return setup

    def _vendors(self, count: int, rng: random.Random) -> list[int]:
        existing = list(Vendor.objects.filter(status=Vendor.Status.ACTIVE).values_list(
            "pk", flat=True))
        start = (User.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        password = make_password(None)
        now = timezone.now()
        unique_fields = [f for f in Vendor._meta.concrete_fields
                         if f.unique and not f.primary_key and isinstance(f, models.CharField)
                         and f.name not in {"name", "npwp", "email"}]
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            with transaction.atomic():
                users = User.objects.bulk_create([
                    User(username=f"vol.vendor.{start + offset + i}", password=password,
                         full_name=f"Direktur {start + offset + i}",
                         email=f"vol.vendor.{start + offset + i}@volume.test")
                    for i in range(size)])
                users = list(User.objects.filter(
                    username__in=[u.username for u in users]).only("pk", "username"))
                RoleAssignment.objects.bulk_create(
                    [RoleAssignment(user=u, role=Role.VENDOR) for u in users])
                batch = []
                for user in users:
                    n = int(user.username.rsplit(".", 1)[1])
                    form = rng.choice([Vendor.BusinessForm.CV, Vendor.BusinessForm.PT])
                    vendor = Vendor(
                        account=user, business_form=form,
                        name=f"{rng.choice(COMPANY)} {rng.choice(COMPANY)} {n}",
                        npwp=f"{900000000000000 + n:015d}", email=user.email,
                        status=Vendor.Status.ACTIVE, verified_at=now)
                    for field in unique_fields:
                        setattr(vendor, field.name, f"V{n:011d}"[: field.max_length or 12])
                    batch.append(vendor)
                Vendor.objects.bulk_create(batch)
            existing.extend(Vendor.objects.filter(account__in=users).values_list(
                "pk", flat=True))
        return existing

    # --- Tenders ---------------------------------------------------------------------------

    def _tenders(self, count: int, setup: list[tuple[Agency, User, Committee]],
                 pool: list[int], rng: random.Random, participants: int) -> int:
        if count == 0:
            return 0
        categories = {c.code: c for c in ProcurementCategory.objects.filter(
            code__in=list(OBJECTS))}
        method = SelectionMethod.objects.get(code="tender")
        qualification = QualificationType.objects.get(code="pascakualifikasi")
        file_method = FileMethod.objects.get(code="satu_file")
        evaluation = EvaluationMethod.objects.get(code="harga_terendah")
        funding = list(FundingSource.objects.filter(is_active=True))
        plan = plan_for("tender")
        now = timezone.now()
        # One schedule per starting week, from a year ago to three months ahead.
        templates: list[tuple[datetime, dict[StageCode, StageWindow]]] = []
        for week in range(-52, 13):
            begin = now + timedelta(weeks=week)
            templates.append((begin, default_schedule(plan, begin)))
        year = timezone.localdate().year
        sequence, _created = CodeSequence.objects.get_or_create(kind="tender", year=year)
        pkg_sequence, _created = CodeSequence.objects.get_or_create(kind="package", year=year)
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                sequence = CodeSequence.objects.select_for_update().get(pk=sequence.pk)
                pkg_sequence = CodeSequence.objects.select_for_update().get(pk=pkg_sequence.pk)
                rows = []
                for i in range(size):
                    agency, ppk, committee = setup[rng.randrange(len(setup))]
                    code = rng.choice(list(categories))
                    place = rng.choice(PLACES)
                    name = f"{rng.choice(WORKS)} {rng.choice(OBJECTS[code])} {place}"
                    estimate = Decimal(rng.randrange(50, 5000) * 1_000_000)
                    begin, windows = templates[rng.randrange(len(templates))]
                    rows.append((agency, ppk, committee, categories[code], name, place,
                                 estimate, begin, windows,
                                 pkg_sequence.last_number + i + 1, sequence.last_number + i + 1))
                packages = Package.objects.bulk_create([
                    Package(code=f"PKT-{year}-{r[9]:06d}", name=r[4], agency=r[0],
                            category=r[3], method=method, fiscal_year=year,
                            funding_source=rng.choice(funding), budget_ceiling=r[6],
                            owner_estimate=r[6], location=f"Kecamatan {r[5]}", ppk=r[1],
                            committee=r[2], status=Package.Status.HANDED_OVER,
                            handed_over_at=r[7] - timedelta(days=7))
                    for r in rows])
                if packages and packages[0].pk is None:
                    by_code = dict(Package.objects.filter(
                        code__in=[p.code for p in packages]).values_list("code", "pk"))
                    for package in packages:
                        package.pk = by_code[package.code]
                tenders = []
                for r, package in zip(rows, packages, strict=True):
                    windows = r[8]
                    code_text = f"{year}{r[10]:06d}"
                    finished = windows[StageCode.CONTRACT_SIGNING].ends_at < now
                    roll = rng.random()
                    status = (Tender.Status.COMPLETED if finished and roll < 0.8 else
                              Tender.Status.FAILED if finished and roll < 0.9 else
                              Tender.Status.CANCELLED if roll > 0.98 else
                              Tender.Status.PUBLISHED)
                    published = r[7] - timedelta(hours=1)
                    tenders.append(Tender(
                        code=code_text, package=package, committee=r[2], name=r[4],
                        method=method, qualification=qualification, file_method=file_method,
                        evaluation_method=evaluation, agency=r[0], category=r[3],
                        fiscal_year=year, owner_estimate=r[6], budget_ceiling=r[6],
                        search_text=build_search_text([code_text, r[4], package.code,
                                                       r[0].code, r[0].name,
                                                       f"Kecamatan {r[5]}"]),
                        upload_starts_at=windows[StageCode.UPLOAD].starts_at,
                        upload_ends_at=windows[StageCode.UPLOAD].ends_at,
                        status=status, created_by=r[2].created_by, published_at=published,
                        published_by=r[2].created_by,
                        ended_at=now if status in Tender.ENDED else None,
                        end_reason="" if status in (Tender.Status.PUBLISHED,
                                                    Tender.Status.COMPLETED)
                        else "Data volume benchmark"))
                tenders = Tender.objects.bulk_create(tenders)
                if tenders and tenders[0].pk is None:
                    by_code = dict(Tender.objects.filter(
                        code__in=[t.code for t in tenders]).values_list("code", "pk"))
                    for tender in tenders:
                        tender.pk = by_code[tender.code]
                stages = []
                for r, tender in zip(rows, tenders, strict=True):
                    for stage, window in r[8].items():
                        stages.append(ScheduleStage(
                            tender_id=tender.pk, code=stage, starts_at=window.starts_at,
                            ends_at=window.ends_at,
                            start_notified_at=window.starts_at if window.starts_at <= now
                            else None))
                ScheduleStage.objects.bulk_create(stages, batch_size=BATCH)
                joined = []
                if pool:
                    for tender in tenders:
                        for vendor_pk in rng.sample(pool, min(len(pool), rng.randint(
                                0, participants * 2))):
                            joined.append(Participant(tender_id=tender.pk, vendor_id=vendor_pk,
                                                      joined_by_id=tender.created_by_id,
                                                      joined_at=tender.published_at or now))
                Participant.objects.bulk_create(joined, batch_size=BATCH,
                                                ignore_conflicts=True)
                sequence.last_number += size
                pkg_sequence.last_number += size
                sequence.save(update_fields=["last_number"])
                pkg_sequence.save(update_fields=["last_number"])
            done += size
            self.stdout.write(f"tenders: {done}/{count}")
        return done
