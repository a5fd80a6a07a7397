"""Access matrix of every operations view (role × URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.core.testing.access import Access, check_matrix
from lpse.operations.models import ChecklistRun, MaintenanceWindow, SopDocument
from lpse.operations.services import checklist_open

pytestmark = pytest.mark.django_db

MONITORING = {Role.SYSADMIN, Role.HEAD, Role.AUDITOR}
MANAGE = {Role.SYSADMIN}
TICK = {Role.SYSADMIN, Role.APPADMIN}
SOP_REPORT = {Role.HEAD, Role.SYSADMIN, Role.AUDITOR}
EVERYONE = set(Role)


@pytest.fixture
def objects(users_by_role):
    admin = users_by_role[Role.SYSADMIN]
    start = timezone.now() + timedelta(days=2)
    window = MaintenanceWindow.objects.create(title="w", message="m", starts_at=start,
                                              ends_at=start + timedelta(hours=1),
                                              created_by=admin)
    run = checklist_open(frequency=ChecklistRun.Frequency.DAILY)
    draft = SopDocument.objects.create(code="9.9", title="Draft", is_published=False)
    from lpse.core.models import SchedulerLease

    SchedulerLease.objects.create(name="scheduler", holder="matrix", acquired_at=timezone.now(),
                                  expires_at=timezone.now() + timedelta(minutes=10))
    return {"window": window, "run": run, "draft": draft}


MATRIX = [
    Access("/operations/", MONITORING),
    Access("/operations/series/?range=weeks", MONITORING),
    Access("/operations/database/", MONITORING),
    Access("/operations/security/", MONITORING),
    Access("/operations/alerts/", MONITORING),
    Access("/operations/maintenance/", MONITORING),
    Access("/operations/maintenance/new/", MANAGE),
    Access(lambda o: f"/operations/maintenance/{o['window'].pk}/", MONITORING),
    Access("/operations/checklists/", TICK | MONITORING),
    Access(lambda o: f"/operations/checklists/{o['run'].pk}/", TICK | MONITORING),
    Access("/operations/sop-report/", SOP_REPORT),
    Access("/operations/sop-report.csv", SOP_REPORT),
    Access("/operations/sop/", EVERYONE, public=True),
    Access("/operations/sop/1.1/", EVERYONE, public=True),
    Access("/operations/sop/1.1/edit/", MANAGE),
    Access(lambda o: f"/operations/sop/{o['draft'].code}/", MANAGE, denied=404),
    Access("/health/", EVERYONE, public=True, denied=()),
    # Writes (the auditor is refused everywhere; see test_auditor_readonly).
    Access("/operations/capacity/run/", MANAGE, method="post"),
    Access("/operations/checklists/open/", TICK, method="post", data={"frequency": "weekly"}),
    Access(lambda o: f"/operations/checklists/{o['run'].pk}/refresh/", TICK, method="post"),
    Access(lambda o: f"/operations/maintenance/{o['window'].pk}/cancel/", MANAGE,
           method="post"),
    # API
    Access("/api/v1/operations/alerts/", MONITORING),
    Access("/api/v1/operations/security-events/", MONITORING),
    Access("/api/v1/operations/maintenance-windows/", MONITORING),
    Access("/api/v1/operations/checklists/", MONITORING),
    Access("/api/v1/operations/capacity/", MONITORING),
    Access("/api/v1/operations/sop-report/?start=2026-11-01&end=2026-11-30", SOP_REPORT),
]


def test_access_matrix(users_by_role, client_for, objects, settings):
    settings.OPERATIONS = {**settings.OPERATIONS, "DISK_WARNING_PERCENT": 99.9,
                           "DISK_CRITICAL_PERCENT": 99.95}
    check_matrix(MATRIX, users_by_role, client_for, objects)


def test_sop_page_public_and_edited_by_admins(client, client_for, users_by_role):
    response = client.get("/operations/sop/")
    html = response.content.decode()
    for code in ("1.1", "2.1", "2.3", "3.1", "3.3", "3.5", "3.7", "5.1", "6"):
        assert f"/operations/sop/{code}/" in html
    detail = client.get("/operations/sop/3.3/").content.decode()
    assert "KTP Asli Direktur" in detail
    assert "Undang-Undang Nomor 11 Tahun 2008" in detail
    assert "15-30 menit" in detail  # the flow table with Mutu Baku
    admin = client_for(users_by_role[Role.SYSADMIN])
    response = admin.post("/operations/sop/3.3/edit/", {
        "title": "Perubahan Email Perusahaan pada Server LPSE", "number": "SOP/LPSE/03.3/2026",
        "created_on": "2026-01-05", "revised_on": "", "effective_on": "2026-02-01",
        "approved_by": "Kepala UPTD LPSE", "legal_basis": "UU 11/2008", "related": "-",
        "warnings": "Konfirmasi KTP asli.", "qualifications": "q", "equipment": "e",
        "records": "r", "is_published": "on", "order": "50"})
    assert response.status_code == 302
    document = SopDocument.objects.get(code="3.3")
    assert document.number == "SOP/LPSE/03.3/2026"
    from lpse.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="operations.sop_document_updated")
    assert event.data["number"]["to"] == "SOP/LPSE/03.3/2026"
    assert "SOP/LPSE/03.3/2026" in client.get("/operations/sop/").content.decode()


def test_dashboard_and_series(client_for, users_by_role, django_assert_max_num_queries):
    client = client_for(users_by_role[Role.AUDITOR])
    from lpse.operations.services import capacity_check_run, probe_run  # noqa: F401

    capacity_check_run()
    response = client.get("/operations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "chart.umd.min.js" in html
    assert 'id="charts"' in html
    for range_name in ("days", "weeks", "months"):
        with django_assert_max_num_queries(15):
            data = client.get(f"/operations/series/?range={range_name}").json()
        assert set(data["charts"]) == {"capacity", "size", "users", "availability", "queue",
                                       "security"}
        users = data["charts"]["users"]["datasets"][0]["data"]
        assert users[-1] is not None
        assert users[-1] >= 1
    # The auditor sees but cannot run the check.
    assert "capacity/run" not in html


def test_pages_in_english(client_for, users_by_role):
    client = client_for(users_by_role[Role.SYSADMIN])
    client.cookies["lpse_language"] = "en"
    assert "Standard operating procedures" in client.get("/operations/sop/").content.decode()
    html = client.get("/operations/").content.decode()
    assert "Run the capacity check now" in html
    assert "Last verified backup" in html
    html = client.get("/operations/checklists/").content.decode()
    assert "Today&#x27;s daily checklist" in html or "Today's daily checklist" in html
