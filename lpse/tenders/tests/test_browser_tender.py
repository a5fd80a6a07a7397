"""Browser walks of the tender procedures, as their actors, in Indonesian:

1. a pascakualifikasi single-file tender from the PPK's package to the contract (the bid
   step done through the interim seam: offers recorded at the opening);
2. a schedule change with its reason (Lampiran III 3.5–3.6): the committee asks, the
   application administrator receives and applies it, every participant is e-mailed and
   the public schedule shows the history;
3. an objection (sanggah) filed by a bidder and answered by the committee;
4. a prequalification, from the qualification data to the shortlist.

The clock is frozen (time_machine) and moved from stage to stage; officials log in again
after each jump because their sessions end after 15 idle minutes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.core.calendar import to_wib
from lpse.core.testing.fixtures import browser_login
from lpse.tenders.models import Package, ScheduleChangeRequest, SopStepTiming, Tender
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    after,
    committee_member,
    inside,
    join,
    make_committee,
    make_tender,
    make_vendor,
)

# The master data seeded by migrations comes back after each flush (catalog's post_migrate
# handler); serialized_rollback would re-insert it on top of that and collide.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(new_page, username):
    page = new_page()
    browser_login(page, username)
    return page


def _ok(page):
    """The last action succeeded (no error message on the page)."""
    expect(page.locator(".alert-danger")).to_have_count(0)


def test_pascakualifikasi_single_file_tender_from_package_to_contract(new_page, clock, smtp):
    agency = AgencyFactory(code="DPUTR", name="Dinas Pekerjaan Umum dan Penataan Ruang")
    ppk = make_user(Role.PPK, agency=agency, username="ppk.dputr")
    committee = make_committee(agency, name="Pokja Pemilihan I")
    chair = committee.member_users()[0]
    vendors = [make_vendor("CV Mitra Karya"), make_vendor("PT Tatar Sunda Konstruksi")]

    # The PPK creates the package and hands it to the committee.
    page = _session(new_page, ppk.username)
    page.goto("/tenders/packages/new/")
    page.get_by_label("Nama paket").fill("Rehabilitasi Jalan Cimalaka–Paseh")
    page.get_by_label("Jenis pengadaan").select_option(label="Pekerjaan Konstruksi")
    page.get_by_label("Metode pemilihan").select_option(label="Tender")
    page.get_by_label("Sumber dana").select_option(label="APBD")
    page.get_by_label("Pagu anggaran (Rp)").fill("1300000000")
    page.get_by_label("HPS (Rp)").fill("1250000000")
    page.get_by_label("Lokasi").fill("Kecamatan Cimalaka")
    page.get_by_label("Kode RUP").fill("41235678")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/tenders/packages/\d+/$"))
    _ok(page)
    page.get_by_label("Pokja Pemilihan atau Pejabat Pengadaan").select_option(
        label="Pokja Pemilihan I")
    page.get_by_role("button", name="Serahkan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diserahkan ke Pokja")
    package = Package.objects.get(rup_code="41235678")
    assert smtp.to(chair.email), "the committee is told of the hand-over"

    # The committee prepares the tender: schedule, documents; then publishes it.
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/packages/{package.pk}/")
    page.get_by_role("button", name="Siapkan tender").click()
    page.wait_for_url(re.compile(r"/tenders/workspace/\d+/$"))
    tender = Tender.objects.get(package=package)
    assert tender.qualification.code == "pascakualifikasi"
    assert tender.file_method.code == "satu_file"
    page.get_by_role("link", name="Atur jadwal").click()
    page.get_by_role("button", name="Simpan jadwal").click()
    page.wait_for_url(re.compile(r"/workspace/\d+/#schedule$"))
    _ok(page)
    page.get_by_label("Berkas (PDF atau ZIP)").set_input_files({
        "name": "Dokumen-Pemilihan.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 300})
    page.get_by_role("button", name="Unggah").click()
    _ok(page)
    page.get_by_role("button", name="Tayangkan tender").click()
    expect(page.get_by_test_id("status")).to_have_text("Terbit")
    tender.refresh_from_db()

    # Two vendors find the tender, accept the integrity pact and download the documents.
    clock.move_to(inside(tender, StageCode.ANNOUNCEMENT, minutes=30))
    for vendor in vendors:
        vp = _session(new_page, vendor.account.username)
        vp.goto("/tenders/?q=cimalaka")
        vp.get_by_role("link", name=tender.code).click()
        vp.get_by_role("link", name="Ikut tender").click()
        expect(vp.get_by_test_id("integrity-pact")).to_contain_text("PAKTA INTEGRITAS")
        vp.get_by_label(re.compile("menyetujuinya atas nama perusahaan")).check()
        vp.get_by_role("button", name="Setuju dan ikut tender").click()
        expect(vp.get_by_test_id("participation")).to_be_visible()
        with vp.expect_download() as download:
            vp.get_by_role("link", name="Unduh").click()
        assert download.value.suggested_filename == "Dokumen-Pemilihan.pdf"

    # Bid opening — the bid step through the interim seam: offers read at the opening.
    clock.move_to(inside(tender, StageCode.OPENING, minutes=10))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    for vendor, amount in zip(vendors, ("1180000000", "1150000000"), strict=True):
        field = page.get_by_label(f"Harga penawaran {vendor.name}")
        field.fill(amount)
        field.press("Enter")
        page.wait_for_load_state()
        _ok(page)
    page.get_by_role("button", name="Mulai evaluasi").click()
    _ok(page)
    for vendor in vendors:
        page.get_by_role("link", name=f"Evaluasi {vendor.name}").click()
        for label in ("Evaluasi administrasi", "Evaluasi teknis", "Evaluasi harga",
                      "Evaluasi kualifikasi"):
            page.get_by_label(label).select_option(label="Lulus")
        page.get_by_role("button", name="Simpan evaluasi").click()
        _ok(page)

    # Winner determination, minutes (BAHP), announcement.
    clock.move_to(inside(tender, StageCode.WINNER_DECISION, minutes=5))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("button", name="Tetapkan pemenang dan cadangan").click()
    _ok(page)
    page.get_by_role("button", name="Terbitkan BAHP (PDF)").click()
    _ok(page)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT, minutes=5))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("button", name="Umumkan pemenang").click()
    _ok(page)
    public = new_page()
    public.goto(f"/tenders/{tender.code}/")
    winner_row = public.locator("#results-table tr.table-success")
    expect(winner_row).to_contain_text("PT Tatar Sunda Konstruksi")
    expect(winner_row).to_contain_text("Rp 1.150.000.000")
    assert "PT Tatar Sunda Konstruksi" in smtp.body(smtp.to(vendors[0].email)[-1])

    # After the objection period the PPK issues the SPPBJ and records the contract.
    clock.move_to(after(tender, StageCode.OBJECTION, minutes=30))
    page = _session(new_page, ppk.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("button", name="Terbitkan SPPBJ").click()
    _ok(page)
    attachments = list(smtp.to(vendors[1].email)[-1].iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    page.get_by_role("link", name="Catat kontrak").click()
    today = to_wib(tender.stage_window(StageCode.OBJECTION).ends_at).date() + timedelta(days=1)
    page.get_by_label("Nomor kontrak").fill("602.1/017/KONTRAK/DPUTR/2026")
    page.get_by_label("Tanggal penandatanganan").fill(today.isoformat())
    page.get_by_label("Nilai kontrak (Rp)").fill("1150000000")
    page.get_by_label("Mulai pekerjaan").fill(today.isoformat())
    page.get_by_label("Selesai pekerjaan").fill((today + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Simpan kontrak").click()
    expect(page.get_by_test_id("status")).to_have_text("Selesai")
    tender.refresh_from_db()
    assert tender.status == Tender.Status.COMPLETED
    assert tender.package.status == Package.Status.COMPLETED
    public.goto(f"/tenders/{tender.code}/")
    expect(public.get_by_text("602.1/017/KONTRAK/DPUTR/2026", exact=False)).to_be_visible()


def test_schedule_change_with_reason_is_applied_and_participants_emailed(new_page, clock,
                                                                          smtp):
    tender = make_tender(name="Pembangunan Jembatan Cipeles")
    participants = [join(tender), join(tender, make_vendor(language="en"))]
    chair = committee_member(tender)
    appadmin = make_user(Role.APPADMIN, username="appadmin")
    clock.move_to(inside(tender, StageCode.ANNOUNCEMENT, minutes=60))  # 10:00 WIB

    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("link", name="Ubah jadwal").click()
    objection = tender.stage_window(StageCode.OBJECTION)
    award = tender.stage_window(StageCode.AWARD_LETTER)
    contract = tender.stage_window(StageCode.CONTRACT_SIGNING)

    def local(moment):
        return to_wib(moment).strftime("%Y-%m-%dT%H:%M")

    week = timedelta(days=7)
    page.get_by_label("Masa Sanggah — sampai").fill(local(objection.ends_at + week))
    page.get_by_label("Surat Penunjukan Penyedia Barang/Jasa (SPPBJ) — mulai").fill(
        local(award.starts_at + week))
    page.get_by_label("Surat Penunjukan Penyedia Barang/Jasa (SPPBJ) — sampai").fill(
        local(award.ends_at + week))
    page.get_by_label("Penandatanganan Kontrak — mulai").fill(local(contract.starts_at + week))
    page.get_by_label("Penandatanganan Kontrak — sampai").fill(local(contract.ends_at + week))
    # Without the reason nothing is sent.
    page.get_by_role("button", name="Ajukan perubahan").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("wajib")
    assert not ScheduleChangeRequest.objects.exists()
    page.get_by_label("Alasan perubahan").fill(
        "Masa sanggah bertepatan dengan cuti bersama Idul Fitri.")
    page.get_by_role("button", name="Ajukan perubahan").click()
    expect(page.locator("#messages")).to_contain_text("Administrator Aplikasi")
    change = ScheduleChangeRequest.objects.get()
    assert smtp.to(appadmin.email), "the application administrator is told"

    # The administrator receives it, then applies it 20 minutes later (standard 15–30).
    clock.shift(timedelta(minutes=35))
    admin = _session(new_page, appadmin.username)
    admin.goto("/tenders/schedule-changes/")
    admin.get_by_role("link", name="Buka").click()
    expect(admin.get_by_test_id("reason")).to_contain_text("cuti bersama Idul Fitri")
    admin.get_by_role("button", name="Terima (mulai proses)").click()
    expect(admin.get_by_test_id("status")).to_have_text("Diterima administrator")
    # Twenty minutes of work (the session of an idle official ends after 15 minutes).
    clock.shift(timedelta(minutes=10))
    admin.reload()
    clock.shift(timedelta(minutes=10))
    admin.get_by_role("button", name="Terapkan jadwal baru").click()
    expect(admin.get_by_test_id("status")).to_have_text("Diterapkan")
    steps = dict(SopStepTiming.objects.filter(subject_id=str(change.pk)).values_list(
        "step", "working_minutes"))
    assert steps == {1: 0, 2: 35, 3: 20}

    indonesian, english = (smtp.body(smtp.to(p.vendor.email)[-1]) for p in participants)
    assert "cuti bersama Idul Fitri" in indonesian
    assert "Jadwal tender" in smtp.to(participants[0].vendor.email)[-1]["subject"]
    assert "has changed" in smtp.to(participants[1].vendor.email)[-1]["subject"]
    assert "cuti bersama Idul Fitri" in english

    public = new_page()
    public.goto(f"/tenders/{tender.code}/schedule/")
    expect(public.get_by_test_id("changes-objection")).to_have_text("diubah 1 kali")
    expect(public.locator("#stage-objection")).to_contain_text("cuti bersama Idul Fitri")
    expect(public.get_by_test_id("changes-upload")).to_have_text("diubah 0 kali")


def _announced(clock):
    """A tender whose winner (PT Medika Priangan, 850 M) is announced; CV Mitra Karya
    (900 M) lost."""
    from decimal import Decimal

    from lpse.tenders import services

    tender = make_tender(name="Peningkatan Jalan Darmaraja–Wado")
    loser, winner = join(tender, make_vendor("CV Mitra Karya")), join(
        tender, make_vendor("PT Medika Priangan"))
    chair = committee_member(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    for participant, amount in ((loser, "900000000"), (winner, "850000000")):
        services.offer_record(actor=chair, tender=tender, participant=participant,
                              amount=Decimal(amount))
    services.evaluation_start(actor=chair, tender=tender)
    for evaluation in tender.evaluations.all():
        services.evaluation_record(actor=chair, evaluation=evaluation,
                                   administrative_passed=True, technical_passed=True,
                                   price_passed=True, qualification_passed=True)
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=chair, tender=tender)
    services.evaluation_minutes_issue(actor=chair, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=chair, tender=tender)
    return tender, loser, winner, chair


def test_objection_is_filed_answered_and_public(new_page, clock, smtp):
    tender, loser, winner, chair = _announced(clock)

    # The losing bidder files an objection during the objection period.
    clock.move_to(inside(tender, StageCode.OBJECTION, minutes=90))
    vendor_page = _session(new_page, loser.vendor.account.username)
    vendor_page.goto(f"/tenders/{tender.code}/")
    vendor_page.get_by_label("Sanggahan Anda").fill(
        "Pemenang tidak melampirkan bukti pengalaman pekerjaan sejenis.")
    vendor_page.get_by_role("button", name="Kirim sanggah").click()
    expect(vendor_page.locator("#messages")).to_contain_text("Sanggah Anda telah dikirim")
    expect(vendor_page.get_by_label("Sanggahan Anda")).to_have_count(0)
    assert smtp.to(chair.email), "the committee is told"

    # The committee answers; the outcome is public and every participant is e-mailed.
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/#objections")
    page.get_by_label("Jawaban").fill("Bukti pengalaman telah diverifikasi dan sah.")
    page.get_by_label("Hasil").select_option(label="Ditolak")
    page.get_by_role("button", name="Terbitkan jawaban").click()
    _ok(page)
    public = new_page()
    public.goto(f"/tenders/{tender.code}/#objections")
    expect(public.locator("#result")).to_contain_text("Bukti pengalaman telah diverifikasi")
    expect(public.locator("#result")).to_contain_text("Ditolak")
    for participant in (loser, winner):
        assert "diverifikasi dan sah" in smtp.body(smtp.to(participant.vendor.email)[-1])


def test_upheld_objection_leads_to_a_reevaluation_and_a_new_winner(new_page, clock, smtp):
    """5. The committee upholds an objection to the winner and evaluates again: the result
    is withdrawn, the new schedule is public and e-mailed, the committee corrects the
    evaluation, decides, issues new minutes and announces the new winner; the former winner
    may object to the new result."""
    from lpse.tenders import services
    from lpse.tenders.models import Objection

    tender, loser, winner, chair = _announced(clock)
    clock.move_to(inside(tender, StageCode.OBJECTION, minutes=60))
    objection = services.objection_file(actor=loser.vendor.account, tender=tender,
                                        text="Pemenang tidak memiliki pengalaman sejenis.")
    clock.move_to(after(tender, StageCode.OBJECTION, minutes=30))
    services.objection_answer(actor=chair, objection=objection,
                              answer="Benar: kontrak pengalaman tidak dapat dibuktikan.",
                              outcome=Objection.Outcome.ACCEPTED)

    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/#reevaluation")
    section = page.locator("#reevaluation")
    expect(section).to_contain_text("Sanggah atas pemenang diterima")
    reason = "Sanggah CV Mitra Karya diterima: pengalaman pemenang tidak terbukti."
    page.get_by_label("Alasan evaluasi ulang").fill(reason)
    announce = page.get_by_label("Pengumuman pemenang yang baru (WIB)")
    proposed = announce.input_value()
    assert proposed, "a new announcement time is proposed"
    # An announcement in the past: refused with the reason kept as typed.
    announce.fill("2020-01-06T10:00")
    section.get_by_role("button", name="Evaluasi ulang").click()
    expect(page.locator("#reevaluation .invalid-feedback, #reevaluation .alert-danger").first
           ).to_contain_text("waktu yang akan datang")
    expect(page.get_by_label("Alasan evaluasi ulang")).to_have_value(reason)
    page.get_by_label("Pengumuman pemenang yang baru (WIB)").fill(proposed)
    page.locator("#reevaluation").get_by_role("button", name="Evaluasi ulang").click()
    expect(page.locator("#messages")).to_contain_text("evaluasi dibuka kembali")
    expect(page.locator("#reevaluation")).to_contain_text("Putaran 2")
    tender.refresh_from_db()
    assert tender.evaluation_round == 2
    assert "pengalaman pemenang tidak terbukti" in smtp.body(
        smtp.to(winner.vendor.email)[-1])

    public = new_page()
    public.goto(f"/tenders/{tender.code}/")
    expect(public.locator("#result")).to_contain_text("melakukan evaluasi ulang")
    expect(public.locator("#results-table")).to_have_count(0)
    public.goto(f"/tenders/{tender.code}/schedule/")
    expect(public.get_by_test_id("changes-objection")).to_have_text("diubah 1 kali")

    # The committee corrects the former winner's qualification and decides again.
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("link", name="Evaluasi PT Medika Priangan").click()
    page.get_by_label("Evaluasi kualifikasi").select_option(label="Gugur")
    page.get_by_label("Catatan kualifikasi").fill("Pengalaman sejenis tidak terbukti.")
    page.get_by_role("button", name="Simpan evaluasi").click()
    _ok(page)
    page.get_by_role("button", name="Tetapkan pemenang dan cadangan").click()
    _ok(page)
    page.get_by_role("button", name="Terbitkan BAHP (PDF)").click()
    _ok(page)
    tender.refresh_from_db()
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT, minutes=5))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/")
    page.get_by_role("button", name="Umumkan pemenang").click()
    _ok(page)
    public.goto(f"/tenders/{tender.code}/")
    expect(public.locator("#results-table tr.table-success")).to_contain_text("CV Mitra Karya")

    # A new objection period: the former winner objects to the new result.
    clock.move_to(inside(tender, StageCode.OBJECTION, minutes=60))
    vendor_page = _session(new_page, winner.vendor.account.username)
    vendor_page.goto(f"/tenders/{tender.code}/")
    vendor_page.get_by_label("Sanggahan Anda").fill("Pengalaman kami sah dan terdaftar.")
    vendor_page.get_by_role("button", name="Kirim sanggah").click()
    expect(vendor_page.locator("#messages")).to_contain_text("Sanggah Anda telah dikirim")
    assert tender.objections.filter(participant=winner, round=2).exists()


def test_prequalification_submission_evaluation_result_and_only_the_shortlist_bids(
        new_page, clock, smtp, settings):
    """4. A prequalification: vendors submit their qualification data (one forgets a field
    and keeps the attached PDF), the committee evaluates and decides, the result is public
    with its minutes, and the vendor who did not qualify is not invited to bid."""
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender = make_tender(name="Pembangunan Gedung RSUD Tahap II", prequalification=True)
    qualified, refused = join(tender, make_vendor("PT Tatar Sunda Konstruksi")), join(
        tender, make_vendor("CV Mitra Karya"))
    chair = committee_member(tender)
    pdf = {"name": "Dokumen-Kualifikasi.pdf", "mimeType": "application/pdf",
           "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 300}

    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION, minutes=30))
    for participant, experience in ((qualified, "Gedung RSUD Majalengka 4 lantai (2024)"),
                                    (refused, "Gedung kantor desa (2023)")):
        vp = _session(new_page, participant.vendor.account.username)
        vp.goto(f"/tenders/{tender.code}/")
        vp.get_by_role("link", name="Dokumen kualifikasi Anda").click()
        vp.get_by_label("Pengalaman").fill(experience)
        vp.get_by_label("Dokumen kualifikasi").set_input_files(pdf)
        # Key personnel forgotten: refused, the PDF is kept and not asked for again.
        vp.get_by_role("button", name="Sampaikan dokumen kualifikasi").click()
        expect(vp.locator(".invalid-feedback").first).to_be_visible()
        expect(vp.locator("body")).to_contain_text("Dokumen-Kualifikasi.pdf")
        vp.get_by_label("Personel manajerial").fill("Manajer proyek (SKK Ahli Madya)")
        vp.get_by_role("button", name="Sampaikan dokumen kualifikasi").click()
        expect(vp.locator("#messages")).to_contain_text("telah disampaikan")
        expect(vp.get_by_role("button", name="Ganti dokumen kualifikasi")).to_be_visible()
    assert tender.qualification_submissions.count() == 2
    assert {s.file.original_name for s in tender.qualification_submissions.all()} == {
        "Dokumen-Kualifikasi.pdf"}

    # The committee evaluates each submission after the deadline, then decides.
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION, minutes=30))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/#prequalification")
    for participant, passed in ((qualified, "Lulus"), (refused, "Tidak lulus")):
        page.get_by_role("link", name=f"Evaluasi {participant.vendor.name}").click()
        expect(page.locator("main")).to_contain_text("Manajer proyek")
        page.get_by_label(passed, exact=True).check()
        page.get_by_role("button", name="Simpan hasil").click()
        if passed == "Tidak lulus":  # a failure needs its reason
            expect(page.locator(".invalid-feedback").first).to_contain_text("alasan")
            page.get_by_label("Catatan").fill("Pengalaman sejenis tidak memenuhi.")
            page.get_by_role("button", name="Simpan hasil").click()
        _ok(page)
    expect(page.locator("#prequalification")).to_contain_text("Tidak lulus")
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT, minutes=5))
    page = _session(new_page, chair.username)
    page.goto(f"/tenders/workspace/{tender.pk}/#prequalification")
    page.get_by_role("button", name=re.compile("Tetapkan dan umumkan hasil")).click()
    _ok(page)
    expect(page.locator("#prequalification")).to_contain_text("Berita Acara Hasil Prakualifikasi")

    # Public: the result. Each vendor: its own result by e-mail and on its page.
    public = new_page()
    public.goto(f"/tenders/{tender.code}/")
    expect(public.get_by_test_id("prequalification-result")).to_contain_text(
        "PT Tatar Sunda Konstruksi")
    assert "LULUS" in smtp.body(smtp.to(qualified.vendor.email)[-1])
    assert "Pengalaman sejenis tidak memenuhi" in smtp.body(smtp.to(refused.vendor.email)[-1])
    clock.move_to(inside(tender, StageCode.UPLOAD, minutes=30))
    vp = _session(new_page, refused.vendor.account.username)
    vp.goto(f"/bids/tender/{tender.code}/")
    expect(vp.get_by_test_id("not-invited")).to_contain_text("lulus prakualifikasi")
    vp = _session(new_page, qualified.vendor.account.username)
    vp.goto(f"/bids/tender/{tender.code}/")
    expect(vp.get_by_test_id("not-invited")).to_have_count(0)
