"""Browser walk of the training procedure (Lampiran II 2.3 table a) by its actors: the
agency's letter → the head's disposition → the helpdesk's phone confirmation and schedule
→ the reply letter → the trainer's surat tugas → participants → the attendance list."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.core.testing.fixtures import browser_login
from lpse.helpdesk.tests.factories import PDF_BYTES
from lpse.training.models import Participant, TrainingRequest, TrainingStep
from lpse.training.tests.factories import at, room

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = at(date(2026, 11, 30), 8)
TRAINING_DAY = date(2026, 12, 4)  # a Friday


def test_from_the_agency_letter_to_the_attendance_list(new_page, smtp) -> None:
    agency = AgencyFactory(code="DPUTR", name="Dinas PUTR", email="dputr@sumedang.test")
    make_user(Role.AGENCY_ADMIN, username="admin.dputr", agency=agency,
              full_name="Hendra Gunawan", email="hendra@dputr.test")
    make_user(Role.HEAD, username="kepala", full_name="Ujang Suryana", email="kepala@lpse.test")
    make_user(Role.HELPDESK, username="siti", full_name="Siti Nurhaliza", email="siti@lpse.test")
    make_user(Role.TRAINER, username="yusuf", full_name="Yusuf Maulana",
              email="yusuf@lpse.test")
    room(name="Ruang Pelatihan LPSE", capacity=20)

    with time_machine.travel(MONDAY, tick=True):
        # 1. The agency sends its letter.
        agency_page = new_page()
        browser_login(agency_page, "admin.dputr")
        agency_page.goto("/training/requests/new/")
        agency_page.get_by_label("Nomor surat").fill("005/321/DPUTR/XI/2026")
        agency_page.get_by_label("Tanggal surat").fill("2026-11-27")
        agency_page.get_by_label("Surat (pindaian)").set_input_files(files=[{
            "name": "surat-permohonan.pdf", "mimeType": "application/pdf",
            "buffer": PDF_BYTES}])
        agency_page.get_by_label("Materi").fill("E-tendering untuk Pokja dan PPK")
        agency_page.get_by_label("Jumlah peserta").fill("12")
        agency_page.get_by_label(re.compile(r"^Narahubung")).fill("Hendra Gunawan")
        agency_page.get_by_label("Telepon narahubung").fill("0812-1111-2222")
        agency_page.get_by_role("button", name="Kirim permintaan").click()
        agency_page.wait_for_url(re.compile(r"/training/requests/\d+/$"))
        expect(agency_page.get_by_test_id("request-status")).to_have_text("Diajukan")
        request = TrainingRequest.objects.get()
        request_url = f"/training/requests/{request.pk}/"

        # The head disposes it to the helpdesk.
        head = new_page()
        browser_login(head, "kepala")
        head.goto(request_url)
        head.get_by_label("Disposisi kepada").select_option(label="Siti Nurhaliza (siti)")
        head.get_by_label("Disposisi", exact=True).fill("Mohon dijadwalkan minggu ini.")
        head.get_by_role("button", name="Disposisikan").click()
        expect(head.get_by_test_id("request-status")).to_have_text(
            "Didisposisikan ke helpdesk")

        # 2. The helpdesk phones the agency and records the agreed date; 3. schedules.
        desk = new_page()
        browser_login(desk, "siti")
        desk.goto(request_url)
        desk.get_by_role("link", name="Catat konfirmasi telepon").click()
        desk.get_by_label("Tanggal yang disepakati").fill(TRAINING_DAY.isoformat())
        desk.get_by_label("Catatan percakapan telepon").fill("Disepakati Jumat, 12 orang.")
        desk.get_by_role("button", name="Simpan").click()
        expect(desk.get_by_test_id("request-status")).to_have_text(
            "Tanggal disepakati via telepon")
        desk.get_by_role("link", name="Jadwalkan pelatihan").click()
        expect(desk.get_by_label(re.compile(r"^Tanggal \*?$"))).to_have_value(
            TRAINING_DAY.isoformat())
        desk.get_by_label("Ruang").select_option(label="Ruang Pelatihan LPSE (20)")
        desk.get_by_label("Sampai").fill("15:00")
        desk.get_by_role("button", name="Jadwalkan").click()
        expect(desk.get_by_test_id("request-status")).to_have_text("Terjadwal")

        # 4–5. The head issues the numbered reply letter, e-mailed to the agency.
        head.goto(request_url)
        head.get_by_role("link", name="Terbitkan surat jawaban").click()
        head.get_by_role("button", name="Terbitkan dan kirim surat jawaban").click()
        expect(head.get_by_test_id("request-status")).to_have_text("Surat jawaban terkirim")
        letter = smtp.to("dputr@sumedang.test")[-1]
        assert next(letter.iter_attachments()).get_content_type() == "application/pdf"

        # 6. The head assigns the trainer with a surat tugas.
        head.get_by_role("link", name="Tugaskan pelatih").click()
        head.get_by_label("Pelatih").select_option(label="Yusuf Maulana (yusuf)")
        head.get_by_role("button", name="Simpan").click()
        expect(head.get_by_test_id("trainer")).to_contain_text("Yusuf Maulana")
        assert next(smtp.to("yusuf@lpse.test")[-1].iter_attachments()).get_filename()

        # The agency registers its participants.
        agency_page.goto(request_url)
        agency_page.get_by_role("link", name="Pelatihan SPSE untuk Dinas PUTR").click()
        for name in ("Wawan Setiawan", "Euis Kurniasih", "Cecep Supriatna"):
            agency_page.get_by_label(re.compile(r"^Nama")).fill(name)
            agency_page.get_by_role("button", name="Tambah", exact=True).click()
            expect(agency_page.get_by_role("cell", name=name)).to_be_visible()

    # 7. On the day, the trainer fills in the attendance list.
    with time_machine.travel(at(TRAINING_DAY, 10), tick=True):
        trainer = new_page()
        browser_login(trainer, "yusuf")
        trainer.goto(f"/training/sessions/{request.session.pk}/")
        trainer.get_by_role("link", name="Daftar hadir").click()
        trainer.get_by_label("Wawan Setiawan").check()
        trainer.get_by_label("Euis Kurniasih").check()
        trainer.get_by_role("button", name="Simpan daftar hadir").click()
        expect(trainer.get_by_text("Daftar hadir telah disimpan.")).to_be_visible()
        trainer.get_by_role("button", name="Terbitkan sertifikat kehadiran").click()
        expect(trainer.get_by_test_id("attendance-list")).to_contain_text("SRT/")

    present = set(Participant.objects.filter(attended=True).values_list("name", flat=True))
    assert present == {"Wawan Setiawan", "Euis Kurniasih"}
    request.refresh_from_db()
    assert request.status == TrainingRequest.Status.COMPLETED
    steps = TrainingStep.objects.filter(request=request)
    assert [s.actor.username for s in steps] == [
        "admin.dputr", "kepala", "siti", "siti", "kepala", "kepala", "kepala", "yusuf"]
