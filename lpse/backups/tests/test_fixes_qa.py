"""Fixes found by QA: "Back up now" without a backup key, failures explained, the person's
name on the runs list, procedure 6 of the SOP report fed by the backups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.backups import errors, services
from lpse.backups.models import BackupCopy, BackupRun

pytestmark = pytest.mark.django_db(transaction=True)

RAW = ("ImproperlyConfigured: BACKUP_RECIPIENTS is not set: generate a key pair with "
       "`python manage.py backup_keygen` (or age-keygen), keep the private key offline and put "
       "the public key (age1…) in BACKUP_RECIPIENTS.")


def _run(status="verified", *, started, minutes=2, by=None, name=None) -> BackupRun:
    run = BackupRun.objects.create(
        status=status, trigger="manual" if by else "scheduled", started_by=by,
        started_at=started, finished_at=started + timedelta(minutes=minutes),
        archive_name=name or f"lpse-{started:%Y%m%d%H%M}.tar.age", archive_size=1000)
    if status in ("verified", "partial"):
        BackupCopy.objects.create(run=run, kind="local", location=f"/mnt/backup/{run.archive_name}",
                                  size=1000, verified_at=run.finished_at)
    return run


def test_back_up_now_is_disabled_with_an_explanation_without_a_key(
        client_for, settings, django_capture_on_commit_callbacks) -> None:
    settings.BACKUP_RECIPIENTS = []
    admin = make_user(Role.SYSADMIN)
    client = client_for(admin)
    client.cookies["lpse_language"] = "en"
    page = client.get("/backups/").content.decode()
    assert 'disabled aria-describedby="start-problem"' in page
    assert "Backups are not configured: there is no backup public key." in page
    assert "ImproperlyConfigured" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/backups/start/", follow=True)
    assert "Backups are not configured" in response.content.decode()
    assert not BackupRun.objects.exists()
    with pytest.raises(ValidationError):
        services.backup_request(actor=admin)


def test_back_up_now_is_enabled_with_a_key(client_for, backup_key) -> None:
    page = client_for(make_user(Role.SYSADMIN)).get("/backups/").content.decode()
    assert 'id="start-problem"' not in page
    assert "Cadangkan sekarang" in page


def test_a_stored_failure_is_explained(client_for) -> None:
    run = _run("failed", started=datetime(2026, 11, 26, 18, 30, tzinfo=UTC))
    run.error = RAW
    run.save()
    client = client_for(make_user(Role.HEAD))
    client.cookies["lpse_language"] = "en"
    page = client.get(f"/backups/{run.pk}/").content.decode()
    assert "No backup public key is configured." in page
    assert "Technical details" in page
    with translation.override("en"):
        assert errors.explain("DestinationError: /mnt/usb is not a mounted drive "
                              "(BACKUP_REQUIRE_MOUNT is on): plug in and mount the backup "
                              "drive.") == [
            "The backup drive /mnt/usb is not mounted (BACKUP_REQUIRE_MOUNT is on): plug in "
            "and mount the backup drive."]
        assert errors.explain("DestinationError: /mnt/usb is not writable.")[0].startswith(
            "The backup directory /mnt/usb is not writable")
        assert errors.explain("RuntimeError: something else") == []


def test_runs_list_names_the_person(client_for) -> None:
    admin = make_user(Role.SYSADMIN, full_name="Dadan Hermawan")
    _run(started=datetime(2026, 11, 26, 3, 0, tzinfo=UTC), by=admin)
    _run(started=datetime(2026, 11, 25, 18, 30, tzinfo=UTC))
    client = client_for(make_user(Role.HEAD))
    client.cookies["lpse_language"] = "en"
    page = client.get("/backups/").content.decode()
    assert "Dadan Hermawan" in page
    assert "Started by an administrator" not in page
    assert "Scheduled" in page


def test_procedure_6_is_fed_by_the_backups(client_for) -> None:
    from lpse.operations.sop_report import build_report

    admin = make_user(Role.SYSADMIN, full_name="Dadan Hermawan")
    first = _run(started=datetime(2026, 11, 23, 18, 30, tzinfo=UTC))  # 24-11 01:30 WIB
    second = _run(started=datetime(2026, 11, 24, 18, 30, tzinfo=UTC))
    _run("failed", started=datetime(2026, 11, 25, 18, 30, tzinfo=UTC))  # not counted
    third = _run(started=datetime(2026, 11, 26, 9, 0, tzinfo=UTC), by=admin)  # 38.5 h later
    report = build_report(date(2026, 11, 24), date(2026, 11, 30))
    rows = {row.step.code: row for row in report.rows if row.procedure.code == "6"}
    backup, offsite = rows["backup"], rows["offsite"]
    assert backup.recorded
    assert offsite.recorded
    assert backup.cases == 3
    assert offsite.cases == 3
    # The first run counts from its own start; the others from the previous verified one.
    assert backup.breach_count == 1
    breach = backup.breaches[0]
    assert breach.reference == third.archive_name
    assert breach.started_at == second.finished_at
    assert breach.actor == "Dadan Hermawan"
    assert breach.url == f"/backups/{third.pk}/"
    assert first.archive_name
    html = client_for(make_user(Role.HEAD)).get(
        "/operations/sop-report/", {"start": "2026-11-24", "end": "2026-11-30"}).content.decode()
    assert third.archive_name in html
