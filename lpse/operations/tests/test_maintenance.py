from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.operations import hooks
from lpse.operations.models import MaintenanceWindow
from lpse.operations.services import (
    DeadlineConflict,
    maintenance_cancel,
    maintenance_end,
    maintenance_schedule,
    maintenance_start,
)

pytestmark = pytest.mark.django_db


def _window(admin, hours_from_now=1, length=2, **extra):
    start = timezone.now() + timedelta(hours=hours_from_now)
    return maintenance_schedule(actor=admin, title="Pembaruan server",
                                message="Pembaruan sistem operasi server SPSE.",
                                starts_at=start, ends_at=start + timedelta(hours=length), **extra)


def test_schedule_emails_participants_of_overlapping_tenders(
        smtp, django_capture_on_commit_callbacks):
    admin = make_user(Role.SYSADMIN)
    calls = []

    def participants(start, end):
        calls.append((start, end))
        return [hooks.AffectedParticipant(email="cv.mitra@example.test", name="CV Mitra",
                                          language="id", tender="Jalan Desa Cimalaka"),
                hooks.AffectedParticipant(email="pt.tatar@example.test", name="PT Tatar",
                                          language="en", tender="Jalan Desa Cimalaka"),
                hooks.AffectedParticipant(email="CV.MITRA@example.test", name="dup")]

    hooks.register_participants_provider(participants)
    with django_capture_on_commit_callbacks(execute=True):
        window = _window(admin)
    assert calls == [(window.starts_at, window.ends_at)]
    assert window.participants_notified == 2
    [mail_id] = smtp.to("cv.mitra@example.test")
    assert "pemeliharaan" in str(mail_id["Subject"]).lower()
    assert "Jalan Desa Cimalaka" in smtp.body(mail_id)
    [mail_en] = smtp.to("pt.tatar@example.test")
    assert "maintenance" in str(mail_en["Subject"]).lower()
    assert AuditEvent.objects.filter(action="operations.maintenance_scheduled").exists()


def test_banner_shown_to_everyone(client):
    admin = make_user(Role.SYSADMIN)
    _window(admin)
    html = client.get("/").content.decode()
    assert "Pemeliharaan terjadwal" in html
    assert "Pembaruan sistem operasi server SPSE." in html


def test_start_refused_over_an_upload_deadline_unless_confirmed_with_reason():
    admin = make_user(Role.SYSADMIN)
    window = _window(admin, hours_from_now=0.01)
    deadline = timezone.now() + timedelta(minutes=30)
    hooks.register_deadline_provider(lambda start, end: [
        hooks.Deadline(label="Batas unggah penawaran: Jalan Desa", at=deadline, url="/t/1/"),
        hooks.Deadline(label="Outside", at=end + timedelta(days=1)),
    ])
    with pytest.raises(DeadlineConflict) as exc:
        maintenance_start(actor=admin, window=window)
    assert [d.label for d in exc.value.deadlines] == ["Batas unggah penawaran: Jalan Desa"]
    window.refresh_from_db()
    assert window.status == MaintenanceWindow.Status.SCHEDULED

    maintenance_start(actor=admin, window=window,
                      override_reason="Server disk failing; LKPP advised immediate repair.")
    window.refresh_from_db()
    assert window.status == MaintenanceWindow.Status.ACTIVE
    assert window.deadline_override_reason.startswith("Server disk failing")
    assert window.overlapping_deadlines[0]["label"] == "Batas unggah penawaran: Jalan Desa"
    event = AuditEvent.objects.get(action="operations.maintenance_started")
    assert event.data["override_reason"].startswith("Server disk failing")

    with pytest.raises(ValidationError):
        maintenance_cancel(actor=admin, window=window)
    maintenance_end(actor=admin, window=window)
    window.refresh_from_db()
    assert window.status == MaintenanceWindow.Status.FINISHED


def test_only_one_window_at_a_time_and_bad_input():
    admin = make_user(Role.SYSADMIN)
    first, second = _window(admin, 0.01), _window(admin, 0.01)
    maintenance_start(actor=admin, window=first)
    with pytest.raises(ValidationError):
        maintenance_start(actor=admin, window=second)
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError):
        maintenance_schedule(actor=admin, title="x", message="y", starts_at=start,
                             ends_at=start - timedelta(minutes=1))
    assert MaintenanceWindow.objects.count() == 2


def test_maintenance_mode_blocks_the_public_in_both_languages(client_for, client):
    admin = make_user(Role.SYSADMIN)
    appadmin = make_user(Role.APPADMIN)
    vendor = make_user(Role.VENDOR)
    ppk = make_user(Role.PPK)
    window = _window(admin, hours_from_now=0.01)
    maintenance_start(actor=admin, window=window)

    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Portal LPSE sedang dalam pemeliharaan" in html
    assert "The LPSE portal is under maintenance" in html
    assert "Pembaruan sistem operasi server SPSE." in html
    assert int(response["Retry-After"]) > 0
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/api/v1/operations/alerts/").status_code == 503
    for user in (vendor, ppk):
        assert client_for(user).get("/dashboard/").status_code == 503
    for user in (admin, appadmin):
        assert client_for(user).get("/dashboard/").status_code == 200
    assert client.get("/health/").status_code in (200, 503)  # never the maintenance page
    assert b"pemeliharaan" not in client.get("/health/").content

    maintenance_end(actor=admin, window=window)
    assert client.get("/").status_code == 200


def test_views_schedule_start_with_confirmation_and_end(client_for):
    admin = make_user(Role.SYSADMIN)
    client = client_for(admin)
    start = timezone.localtime() + timedelta(minutes=2)
    response = client.post("/operations/maintenance/new/", {
        "title": "Ganti disk", "message": "Penggantian disk server.",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    window = MaintenanceWindow.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/operations/maintenance/{window.pk}/"
    hooks.register_deadline_provider(lambda s, e: [
        hooks.Deadline(label="Batas unggah A", at=timezone.now() + timedelta(minutes=10))])
    response = client.post(f"/operations/maintenance/{window.pk}/start/",
                           {"override_reason": ""})
    assert response.status_code == 409
    assert "Batas unggah A" in response.content.decode()
    response = client.post(f"/operations/maintenance/{window.pk}/start/",
                           {"override_reason": "Disk rusak."})
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.status == "active"
    client.post(f"/operations/maintenance/{window.pk}/end/")
    window.refresh_from_db()
    assert window.status == "finished"


def test_form_rejects_end_before_start(client_for):
    client = client_for(make_user(Role.SYSADMIN))
    response = client.post("/operations/maintenance/new/", {
        "title": "x", "message": "y", "starts_at": "2030-01-02T10:00",
        "ends_at": "2030-01-02T09:00"})
    assert response.status_code == 200
    assert "Akhir harus setelah awal" in response.content.decode()
    assert not MaintenanceWindow.objects.exists()


def test_a_window_running_past_its_end_alerts_the_administrators_until_it_is_ended(
        smtp, django_capture_on_commit_callbacks):
    from lpse.operations.models import Alert
    from lpse.operations.services import maintenance_watch

    admin = make_user(Role.SYSADMIN, email="sysadmin@lpse.test")
    window = _window(admin, hours_from_now=0, length=1)
    maintenance_start(actor=admin, window=window)
    assert maintenance_watch(now=window.ends_at - timedelta(minutes=1)) == []
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert maintenance_watch(now=window.ends_at + timedelta(minutes=5)) == [window.pk]
    alert = Alert.objects.get(resolved_at__isnull=True)
    assert alert.level == "warning"
    assert "Pembaruan server" in alert.title
    assert smtp.to("sysadmin@lpse.test"), "the system administrators are e-mailed"
    with django_capture_on_commit_callbacks(execute=True):
        maintenance_watch(now=window.ends_at + timedelta(minutes=31))
    alert.refresh_from_db()
    assert alert.level == "critical"
    assert alert.value == "lewat 31 menit"  # in the portal's language
    # Never ended automatically: the window is still on until an administrator ends it.
    window.refresh_from_db()
    assert window.status == MaintenanceWindow.Status.ACTIVE
    maintenance_end(actor=admin, window=window)
    assert maintenance_watch(now=window.ends_at + timedelta(minutes=40)) == []
    alert.refresh_from_db()
    assert alert.resolved_at is not None
