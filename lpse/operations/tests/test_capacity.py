"""Capacity check with real measurements: thresholds below the real use of the disk under
test, alerts delivered to the in-process SMTP server."""

from __future__ import annotations

import contextlib
import json
import math
from datetime import timedelta
from io import StringIO

import psutil
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.models import StoredFile
from lpse.operations import hooks, monitoring
from lpse.operations.models import Alert, MetricSample
from lpse.operations.services import capacity_check_run

pytestmark = pytest.mark.django_db


def _check(report, key):
    return next(c for c in report["checks"] if c["key"] == key)


def test_disk_threshold_below_real_use_alerts_sysadmins_by_mail(
        settings, smtp, django_capture_on_commit_callbacks):
    media_root = settings.MEDIA_ROOT
    admin = make_user(Role.SYSADMIN, email="sysadmin@lpse.test")
    make_user(Role.HEAD, email="head@lpse.test")
    used = psutil.disk_usage(str(media_root)).percent
    assert used > 1, "the filesystem under test must hold something"
    settings.OPERATIONS = {**settings.OPERATIONS,
                           "DISK_WARNING_PERCENT": math.floor(used) - 1,
                           "DISK_CRITICAL_PERCENT": 100.0}
    with django_capture_on_commit_callbacks(execute=True):
        report = capacity_check_run()

    disk = _check(report, "disk.files")
    assert disk["level"] == "warning"
    assert disk["detail"]["path"] == str(media_root.resolve())
    assert report["level"] in ("warning", "critical")
    alert = Alert.objects.get(key="capacity.disk.files", resolved_at__isnull=True)
    assert alert.level == "warning"
    assert alert.threshold.startswith(str(math.floor(used) - 1))
    mails = smtp.to("sysadmin@lpse.test")
    assert mails, "the system administrator gets the alert"
    assert "Disk" in str(mails[0]["Subject"]) or "Disk" in smtp.body(mails[0])
    assert not smtp.to("head@lpse.test")
    assert admin.email in str(mails[0]["To"])

    # Running again while still crossed: no second mail.
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        capacity_check_run()
    assert not smtp.to("sysadmin@lpse.test")

    # Escalation to critical mails again.
    settings.OPERATIONS = {**settings.OPERATIONS,
                           "DISK_CRITICAL_PERCENT": math.floor(used) - 0.5}
    with django_capture_on_commit_callbacks(execute=True):
        capacity_check_run()
    alert.refresh_from_db()
    assert alert.level == "critical"
    assert smtp.to("sysadmin@lpse.test")

    # Back under the thresholds: the alert resolves.
    settings.OPERATIONS = {**settings.OPERATIONS, "DISK_WARNING_PERCENT": 99.0,
                           "DISK_CRITICAL_PERCENT": 99.5}
    capacity_check_run()
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_memory_threshold_from_real_use(settings):
    used = psutil.virtual_memory().percent
    settings.OPERATIONS = {**settings.OPERATIONS, "MEMORY_WARNING_PERCENT": 0.0,
                           "MEMORY_CRITICAL_PERCENT": used + 50}
    report = capacity_check_run()
    assert _check(report, "memory")["level"] == "warning"
    assert Alert.objects.filter(key="capacity.memory", resolved_at__isnull=True).exists()


def test_database_size_and_growth_from_samples():
    now = timezone.now()
    MetricSample.objects.create(metric="users", value=0, taken_at=now - timedelta(days=8))
    MetricSample.objects.create(metric="users", value=1, taken_at=now - timedelta(days=2))
    make_user(Role.VENDOR)
    make_user(Role.VENDOR)
    StoredFile.objects.create(purpose="t", storage_name="t/1", original_name="a.pdf",
                              content_type="application/pdf", size=4096, sha256="0" * 64,
                              md5="0" * 32)
    report = capacity_check_run(now=now)
    users = _check(report, "users")
    assert users["value"] == 2
    assert users["detail"]["growth"] == {"day": 1, "week": 2}
    size = _check(report, "database.size")
    assert size["value"] > 0
    assert size["value"] == monitoring.database_size()
    data = _check(report, "data_bytes")
    assert data["detail"]["files"] == 4096
    assert MetricSample.objects.filter(metric="users", taken_at=now).get().value == 2


def test_task_queue_depth_and_age(settings):
    now = timezone.now()
    old = DBTaskResult.objects.create(
        task_path="lpse.core.jobs.heartbeat", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", run_after=now - timedelta(hours=2), queue_name="default",
        exception_class_path="", traceback="")
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=now - timedelta(minutes=90))
    settings.OPERATIONS = {**settings.OPERATIONS, "QUEUE_WARNING_AGE_MINUTES": 30,
                           "QUEUE_CRITICAL_AGE_MINUTES": 60}
    report = capacity_check_run(now=now)
    age = _check(report, "queue.age")
    assert age["value"] >= 89
    assert age["level"] == "critical"
    assert _check(report, "queue.depth")["value"] == 1


def test_last_backup_not_recorded_until_a_provider_registers(monkeypatch):
    # Without any provider (the backups app registers one when installed).
    monkeypatch.setattr(hooks, "_metric_providers", {
        k: v for k, v in hooks._metric_providers.items() if k != hooks.LAST_VERIFIED_BACKUP})
    report = capacity_check_run(record=False)
    backup = _check(report, hooks.LAST_VERIFIED_BACKUP)
    assert backup["level"] == "unknown"
    assert backup["text"] == "belum tercatat"

    at = timezone.now() - timedelta(hours=30)
    hooks.register_metric_provider(
        hooks.LAST_VERIFIED_BACKUP,
        lambda: hooks.MetricReading(text="backup-2026-11-25.tar.zst", at=at))
    report = capacity_check_run()
    backup = _check(report, hooks.LAST_VERIFIED_BACKUP)
    assert backup["level"] == "warning"  # older than 26 hours
    assert 29.9 < backup["value"] < 30.1
    assert Alert.objects.filter(key=f"capacity.{hooks.LAST_VERIFIED_BACKUP}").exists()


def test_broken_provider_does_not_stop_the_check():
    def broken() -> hooks.MetricReading:
        raise RuntimeError("boom")

    hooks.register_metric_provider("broken", broken, label="Broken")
    report = capacity_check_run(record=False)
    assert "boom" in _check(report, "broken")["text"]


def test_command_prints_json(settings):
    out = StringIO()
    settings.OPERATIONS = {**settings.OPERATIONS, "DISK_WARNING_PERCENT": 99.9,
                           "DISK_CRITICAL_PERCENT": 99.95, "MEMORY_WARNING_PERCENT": 99.9,
                           "MEMORY_CRITICAL_PERCENT": 99.95}
    # No backup has run in this test database: the backup check is critical (exit code 2),
    # which must not stop the JSON report.
    with contextlib.suppress(SystemExit):
        call_command("capacity_check", "--dry-run", stdout=out)
    data = json.loads(out.getvalue())
    keys = {c["key"] for c in data["checks"]}
    assert {"disk.files", "disk.var", "memory", "database.size", "users", "data_bytes",
            "queue.depth", "queue.age", hooks.LAST_VERIFIED_BACKUP} <= keys
    assert not MetricSample.objects.exists()


def test_command_exit_code_on_critical(settings):
    settings.OPERATIONS = {**settings.OPERATIONS, "MEMORY_WARNING_PERCENT": 0.0,
                           "MEMORY_CRITICAL_PERCENT": 0.0}
    with pytest.raises(SystemExit) as exc:
        call_command("capacity_check", stdout=StringIO())
    assert exc.value.code == 2


def test_capacity_is_shown_in_the_language_of_the_page(client_for, settings):
    """Indonesian pages: decimal commas, Indonesian units; English pages: decimal points."""
    import re

    settings.OPERATIONS = {**settings.OPERATIONS, "DISK_WARNING_PERCENT": 80.0,
                           "DISK_CRITICAL_PERCENT": 90.0, "QUEUE_WARNING_DEPTH": 200,
                           "QUEUE_CRITICAL_DEPTH": 1000, "QUEUE_WARNING_AGE_MINUTES": 10,
                           "QUEUE_CRITICAL_AGE_MINUTES": 60, "CLOCK_WARNING_SECONDS": 0.5}
    client = client_for(make_user(Role.SYSADMIN))
    html = client.get("/operations/").content.decode()
    assert "80 / 90%" in html
    assert "200 / 1.000 tugas" in html
    assert "10 / 60 menit" in html
    assert "0,5 / 2 detik" in html
    assert "Disk: berkas tersimpan" in html
    assert re.search(r"\d+(,\d)?% terpakai \(\d+(,\d)? [KMGT]?B bebas dari \d+(,\d)? [KMGT]?B\)",
                     html)
    assert not re.search(r"\d\.\d% terpakai|\d\.\d [KMGT]B", html)
    for english in ("tasks", "minutes", "seconds", "disk.files"):
        assert f" {english}<" not in html
        assert f">{english}<" not in html

    client.cookies["lpse_language"] = "en"
    html = client.get("/operations/").content.decode()
    assert "200 / 1,000 tasks" in html
    assert "0.5 / 2 seconds" in html
    assert "Disk: stored files" in html


def test_chart_legends_are_human_labels(client_for):
    capacity_check_run()
    client = client_for(make_user(Role.SYSADMIN))
    data = client.get("/operations/series/?range=days").json()
    labels = [d["label"] for d in data["charts"]["capacity"]["datasets"]]
    assert "Memori (RAM)" in labels
    assert "Disk: berkas tersimpan" in labels
    assert not [label for label in labels if label.startswith("disk.") or label == "memory"]


def test_alert_values_are_formatted_like_the_page():
    from django.utils import translation

    with translation.override("id"):
        _indonesian_amounts()


def _indonesian_amounts() -> None:
    assert monitoring.format_amount(23.0, "%") == "23%"
    assert monitoring.format_amount(1000, "tasks") == "1.000 tugas"
    assert monitoring.format_amount(80.5, "%") == "80,5%"
    assert monitoring.format_amount(2.5 * 1024 ** 3, "bytes") == "2,5 GB"
    assert monitoring.format_thresholds(10, 60, "minutes") == "10 / 60 menit"


def test_an_alert_reads_in_the_language_of_its_reader(
        client_for, settings, smtp, django_capture_on_commit_callbacks):
    """Stored in the site's language; each page and each administrator's e-mail shows the
    title in the reader's language."""
    make_user(Role.SYSADMIN, email="id@lpse.test")
    make_user(Role.SYSADMIN, email="en@lpse.test", preferred_language="en")
    used = psutil.disk_usage(str(settings.MEDIA_ROOT)).percent
    settings.OPERATIONS = {**settings.OPERATIONS,
                           "DISK_WARNING_PERCENT": math.floor(used) - 1,
                           "DISK_CRITICAL_PERCENT": 100.0}
    with django_capture_on_commit_callbacks(execute=True):
        capacity_check_run()
    alert = Alert.objects.get(key="capacity.disk.files", resolved_at__isnull=True)
    assert alert.title == "Disk: berkas tersimpan"  # stored in the site's language
    assert "Peringatan: Disk: berkas tersimpan" in str(smtp.to("id@lpse.test")[0]["Subject"])
    english = str(smtp.to("en@lpse.test")[0]["Subject"])
    assert "Warning: Disk: stored files" in english, english
    client = client_for(make_user(Role.HEAD))
    assert "Disk: berkas tersimpan" in client.get("/operations/").content.decode()
    client.cookies["lpse_language"] = "en"
    html = client.get("/operations/").content.decode()
    assert "Disk: stored files" in html
    assert "berkas tersimpan" not in html
