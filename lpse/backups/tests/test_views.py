"""Pages and API: who sees what, the progress box, starting a backup, query counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lpse.accounts.roles import Role
from lpse.backups.models import BackupCopy, BackupRun, DrillRun
from lpse.core.testing.access import Access, check_matrix

VIEWERS = {Role.SYSADMIN, Role.HEAD, Role.AUDITOR}


def _run(status: str = BackupRun.Status.VERIFIED, **extra) -> BackupRun:
    now = datetime.now(UTC)
    run = BackupRun.objects.create(
        status=status, trigger="scheduled", started_at=now,
        finished_at=None if status == "running" else now, archive_name=f"a-{status}.tar.age",
        archive_size=1234, **extra)
    BackupCopy.objects.create(run=run, kind="local", location=f"/mnt/usb/{run.archive_name}",
                              size=1234, verified_at=now if status != "running" else None)
    return run


@pytest.fixture
def objects(db) -> dict:
    drill = DrillRun.objects.create(trigger="command", archive_name="a.tar.age",
                                    started_at=datetime.now(UTC), status="passed",
                                    summary="RESULT: PASSED")
    return {"run": _run(), "drill": drill}


MATRIX = [
    Access("/backups/", allowed=VIEWERS),
    Access("/backups/progress/", allowed=VIEWERS),
    Access(lambda o: f"/backups/{o['run'].pk}/", allowed=VIEWERS),
    Access("/backups/drills/", allowed=VIEWERS),
    Access(lambda o: f"/backups/drills/{o['drill'].pk}/", allowed=VIEWERS),
    Access("/api/v1/backups/runs/", allowed=VIEWERS),
    Access("/api/v1/backups/drills/", allowed=VIEWERS),
    Access("/api/v1/backups/status/", allowed=VIEWERS),
]


def test_access_matrix(users_by_role, client_for, objects) -> None:
    check_matrix(MATRIX, users_by_role, client_for, objects)


def test_only_the_system_administrator_starts_a_backup(
        users_by_role, client_for, backup_key, django_capture_on_commit_callbacks) -> None:
    for role in (Role.HEAD, Role.AUDITOR, Role.APPADMIN):
        response = client_for(users_by_role[role]).post("/backups/start/")
        assert response.status_code == 403
    assert not BackupRun.objects.exists()
    client = client_for(users_by_role[Role.SYSADMIN])
    page = client.get("/backups/")
    assert "Cadangkan sekarang" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/backups/start/")
    assert response.status_code == 302
    run = BackupRun.objects.get()
    assert run.trigger == BackupRun.Trigger.MANUAL
    assert run.started_by == users_by_role[Role.SYSADMIN]
    assert run.status == BackupRun.Status.VERIFIED, run.error
    head_page = client_for(users_by_role[Role.HEAD]).get("/backups/").content.decode()
    assert "Cadangkan sekarang" not in head_page
    assert run.archive_name in head_page


def test_progress_box_polls_only_while_running(users_by_role, client_for, db) -> None:
    client = client_for(users_by_role[Role.SYSADMIN])
    running = _run("running", bytes_done=50, bytes_total=200, phase="files")
    html = client.get("/backups/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "25%" in html
    assert "files" in html
    BackupRun.objects.filter(pk=running.pk).update(status="verified",
                                                   finished_at=datetime.now(UTC))
    html = client.get("/backups/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert 'data-testid="last-run"' in html


def test_list_query_count(users_by_role, client_for, db, django_assert_max_num_queries) -> None:
    for _ in range(30):
        _run()
    client = client_for(users_by_role[Role.AUDITOR])
    with django_assert_max_num_queries(25):
        response = client.get("/backups/")
    assert response.status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/backups/?page=2&sort=-archive_size").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/api/v1/backups/runs/").status_code == 200


def test_search_and_filter(users_by_role, client_for, db) -> None:
    _run()
    _run(BackupRun.Status.FAILED, error="disk full")
    client = client_for(users_by_role[Role.SYSADMIN])
    html = client.get("/backups/?status=failed").content.decode()
    assert "a-failed.tar.age</td>" in html
    assert "a-verified.tar.age</td>" not in html
    html = client.get("/backups/?q=disk").content.decode()
    assert "a-failed.tar.age" in html


def test_api_status_and_runs(users_by_role, client_for, db) -> None:
    run = _run()
    client = client_for(users_by_role[Role.AUDITOR])
    status = client.get("/api/v1/backups/status/").json()
    assert status["ok"] is True
    assert status["archive"] == run.archive_name
    runs = client.get("/api/v1/backups/runs/").json()["results"]
    assert runs[0]["copies"][0]["location"].endswith(run.archive_name)


def test_dashboard_panel(users_by_role, client_for, db) -> None:
    html = client_for(users_by_role[Role.HEAD]).get("/dashboard/").content.decode()
    assert 'data-testid="panel-last-backup"' in html
    html = client_for(users_by_role[Role.VERIFIER]).get("/dashboard/").content.decode()
    assert "panel-last-backup" not in html
