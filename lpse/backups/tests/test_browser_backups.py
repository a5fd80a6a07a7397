"""Browser walk of Pasal 14: the system administrator backs up the database and the files
onto the portable drive and sees it verified; the head of the unit sees the state on the
dashboard, read-only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.backups.models import BackupRun
from lpse.backups.tests.conftest import store_some_files
from lpse.core.testing.fixtures import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_system_administrator_backs_up_and_head_sees_it(new_page, backup_key) -> None:
    admin = make_user(Role.SYSADMIN)
    head = make_user(Role.HEAD)
    store_some_files(3)

    page = new_page()
    browser_login(page, admin.username)
    page.get_by_role("button", name="Administrasi").or_(
        page.get_by_role("link", name="Administrasi")).first.click()
    page.get_by_role("link", name="Pencadangan").first.click()
    expect(page.get_by_role("heading", name="Pencadangan", exact=True)).to_be_visible()
    expect(page.get_by_test_id("last-verified")).to_have_text("Belum ada cadangan terverifikasi.")
    page.get_by_role("button", name="Cadangkan sekarang").click()
    expect(page.get_by_text("Pencadangan telah dimulai.")).to_be_visible()
    expect(page.get_by_test_id("last-run")).to_contain_text("Terverifikasi")
    run = BackupRun.objects.get()
    assert run.status == BackupRun.Status.VERIFIED
    assert run.started_by == admin
    assert (backup_key.directory / run.archive_name).is_file()

    page.get_by_test_id("last-run").get_by_role("link", name="Rincian").click()
    page.wait_for_url(re.compile(rf"/backups/{run.pk}/$"))
    expect(page.get_by_role("cell", name=re.compile(re.escape(run.archive_name)))).to_be_visible()
    expect(page.get_by_text(run.archive_sha256)).to_be_visible()

    other = new_page()
    browser_login(other, head.username)
    other.goto("/dashboard/")
    expect(other.get_by_test_id("panel-last-backup")).to_contain_text(
        "Cadangan terverifikasi terakhir")
    other.get_by_role("link", name="Semua cadangan").click()
    expect(other.get_by_role("cell", name=run.archive_name)).to_be_visible()
    expect(other.get_by_role("button", name="Cadangkan sekarang")).to_have_count(0)


def test_progress_is_polled_while_a_backup_runs(new_page, backup_key) -> None:
    from datetime import UTC, datetime

    admin = make_user(Role.SYSADMIN)
    run = BackupRun.objects.create(trigger="scheduled", started_at=datetime.now(UTC),
                                   heartbeat_at=datetime.now(UTC), phase="files",
                                   bytes_done=30, bytes_total=100)
    page = new_page()
    browser_login(page, admin.username)
    page.goto("/backups/")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "30")
    expect(page.get_by_role("button", name="Cadangkan sekarang")).to_be_disabled()
    BackupRun.objects.filter(pk=run.pk).update(bytes_done=80, phase="database")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "80")
    expect(page.get_by_test_id("backup-phase")).to_have_text("database")
    BackupRun.objects.filter(pk=run.pk).update(status="verified", finished_at=datetime.now(UTC))
    expect(page.get_by_test_id("last-run")).to_contain_text("Terverifikasi")
