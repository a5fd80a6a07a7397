from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.files import SCAN_POLICY, FileRejected, store_file
from lpse.operations import security
from lpse.operations.middleware import SecurityWatchMiddleware
from lpse.operations.models import Alert
from lpse.operations.services import security_scan

pytestmark = pytest.mark.django_db


def test_failed_logins_are_security_events_and_alert(client, settings, smtp,
                                                    django_capture_on_commit_callbacks):
    make_user(Role.SYSADMIN, email="sa@lpse.test")
    vendor = make_user(Role.VENDOR, username="cv.target")
    settings.OPERATIONS = {**settings.OPERATIONS, "FAILED_LOGINS_PER_HOUR": 3}
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": vendor.username,
                                                    "password": "wrong-password-1"},
                               REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    events = security.security_events().filter(action=security.LOGIN_FAILED)
    assert events.count() == 3
    assert set(events.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    with django_capture_on_commit_callbacks(execute=True):
        counts = security_scan()
    assert counts[security.LOGIN_FAILED] == 3
    alert = Alert.objects.get(key=f"security.{security.LOGIN_FAILED}", resolved_at__isnull=True)
    assert alert.value == "3"
    assert smtp.to("sa@lpse.test")


def test_lockout_alerts_from_the_first(client, settings):
    vendor = make_user(Role.VENDOR)
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        client.post("/accounts/login/", {"username": vendor.username, "password": "nope-nope-1"})
    assert security.security_events().filter(action=security.LOCKED_OUT).exists()
    security_scan()
    assert Alert.objects.filter(key=f"security.{security.LOCKED_OUT}").exists()


def test_burst_of_404s_from_one_address_is_recorded_once(client, settings):
    settings.OPERATIONS = {**settings.OPERATIONS, "NOT_FOUND_BURST": 5,
                           "NOT_FOUND_WINDOW_SECONDS": 600}
    for n in range(7):
        assert client.get(f"/wp-admin/{n}.php", REMOTE_ADDR="198.51.100.9").status_code == 404
    client.get("/nothing-here/", REMOTE_ADDR="198.51.100.10")
    bursts = security.security_events().filter(action=security.NOT_FOUND_BURST)
    assert bursts.count() == 1
    burst = bursts.get()
    assert burst.ip_address == "198.51.100.9"
    assert burst.data["count"] == 5
    security_scan()
    assert Alert.objects.filter(key=f"security.{security.NOT_FOUND_BURST}").exists()


def test_rejected_upload_in_a_request_survives_the_rollback():
    user = make_user(Role.VENDOR)

    def view(request):
        try:
            with transaction.atomic():
                store_file(source=io.BytesIO(b"MZ\x90\x00 not a pdf"), original_name="cv.exe",
                           purpose="vendors.document", policy=SCAN_POLICY, uploaded_by=user)
        except FileRejected:
            return HttpResponse("refused", status=400)
        return HttpResponse("stored")

    request = RequestFactory().post("/upload/", REMOTE_ADDR="192.0.2.44")
    response = SecurityWatchMiddleware(view)(request)
    assert response.status_code == 400
    event = security.security_events().get(action=security.UPLOAD_REJECTED)
    assert event.actor == user
    assert event.ip_address == "192.0.2.44"
    assert event.data["code"] == "type"
    assert event.object_repr == "cv.exe"


def test_rejected_upload_outside_a_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(FileRejected):
        store_file(source=io.BytesIO(b""), original_name="empty.pdf", purpose="x",
                   policy=SCAN_POLICY)
    assert AuditEvent.objects.filter(action=security.UPLOAD_REJECTED,
                                     data__code="empty").exists()


def test_security_event_list_filters(client_for, django_assert_max_num_queries):
    auditor = make_user(Role.AUDITOR)
    client = client_for(auditor)
    for n in range(30):
        client.get(f"/missing-{n}/", REMOTE_ADDR="10.0.0.1")
    from lpse.audit.services import audit_record

    with transaction.atomic():
        for n in range(25):
            audit_record(action=security.LOGIN_FAILED, actor=None, object_type="accounts.user",
                         object_id=f"u{n}", object_repr=f"u{n}", ip_address="10.0.0.2")
    with django_assert_max_num_queries(20):
        response = client.get("/operations/security/", {"kind": security.LOGIN_FAILED})
    assert response.status_code == 200
    html = response.content.decode()
    assert "u24" in html
    response = client.get("/operations/security/", {"ip": "10.0.0.1"})
    assert "10.0.0.2" not in response.content.decode().split("<table")[1]
    response = client.get("/operations/security/", {"q": "u13"})
    assert "u13" in response.content.decode()
