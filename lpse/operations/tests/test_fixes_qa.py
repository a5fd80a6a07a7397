"""Fixes found by QA: readable evidence, the helpdesk on the maintenance page, windows in
the past refused, the SOP report PDF, demo data, the outbox's pages and search."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from pypdf import PdfReader

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.services import audit_record
from lpse.core import mail
from lpse.operations import security
from lpse.operations.evidence import evidence_rows
from lpse.operations.models import MaintenanceWindow, MetricSample, ProbeResult
from lpse.operations.services import (
    checklist_open,
    maintenance_end,
    maintenance_schedule,
    maintenance_start,
)
from lpse.operations.sop_report import build_report, report_pdf

pytestmark = pytest.mark.django_db

RAW = ("logins_last_day", "auth.login_failed", "&#x27;ok&#x27;", "{'ok'", "value: None",
       "uploads_rejected_last_day", "open_security_alerts")


def test_checklist_evidence_is_readable_label_value_pairs(client_for):
    ProbeResult.objects.create(checked_at=timezone.now(), url="http://x/", ok=True,
                               status_code=200, response_ms=1234)
    run = checklist_open(frequency="weekly", day=timezone.localdate())
    client = client_for(make_user(Role.SYSADMIN))
    client.cookies["lpse_language"] = "en"
    html = client.get(f"/operations/checklists/{run.pk}/").content.decode()
    for raw in RAW:
        assert raw not in html, raw
    assert "Logins in the last day" in html
    assert "Failed login" in html
    assert "Response time (ms)</dt><dd" in html
    assert ">1,234</dd>" in html  # numbers in the page's language
    assert "Web server</dt><dd" in html
    assert "min-width: 18rem" not in html  # the tick forms no longer widen the page
    client.cookies["lpse_language"] = "id"
    html = client.get(f"/operations/checklists/{run.pk}/").content.decode()
    assert ">1.234</dd>" in html


def test_evidence_values():
    with translation.override("en"):
        rows = _rows()
    assert rows["Web server"] == "up"
    assert rows["Mail"] == "down (host:25 refused)"
    assert rows["Age"] == "—"
    assert rows["Time"] == "27-11-2026 08:00 WIB"
    assert rows["Open security alerts"] == "none"
    assert rows["Growth"] == "in a day: +1.0 MB, in a week: —"
    assert rows["Stored files"] == "2.0 KB"


def _rows() -> dict[str, str]:
    return dict(evidence_rows({
        "web": {"ok": True, "detail": "ok"}, "mail": {"ok": False, "detail": "host:25 refused"},
        "age_hours": None, "at": "2026-11-27T01:00:00+00:00", "open_security_alerts": [],
        "growth": {"day": 1024.0 * 1024, "week": None}, "files": 2048, "database": 4096,
    }))


def test_security_event_details_are_labelled(client_for):
    audit_record(action=security.LOCKED_OUT, actor=None, object_type="accounts.user",
                 object_id="budi", object_repr="budi", data={"ip": "10.0.0.9"})
    audit_record(action=security.NOT_FOUND_BURST, actor=None, object_type="ip",
                 object_id="10.0.0.9", object_repr="10.0.0.9",
                 data={"count": 30, "window_seconds": 60, "last_path": "/wp-admin/"})
    client = client_for(make_user(Role.SYSADMIN))
    client.cookies["lpse_language"] = "en"
    html = client.get("/operations/security/").content.decode()
    assert "IP address:</span> 10.0.0.9" in html
    assert "Last address:</span> /wp-admin/" in html
    assert "window_seconds" not in html
    assert "last_path" not in html


def test_maintenance_page_gives_the_helpdesk_in_both_languages(client, settings):
    settings.LPSE_UNIT_PHONE = "(0261) 999888"
    settings.LPSE_UNIT_EMAIL = "helpdesk@lpse.test"
    admin = make_user(Role.SYSADMIN)
    start = timezone.now() + timedelta(seconds=30)
    window = maintenance_schedule(actor=admin, title="Ganti disk", message="Disk diganti.",
                                  starts_at=start, ends_at=start + timedelta(hours=1))
    maintenance_start(actor=admin, window=window)
    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert html.count("(0261) 999888") == 2
    assert html.count('href="mailto:helpdesk@lpse.test"') == 2
    assert "Helpdesk LPSE tetap melayani di dalam maupun di luar jam kerja" in html
    assert "The LPSE helpdesk serves in and out of working hours" in html
    assert "surel" not in html
    maintenance_end(actor=admin, window=window)


def test_a_window_in_the_past_is_refused_and_nobody_is_mailed(client_for, smtp):
    admin = make_user(Role.SYSADMIN)
    start = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        maintenance_schedule(actor=admin, title="x", message="y", starts_at=start,
                             ends_at=start + timedelta(hours=3))
    assert "starts_at" in exc.value.message_dict
    client = client_for(admin)
    client.cookies["lpse_language"] = "en"
    local = timezone.localtime(start)
    response = client.post("/operations/maintenance/new/", {
        "title": "Late", "message": "Too late.",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "The start has already passed" in response.content.decode()
    assert not MaintenanceWindow.objects.exists()
    assert not smtp.messages


def test_sop_report_pdf_has_the_actor_column_and_unbroken_headers():
    with translation.override("id"):
        report = build_report(date(2026, 11, 1), date(2026, 11, 30))
        pdf = report_pdf(report, prepared_by="Kepala UPTD")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    words = set(text.split())
    for header in ("Langkah", "Pelaku", "Kasus", "Median", "Pelanggaran", "Persentil"):
        assert header in words, header
    assert "Koordinator/Admin" in words  # an actor of procedure 1.2, whole
    for broken in ("Langk", "Pelang", "Koordinato", "Koordinator/Admi", "Penyelesaia"):
        assert broken not in words, broken


def test_demo_probe_uses_site_url_and_growth_is_not_negative(settings):
    from lpse.core.demodata import DemoContext
    from lpse.operations import demo, monitoring

    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.OPERATIONS = {**settings.OPERATIONS, "PROBE_URL": ""}
    demo._samples(timezone.now())
    assert ProbeResult.objects.get().url == "http://127.0.0.1:8123/"
    now = timezone.now()
    for metric, current in (("data_bytes", monitoring.stored_files_bytes()
                             + monitoring.database_size()),
                            ("users", monitoring.user_count())):
        growth = monitoring.growth(metric, current, now)
        assert growth["day"] is not None
        assert growth["day"] >= 0, metric
        assert growth["week"] >= 0, metric
    assert MetricSample.objects.filter(metric="data_bytes").count() == 30
    assert DemoContext is not None


def _write_messages(directory, count):
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        message = EmailMessage(subject=f"[LPSE] Pesan {n:03d}", body="x",
                               to=[f"user{n:03d}@mitra.test"])
        (directory / f"20261127T0000{n:06d}-abc.eml").write_bytes(message.message().as_bytes())


def test_outbox_is_paginated_and_searchable(tmp_path, settings, client_for):
    settings.MAILERS = {"default": {"BACKEND": mail.OUTBOX_BACKEND,
                                    "OPTIONS": {"directory": str(tmp_path / "outbox")}}}
    _write_messages(tmp_path / "outbox", 120)
    assert len(mail.read_outbox(limit=200)) == 120
    client = client_for(make_user(Role.SYSADMIN))
    client.cookies["lpse_language"] = "en"
    html = client.get("/outbox/").content.decode()
    assert "Showing 1–50 of 120 messages" in html
    assert "[LPSE] Pesan 119" in html  # newest first
    assert "[LPSE] Pesan 069" not in html
    html = client.get("/outbox/?page=3").content.decode()
    assert "Showing 101–120 of 120 messages" in html
    assert "[LPSE] Pesan 000" in html
    html = client.get("/outbox/?q=USER007@").content.decode()
    assert "Showing 1–1 of 1 message" in html
    assert "[LPSE] Pesan 007" in html
    html = client.get("/outbox/?q=Pesan 11").content.decode()
    assert "of 10 messages" in html
    html = client.get("/outbox/?q=nothing-like-this").content.decode()
    assert "No message matches the search." in html
