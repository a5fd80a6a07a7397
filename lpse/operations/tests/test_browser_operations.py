"""Browser walks of the operations procedures (Pasal 12 d, 12 f, Lampiran 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.fixtures import browser_login
from lpse.operations import hooks
from lpse.operations.models import ChecklistEntry, ChecklistRun, MaintenanceWindow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_maintenance_mode_blocks_the_public_and_lets_administrators_through(new_page):
    make_user(Role.SYSADMIN, username="sysadmin")
    make_user(Role.VENDOR, username="cv.mitra")
    deadline = timezone.now() + timedelta(minutes=40)
    hooks.register_deadline_provider(lambda start, end: [
        hooks.Deadline(label="Batas unggah penawaran Jalan Desa Cimalaka", at=deadline)])

    admin = new_page()
    browser_login(admin, "sysadmin")
    admin.goto("/operations/maintenance/new/")
    start = timezone.localtime() + timedelta(minutes=2)
    admin.get_by_label("Judul").fill("Penggantian disk server")
    admin.get_by_label("Pesan kepada pengguna").fill("Disk server SPSE diganti.")
    admin.get_by_label("Mulai (WIB)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    end = start + timedelta(hours=2)
    admin.get_by_label("Selesai (WIB)").fill(end.strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_role("button", name="Jadwalkan dan umumkan").click()
    admin.wait_for_load_state()
    assert "Batas unggah penawaran Jalan Desa Cimalaka" in admin.content()

    # The public is told ahead on the banner.
    public = new_page()
    public.goto("/")
    assert "Pemeliharaan terjadwal" in public.content()

    # Starting over an upload deadline needs a reason.
    admin.get_by_role("button", name="Konfirmasi dan mulai mode pemeliharaan").click()
    admin.wait_for_load_state()
    assert "Konfirmasi dengan alasan" in admin.content()
    assert MaintenanceWindow.objects.get().status == "scheduled"
    admin.get_by_label("Alasan memulai meskipun ada batas waktu unggah").fill(
        "Disk rusak, perbaikan tidak bisa ditunda.")
    admin.get_by_role("button", name="Konfirmasi dan mulai mode pemeliharaan").click()
    admin.wait_for_load_state()
    assert MaintenanceWindow.objects.get().status == "active"

    # The public gets the 503 page, in both languages.
    response = public.goto("/")
    assert response.status == 503
    text = public.content()
    assert "Portal LPSE sedang dalam pemeliharaan" in text
    assert "The LPSE portal is under maintenance" in text
    assert "Disk server SPSE diganti." in text
    english = new_page(locale="en-US")
    assert english.goto("/tenders/").status == 503

    # A vendor can log in but not use the portal.
    vendor = new_page()
    browser_login(vendor, "cv.mitra")
    assert vendor.goto("/dashboard/").status == 503

    # The administrator keeps working.
    assert admin.goto("/dashboard/").status == 200
    assert admin.goto("/operations/").status == 200
    admin.goto(f"/operations/maintenance/{MaintenanceWindow.objects.get().pk}/")
    admin.get_by_role("button", name="Akhiri mode pemeliharaan").click()
    admin.wait_for_load_state()
    assert public.goto("/").status == 200


def test_lampiran_5_daily_checklist_ticked_by_an_administrator(new_page):
    make_user(Role.APPADMIN, username="appadmin")
    page = new_page()
    browser_login(page, "appadmin")
    page.goto("/operations/checklists/")
    page.get_by_role("button", name="Daftar periksa harian hari ini").click()
    page.wait_for_load_state()
    run = ChecklistRun.objects.get(frequency="daily")
    assert page.locator('[data-item="1.c.2"] .badge.result-ok').count() == 1  # automatic
    pending = list(run.entries.filter(result="pending").order_by("id"))
    assert pending
    first = pending[0]
    item = page.locator(f"#item-{first.pk}")
    item.get_by_label(f"Hasil {first.item_code}").select_option("problem")
    item.get_by_role("button", name=f"Catat {first.item_code}").click()
    page.wait_for_load_state()
    assert "Jelaskan masalah yang ditemukan." in page.content()
    item = page.locator(f"#item-{first.pk}")
    item.get_by_label(f"Hasil {first.item_code}").select_option("problem")
    item.get_by_label(f"Catatan {first.item_code}").fill("Signature antivirus terlambat 3 hari.")
    item.get_by_role("button", name=f"Catat {first.item_code}").click()
    page.wait_for_load_state()
    for entry in pending[1:]:
        row = page.locator(f"#item-{entry.pk}")
        row.get_by_label(f"Hasil {entry.item_code}").select_option("ok")
        row.get_by_role("button", name=f"Catat {entry.item_code}").click()
        page.wait_for_load_state()
    assert "Selesai" in page.content()
    item = page.locator(f"#item-{first.pk}")
    item.get_by_label("Bagaimana masalah diselesaikan?").fill("Signature diperbarui manual.")
    item.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_load_state()
    first = ChecklistEntry.objects.get(pk=first.pk)
    assert first.result == "problem"
    assert first.resolved_at is not None
    run.refresh_from_db()
    assert run.completed_at is not None
    assert run.completed_by.username == "appadmin"


def test_lkpp_auditor_monitors_read_only(new_page):
    make_user(Role.AUDITOR, username="lkpp.auditor")
    page = new_page()
    browser_login(page, "lkpp.auditor")
    page.goto("/operations/")
    page.wait_for_selector('#charts[data-loaded="true"]')
    assert page.locator("#charts canvas").count() == 6
    page.get_by_role("button", name="Bulan").click()
    page.wait_for_selector("#chart-ranges [data-range=months].active")
    assert "Jalankan pemeriksaan kapasitas sekarang" not in page.content()
    page.goto("/operations/security/")
    assert page.get_by_role("heading", name="Kejadian keamanan").count() >= 1
    page.goto("/operations/sop-report/")
    assert "belum tercatat" in page.content()
    page.goto("/audit/")
    assert page.url.endswith("/audit/")
