"""Demo tenders of Kabupaten Sumedang in every stage, from draft to contract.

Each tender is created, scheduled and published through the services, then walked stage by
stage: to show a tender "in" a past stage the demo slides the whole schedule back in time
(directly on the schedule rows — something no user can do) and runs the services of that
stage at the real clock. Idempotent: packages carry a DEMO- RUP code and are not recreated.
"""

from __future__ import annotations

import functools
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lpse.accounts.models import User
from lpse.catalog.codes import QualificationCode
from lpse.catalog.models import (
    FundingSource,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)
from lpse.core.demodata import DemoContext
from lpse.tenders import services
from lpse.tenders.bidding import bid_source
from lpse.tenders.models import (
    Committee,
    CommitteeMember,
    Objection,
    Package,
    ScheduleStage,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import StageWindow, change_issues, default_schedule
from lpse.tenders.services.tenders import sync_upload_window
from lpse.tenders.stages import StageCode

ORDER = 40



@functools.cache
def demo_pdf() -> bytes:
    """A readable one-page PDF standing in for the tender documents of the demo."""
    from lpse.core.pdf import PdfDocument

    doc = PdfDocument(title="Dokumen Tender (contoh)")
    doc.paragraph("Dokumen ini adalah contoh dalam data demo portal LPSE: isi dokumen "
                  "pemilihan atau kualifikasi yang sebenarnya disusun oleh Pokja Pemilihan "
                  "sesuai Standar Dokumen Pemilihan.")
    return doc.render()

# (RUP code, name, location, HPS, stage the tender is shown in)
CONSTRUCTION = [
    ("DEMO-01", "Pembangunan Drainase Jl. Prabu Gajah Agung", "Kecamatan Sumedang Utara",
     "485000000", "draft"),
    ("DEMO-02", "Rehabilitasi Jalan Cimalaka–Paseh", "Kecamatan Cimalaka",
     "1250000000", StageCode.ANNOUNCEMENT),
    ("DEMO-03", "Peningkatan Jalan Tanjungsari–Sukasari", "Kecamatan Tanjungsari",
     "2150000000", StageCode.CLARIFICATION),
    ("DEMO-04", "Pembangunan Jembatan Cipeles", "Kecamatan Sumedang Selatan",
     "3400000000", StageCode.UPLOAD),
    ("DEMO-05", "Rehabilitasi Irigasi Cipasang", "Kecamatan Paseh",
     "780000000", StageCode.OPENING),
    ("DEMO-06", "Pembangunan Gedung Kantor Kecamatan Jatinangor", "Kecamatan Jatinangor",
     "2750000000", StageCode.EVALUATION),
    ("DEMO-07", "Pelebaran Jalan Sukasari–Pamulihan", "Kecamatan Pamulihan",
     "1640000000", StageCode.QUALIFICATION_PROOF),
    ("DEMO-08", "Pembangunan Talud Sungai Cipeles", "Kecamatan Sumedang Utara",
     "920000000", StageCode.WINNER_DECISION),
    ("DEMO-09", "Rehabilitasi Gedung SDN Conggeang", "Kecamatan Conggeang",
     "650000000", StageCode.WINNER_ANNOUNCEMENT),
    ("DEMO-10", "Peningkatan Jalan Darmaraja–Wado", "Kecamatan Darmaraja",
     "1980000000", StageCode.OBJECTION),
    ("DEMO-11", "Pembangunan Trotoar Alun-Alun Sumedang", "Kecamatan Sumedang Selatan",
     "560000000", StageCode.AWARD_LETTER),
    ("DEMO-12", "Rehabilitasi Pasar Inpres Sumedang", "Kecamatan Sumedang Utara",
     "1320000000", StageCode.CONTRACT_SIGNING),
    ("DEMO-13", "Pembangunan Embung Desa Cibeureum Wetan", "Kecamatan Cimalaka",
     "870000000", "completed"),
    ("DEMO-14", "Pemeliharaan Jalan Lingkar Jatigede", "Kecamatan Jatigede",
     "1100000000", "failed"),
    ("DEMO-15", "Pembangunan Gapura Batas Kabupaten", "Kecamatan Cadasngampar",
     "350000000", "cancelled"),
    ("DEMO-19", "Rehabilitasi Jaringan Irigasi Cipasang", "Kecamatan Cibugel",
     "1450000000", "reevaluation"),
]
#: Complex works tendered with a prequalification, each shown in one of its stages.
PREQUALIFIED = [
    ("DEMO-16", "Pembangunan Gedung RSUD Sumedang Tahap II", "Kecamatan Sumedang Utara",
     "18500000000", StageCode.QUALIFICATION_SUBMISSION),
    ("DEMO-17", "Pembangunan Bendung Cipeles Hilir", "Kecamatan Paseh",
     "12750000000", StageCode.QUALIFICATION_EVALUATION),
    ("DEMO-18", "Pembangunan Jembatan Gantung Jatigede", "Kecamatan Jatigede",
     "9800000000", StageCode.QUALIFICATION_OBJECTION),
]
VENDORS = ["cv.mitra", "pt.tatar", "pt.medika"]


def _user(context: DemoContext, username: str) -> User:
    user = context.users.get(username) or User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"demo user {username} missing (accounts demo must run first)")
    return user


def _committee(context: DemoContext) -> Committee:
    existing = Committee.objects.filter(agency=context.agencies["DPUTR"],
                                        name="Pokja Pemilihan I DPUTR").first()
    if existing is not None:
        return existing
    return services.committee_create(
        actor=_user(context, "admin.dputr"), kind=Committee.Kind.COMMITTEE,
        name="Pokja Pemilihan I DPUTR", decree_number="027/SK.45/DPUTR/2026",
        decree_date=timezone.localdate(),
        members=[(_user(context, "pokja1"), CommitteeMember.Position.CHAIR),
                 (_user(context, "pokja2"), CommitteeMember.Position.SECRETARY),
                 (_user(context, "pokja3"), CommitteeMember.Position.MEMBER)])


def _slide(tender: Tender, stage: StageCode, minutes: int = 30) -> Tender:
    """Move the whole schedule so that now is `minutes` into `stage` (demo only)."""
    stages = list(ScheduleStage.objects.filter(tender=tender))
    start = next(s.starts_at for s in stages if s.code == stage)
    delta = timezone.now() - (start + timedelta(minutes=minutes))
    for row in stages:
        row.starts_at += delta
        row.ends_at += delta
        row.start_notified_at = row.starts_at if row.starts_at <= timezone.now() else None
        row.save(update_fields=["starts_at", "ends_at", "start_notified_at"])
    fresh = Tender.objects.get(pk=tender.pk)
    sync_upload_window(fresh)
    return Tender.objects.get(pk=tender.pk)


def _vendors(context: DemoContext) -> list[User]:
    return [u for u in (context.users.get(n) or User.objects.filter(username=n).first()
                        for n in VENDORS) if u is not None and hasattr(u, "vendor")]


def _walk(context: DemoContext, tender: Tender, target: str) -> None:
    """Run the tender through the services up to `target`."""
    order = list(StageCode)
    reach = len(order) if target in ("completed", "failed", "reevaluation") else order.index(
        StageCode(target))
    chair = _user(context, "pokja1")
    ppk = _user(context, "ppk.dputr")
    vendors = _vendors(context)

    def past(stage: StageCode) -> bool:
        return reach >= order.index(stage)

    tender = _slide(tender, StageCode.ANNOUNCEMENT)
    for vendor in vendors[: 1 if target == StageCode.ANNOUNCEMENT else 3]:
        services.tender_join(actor=vendor, tender=tender, accept_pact=True)
    if not past(StageCode.CLARIFICATION):
        return
    tender = _slide(tender, StageCode.CLARIFICATION, minutes=20)
    if vendors:
        question = services.question_ask(
            actor=vendors[0], tender=tender,
            text="Apakah peserta wajib melampirkan sertifikat SMK3 pada dokumen penawaran?")
        if target != StageCode.CLARIFICATION:
            services.question_answer(
                actor=chair, question=question,
                answer="Ya, sesuai persyaratan pada Lembar Data Kualifikasi angka 7.")
    if not past(StageCode.UPLOAD):
        return
    tender = _slide(tender, StageCode.UPLOAD, minutes=60)
    services.clarification_minutes_issue(actor=chair, tender=tender)
    if not past(StageCode.OPENING):
        return
    participants = list(tender.participants.order_by("pk"))
    base = tender.owner_estimate
    offers = [(base * f).quantize(Decimal("1000"))
              for f in (Decimal("0.94"), Decimal("0.91"), Decimal("0.97"))]
    sealed = not bid_source().manual_entry
    if sealed:  # the sealed bids (lpse.bids) are uploaded during the upload stage
        from lpse.bids.demo import submit_bids

        submit_bids(tender, participants, offers)
    tender = _slide(tender, StageCode.OPENING, minutes=15)
    if sealed:
        from lpse.bids.demo import open_bids

        open_bids(tender)
    for participant, amount in zip(participants, offers, strict=False):
        if not sealed:
            services.offer_record(actor=chair, tender=tender, participant=participant,
                                  amount=amount)
    if not past(StageCode.EVALUATION) or target == StageCode.OPENING:
        return
    services.evaluation_start(actor=chair, tender=tender)
    tender = _slide(tender, StageCode.EVALUATION, minutes=60 * 3)
    for index, evaluation in enumerate(tender.evaluations.order_by("pk")):
        if index == 2:
            # Knockout system (sistem gugur): the technical failure ends the evaluation of
            # this bid; its price and qualification are not evaluated.
            services.evaluation_record(
                actor=chair, evaluation=evaluation, administrative_passed=True,
                technical_passed=False,
                technical_notes="Metode pelaksanaan tidak sesuai dengan lingkup pekerjaan.")
            continue
        services.evaluation_record(
            actor=chair, evaluation=evaluation, administrative_passed=True,
            technical_passed=True, corrected_price=evaluation.offer_amount, price_passed=True,
            qualification_passed=True if past(StageCode.QUALIFICATION_PROOF) else None)
    if not past(StageCode.WINNER_DECISION):
        if past(StageCode.QUALIFICATION_PROOF):
            _slide(tender, StageCode.QUALIFICATION_PROOF)
        return
    tender = _slide(tender, StageCode.WINNER_DECISION, minutes=10)
    services.tender_winner_set(actor=chair, tender=tender)
    services.evaluation_minutes_issue(actor=chair, tender=tender)
    if not past(StageCode.WINNER_ANNOUNCEMENT):
        return
    tender = _slide(tender, StageCode.WINNER_ANNOUNCEMENT, minutes=10)
    services.tender_winner_announce(actor=chair, tender=tender)
    if not past(StageCode.OBJECTION):
        return
    tender = _slide(tender, StageCode.OBJECTION, minutes=60 * 5)
    loser = tender.evaluations.filter(award=1).select_related("participant__vendor").first()
    objection = None
    if loser is not None:
        objection = services.objection_file(
            actor=loser.participant.vendor.account, tender=tender,
            text="Kami keberatan karena pemenang tidak melampirkan bukti pengalaman "
                 "pekerjaan sejenis dalam 4 tahun terakhir.")
    if target == "failed":
        if objection is not None:
            services.objection_answer(actor=chair, objection=objection,
                                      answer="Sanggah benar: bukti pengalaman pemenang tidak "
                                             "sah.", outcome=Objection.Outcome.ACCEPTED)
        services.tender_fail(actor=chair, tender=tender,
                             reason="Sanggah diterima; tidak ada penawaran lain yang memenuhi "
                                    "syarat kualifikasi.")
        services.tender_retender(actor=chair, tender=tender)
        return
    if target == "reevaluation":
        # The objection is upheld and the committee evaluates again (evaluasi ulang): the
        # demo leaves it in the new winner determination, the correction still to make.
        if objection is not None:
            services.objection_answer(actor=chair, objection=objection,
                                      answer="Sanggah benar: kontrak pengalaman pemenang tidak "
                                             "dapat dibuktikan.",
                                      outcome=Objection.Outcome.ACCEPTED)
        tender = _slide(tender, StageCode.AWARD_LETTER, minutes=10)
        services.evaluation_reopen(
            actor=chair, tender=tender,
            reason="Sanggah diterima: pengalaman pekerjaan sejenis pemenang tidak terbukti; "
                   "kualifikasi pemenang dievaluasi ulang.",
            announce_at=timezone.now() + timedelta(days=3))
        return
    if not past(StageCode.AWARD_LETTER):
        return
    if objection is not None:
        services.objection_answer(actor=chair, objection=objection,
                                  answer="Bukti pengalaman pemenang telah diverifikasi pada "
                                         "pembuktian kualifikasi dan dinyatakan sah.",
                                  outcome=Objection.Outcome.REJECTED)
    tender = _slide(tender, StageCode.AWARD_LETTER, minutes=10)
    if target == StageCode.AWARD_LETTER:
        return  # the PPK issues the SPPBJ in the demo
    letter = services.award_letter_issue(actor=ppk, tender=tender)
    tender = _slide(tender, StageCode.CONTRACT_SIGNING, minutes=45)
    if target == "completed":
        today = timezone.localdate()
        services.contract_record(
            actor=ppk, tender=tender, number=f"602.1/{tender.code}/KONTRAK/DPUTR/{today.year}",
            signed_on=today, value=letter.amount, starts_on=today,
            ends_on=today + timedelta(days=120))


def _walk_prequalification(context: DemoContext, tender: Tender, target: StageCode) -> None:
    """Run a prequalification up to `target`: every demo vendor joins and (but for the
    first one while submissions are open) submits its qualification data."""
    chair = _user(context, "pokja1")
    tender = _slide(tender, StageCode.QUALIFICATION_SUBMISSION, minutes=60)
    for index, vendor in enumerate(_vendors(context)):
        services.tender_join(actor=vendor, tender=tender, accept_pact=True)
        if target == StageCode.QUALIFICATION_SUBMISSION and index == 0:
            continue
        services.qualification_submit(
            actor=vendor, tender=tender,
            experience="Pembangunan gedung 4 lantai RSUD Majalengka (2024, Rp 14,2 M); "
                       "rehabilitasi gedung rawat inap RSUD Subang (2023, Rp 6,8 M).",
            personnel="Manajer proyek (SKK Ahli Madya Teknik Bangunan Gedung), ahli K3 "
                      "konstruksi, ahli mekanikal-elektrikal.",
            equipment="Tower crane 1 unit, concrete pump 2 unit, scaffolding 1.200 set.",
            source=io.BytesIO(demo_pdf()), filename="Dokumen-Kualifikasi.pdf")
    if target == StageCode.QUALIFICATION_SUBMISSION:
        return
    tender = _slide(tender, StageCode.QUALIFICATION_EVALUATION, minutes=60)
    if target == StageCode.QUALIFICATION_EVALUATION:
        return
    for submission in tender.qualification_submissions.order_by("pk"):
        services.qualification_evaluate(
            actor=chair, submission=submission, passed=True,
            notes="Memenuhi persyaratan kualifikasi; dokumen asli telah diverifikasi.")
    tender = _slide(tender, StageCode.QUALIFICATION_RESULT, minutes=10)
    services.prequalification_result_set(actor=chair, tender=tender)
    _slide(tender, StageCode.QUALIFICATION_OBJECTION, minutes=60)


def _seed_prequalified(context: DemoContext, committee: Committee, base: dict[str, Any]
                       ) -> None:
    ppk, chair = _user(context, "ppk.dputr"), _user(context, "pokja1")
    prequalification = QualificationType.objects.get(code=QualificationCode.PREQUALIFICATION)
    for rup, name, location, hps, target in PREQUALIFIED:
        estimate = Decimal(hps)
        package = services.package_create(
            actor=ppk, name=name, owner_estimate=estimate, location=location,
            rup_code=f"{rup}-{base['fiscal_year']}",
            budget_ceiling=(estimate * Decimal("1.05")).quantize(Decimal("1000")),
            qualification_requirements=(
                "Memiliki NIB dengan KBLI 41012; SBU Gedung Kesehatan (BG007) kualifikasi "
                "besar; pengalaman pekerjaan sejenis dalam 4 tahun terakhir; tidak masuk "
                "Daftar Hitam."), **base)
        services.package_hand_over(actor=ppk, package=package, committee=committee)
        tender = services.tender_create(actor=chair, package=package)
        services.tender_update_settings(
            actor=chair, tender=tender, name=tender.name, qualification=prequalification,
            file_method=tender.file_method, evaluation_method=tender.evaluation_method,
            requirements=tender.requirements)
        tender = Tender.objects.get(pk=tender.pk)
        windows = default_schedule(tender.plan, timezone.now() + timedelta(days=1))
        services.schedule_set(actor=chair, tender=tender, windows=windows)
        services.document_add(actor=chair, tender=tender, source=io.BytesIO(demo_pdf()),
                              filename=f"Dokumen-Kualifikasi-{rup}.pdf",
                              title="Dokumen Kualifikasi",
                              kind=TenderDocument.Kind.QUALIFICATION)
        services.document_add(actor=chair, tender=tender, source=io.BytesIO(demo_pdf()),
                              filename=f"Dokumen-Pemilihan-{rup}.pdf",
                              title="Dokumen Pemilihan (untuk peserta yang lulus prakualifikasi)")
        services.tender_publish(actor=chair, tender=tender)
        _walk_prequalification(context, tender, target)


def seed(context: DemoContext) -> None:
    if "DPUTR" not in context.agencies or "ppk.dputr" not in context.users:
        return
    if Package.objects.filter(rup_code__startswith="DEMO-").exists():
        return
    committee = _committee(context)
    ppk = _user(context, "ppk.dputr")
    chair = _user(context, "pokja1")
    category = ProcurementCategory.objects.get(code="konstruksi")
    method = SelectionMethod.objects.get(code="tender")
    funding = FundingSource.objects.get(code="APBD")
    year = timezone.localdate().year
    work_unit = context.agencies["DPUTR"].work_units.filter(code="BM").first()
    for rup, name, location, hps, target in CONSTRUCTION:
        estimate = Decimal(hps)
        package = services.package_create(
            actor=ppk, name=name, category=category, method=method, fiscal_year=year,
            funding_source=funding, budget_ceiling=(estimate * Decimal("1.05")).quantize(
                Decimal("1000")), owner_estimate=estimate, location=location,
            work_unit=work_unit, rup_code=f"{rup}-{year}",
            qualification_requirements=(
                "Memiliki NIB dengan KBLI 42101; SBU Jalan Raya (BG004) kualifikasi kecil; "
                "pengalaman pekerjaan sejenis dalam 4 tahun terakhir; tidak masuk Daftar "
                "Hitam."))
        services.package_hand_over(actor=ppk, package=package, committee=committee)
        tender = services.tender_create(actor=chair, package=package)
        windows = default_schedule(tender.plan, timezone.now() + timedelta(days=1))
        services.schedule_set(actor=chair, tender=tender, windows=windows)
        services.document_add(actor=chair, tender=tender, source=io.BytesIO(demo_pdf()),
                              filename=f"Dokumen-Pemilihan-{rup}.pdf",
                              title="Dokumen Pemilihan")
        if target == "draft":
            continue
        services.tender_publish(actor=chair, tender=tender)
        if target == "cancelled":
            services.tender_cancel(actor=ppk, tender=tender,
                                   reason="Anggaran dialihkan untuk penanganan bencana "
                                          "longsor (refocusing APBD).")
            continue
        _walk(context, tender, str(target))
    _seed_prequalified(context, committee, {
        "category": category, "method": method, "fiscal_year": year,
        "funding_source": funding, "work_unit": work_unit})
    # A schedule change waiting for the application administrator (SOP Lampiran III 3.6).
    upload_tender = Tender.objects.filter(package__rup_code=f"DEMO-04-{year}").first()
    if upload_tender is not None:
        changes = _extension(upload_tender)
        if changes is not None:
            services.schedule_change_request(
                actor=chair, tender=upload_tender, windows=changes,
                reason="Penyesuaian spesifikasi teknis jembatan berdasarkan hasil peninjauan "
                       "lapangan; peserta memerlukan waktu tambahan menyusun penawaran.")


def _extension(tender: Tender) -> dict[StageCode, StageWindow] | None:
    """The upload deadline and every later stage moved one (or two…) weeks later, laid out
    again on working days and hours."""
    schedule = tender.schedule()
    order = list(StageCode)
    upload, download = schedule[StageCode.UPLOAD], schedule[StageCode.DOWNLOAD]
    for weeks in (1, 2, 3):
        tail = default_schedule(tender.plan, upload.ends_at + timedelta(weeks=weeks))
        new_end = tail[StageCode.UPLOAD].ends_at
        changes = {stage: window for stage, window in tail.items()
                   if order.index(stage) >= order.index(StageCode.OPENING)}
        changes[StageCode.UPLOAD] = StageWindow(upload.starts_at, new_end)
        changes[StageCode.DOWNLOAD] = StageWindow(download.starts_at, new_end)
        if not change_issues(schedule, changes, tender.plan, now=timezone.now()):
            return changes
    return None
