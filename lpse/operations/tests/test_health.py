from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from lpse.core.models import SchedulerLease
from lpse.operations import monitoring
from lpse.operations.models import Alert, MetricSample, ProbeResult
from lpse.operations.services import database_watch_run, health_watch, probe_run
from lpse.operations.tests.conftest import db_tasks_backend

pytestmark = pytest.mark.django_db


def _heartbeat(finished_minutes_ago: float) -> None:
    now = timezone.now()
    DBTaskResult.objects.create(
        task_path=monitoring.HEARTBEAT_TASK, status="SUCCESSFUL",
        args_kwargs={"args": [], "kwargs": {}}, backend_name="default", run_after=now,
        finished_at=now - timedelta(minutes=finished_minutes_ago), queue_name="default",
        exception_class_path="", traceback="")


def _lease() -> None:
    now = timezone.now()
    SchedulerLease.objects.create(name="scheduler", holder="host:1:abc",
                                  expires_at=now + timedelta(seconds=30), acquired_at=now)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_health_all_well(client, settings, smtp):
    db_tasks_backend(settings)
    _heartbeat(0.5)
    _lease()
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"web", "database", "worker", "scheduler", "clock", "mail"}
    assert data["checks"]["mail"]["detail"].endswith("NOOP 250")
    assert abs(data["checks"]["clock"]["offset"]) < 0.5  # one machine: one clock
    assert data["checks"]["scheduler"]["detail"] == "host:1:abc"


def test_health_503_without_worker_heartbeat(client, settings):
    db_tasks_backend(settings)
    _heartbeat(10)  # too old
    _lease()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_health_503_without_scheduler(client, settings):
    db_tasks_backend(settings)
    _heartbeat(0)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["ok"] is False


def test_health_503_when_mail_server_down(client, settings):
    db_tasks_backend(settings)
    _heartbeat(0)
    _lease()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": _closed_port()}}}
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["mail"]["ok"] is False


def test_health_mail_outbox_in_development(client, settings, tmp_path):
    settings.MAILERS = {"default": {"BACKEND": "lpse.core.mail.OutboxEmailBackend",
                                    "OPTIONS": {"directory": str(tmp_path)}}}
    assert monitoring.health_mail() == {"ok": True, "detail": "outbox"}


def test_health_watch_opens_and_resolves_component_alerts(settings):
    db_tasks_backend(settings)
    _heartbeat(0)
    health_watch()
    assert Alert.objects.filter(key="health.scheduler", resolved_at__isnull=True).exists()
    _lease()
    health_watch()
    assert not Alert.objects.filter(key="health.scheduler", resolved_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_self_probe_records_availability(live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.OPERATIONS = {**settings.OPERATIONS, "PROBE_URL": f"{live_server.url}/"}
    result = probe_run()
    assert result.ok, result.error
    assert result.status_code == 200
    assert result.response_ms is not None
    assert MetricSample.objects.filter(metric="availability", value=1.0).exists()

    settings.OPERATIONS = {**settings.OPERATIONS,
                           "PROBE_URL": f"http://127.0.0.1:{_closed_port()}/"}
    down = probe_run()
    assert not down.ok
    assert Alert.objects.filter(key="health.site", level="critical",
                                resolved_at__isnull=True).exists()
    settings.OPERATIONS = {**settings.OPERATIONS, "PROBE_URL": f"{live_server.url}/"}
    probe_run()
    assert not Alert.objects.filter(key="health.site", resolved_at__isnull=True).exists()
    assert ProbeResult.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_database_watch(settings):
    """SQLite: files and integrity; PostgreSQL: a real hanging transaction and lock wait."""
    if connection.vendor == "postgresql":
        _postgres_hanging_transaction(settings)
        return
    watch = monitoring.database_watch()
    assert watch["vendor"] == "sqlite"
    assert watch["integrity_ok"] is True
    assert watch["journal_mode"] == "wal"
    assert watch["files"]["main"] > 0


def _postgres_hanging_transaction(settings):
    import psycopg

    settings.OPERATIONS = {**settings.OPERATIONS, "HANGING_TRANSACTION_SECONDS": 1,
                           "LOCK_WAIT_WARNING": 1}
    params = connection.get_connection_params()
    dsn = {k: v for k, v in params.items() if k in ("host", "port", "user", "password",
                                                     "dbname")}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS ops_lock_probe (id int PRIMARY KEY)")
        cursor.execute("INSERT INTO ops_lock_probe VALUES (1) ON CONFLICT DO NOTHING")
    holder = psycopg.connect(**dsn, application_name="ops-hanging")
    waiter = psycopg.connect(**dsn, application_name="ops-waiter")
    try:
        holder.execute("BEGIN")
        holder.execute("SELECT id FROM ops_lock_probe WHERE id = 1 FOR UPDATE")
        # The waiter blocks on the same row in a thread: a real lock wait.
        thread = threading.Thread(
            target=lambda: waiter.execute("UPDATE ops_lock_probe SET id = 1 WHERE id = 1"),
            daemon=True)
        thread.start()
        import time

        time.sleep(1.5)
        watch = database_watch_run()
        hanging = [s for s in watch["hanging"] if s["application"] == "ops-hanging"]
        assert hanging
        assert hanging[0]["state"] == "idle in transaction"
        assert any(holder.info.backend_pid in w["blocked_by"] for w in watch["lock_waits"])
        assert watch["connections"]["total"] >= 3
        assert Alert.objects.filter(key="database.hanging", resolved_at__isnull=True).exists()
        assert Alert.objects.filter(key="database.lock_waits", resolved_at__isnull=True).exists()
    finally:
        holder.rollback()
        thread.join(timeout=5)
        waiter.rollback()
        holder.close()
        waiter.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS ops_lock_probe")
    database_watch_run()
    assert not Alert.objects.filter(key="database.hanging", resolved_at__isnull=True).exists()


def test_prometheus_metrics_need_the_token(client, settings):
    settings.OPERATIONS_METRICS_TOKEN = ""
    assert client.get("/operations/metrics/").status_code == 404
    settings.OPERATIONS_METRICS_TOKEN = "s3cret-token"
    assert client.get("/operations/metrics/").status_code == 401
    assert client.get("/operations/metrics/",
                      HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/operations/metrics/", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert '# TYPE lpse_disk_used_percent gauge' in text
    # Parsed back by the client library's own parser, as a scraper would.
    families = {f.name: f for f in text_string_to_metric_families(text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in families.values() for s in f.samples}
    assert all(f.type == "gauge" for f in families.values())
    assert samples[("lpse_up", (("component", "database"),))] == 1
    assert abs(samples[("lpse_clock_offset_seconds", ())]) < 0.5
    assert 0 <= samples[("lpse_memory_used_percent", ())] <= 100
    assert samples[("lpse_security_events_last_hour", (("kind", "auth.login_failed"),))] == 0
    assert samples[("lpse_maintenance_active", ())] == 0
    assert samples[("lpse_alerts_open", (("level", "critical"),))] == 0
    # OpenMetrics for a scraper that asks for it.
    open_metrics = client.get("/operations/metrics/", HTTP_AUTHORIZATION="Bearer s3cret-token",
                              HTTP_ACCEPT="application/openmetrics-text; version=1.0.0")
    assert open_metrics["Content-Type"].startswith("application/openmetrics-text")
    assert open_metrics.content.decode().rstrip().endswith("# EOF")


# --- The clock (deadlines are decided by it) ------------------------------------------------


def _clock_off_by(monkeypatch, seconds: float) -> None:
    """This server's clock `seconds` ahead of the database's (negative: behind). The system
    clock cannot be skewed in a test, so the monitoring's clock seam is."""
    monkeypatch.setattr(monitoring, "local_clock", lambda: time.time() + seconds)


def test_clock_offset_measured_against_the_database_server():
    reading = monitoring.clock_offset()
    assert reading is not None
    assert abs(reading.offset) < 0.5  # the test database runs on this machine
    assert 0 <= reading.uncertainty < 1


def test_a_server_whose_clock_is_off_is_reported_down(client, settings, smtp, monkeypatch):
    db_tasks_backend(settings)
    _heartbeat(0.5)
    _lease()
    for skew in (3.0, -3.0):
        _clock_off_by(monkeypatch, skew)
        response = client.get("/health/")
        assert response.status_code == 503
        clock = response.json()["checks"]["clock"]
        assert clock["ok"] is False
        assert abs(clock["offset"] - skew) < 0.5
        assert "dari jam server basis data" in clock["detail"]  # Indonesian by default
    # Under the critical offset (2 s) the server stays in service; the capacity check warns.
    _clock_off_by(monkeypatch, 1.0)
    assert client.get("/health/").status_code == 200
    check = monitoring.clock_check()
    assert check.level == "warning"
    assert abs(check.value - 1.0) < 0.5
    _clock_off_by(monkeypatch, 0.0)
    assert monitoring.clock_check().level == "ok"


def test_clock_offset_alerts_and_resolves(settings, monkeypatch):
    from lpse.operations.services import capacity_check_run

    _clock_off_by(monkeypatch, 1.0)
    report = capacity_check_run()
    line = next(c for c in report["checks"] if c["key"] == "clock_offset")
    assert line["level"] == "warning"
    assert line["unit"] == "s"
    alert = Alert.objects.get(key="capacity.clock_offset", resolved_at__isnull=True)
    assert alert.level == "warning"
    assert MetricSample.objects.filter(metric="clock_offset").exists()
    _clock_off_by(monkeypatch, 5.0)
    health_watch()
    assert Alert.objects.filter(key="health.clock", level="critical",
                                resolved_at__isnull=True).exists()
    _clock_off_by(monkeypatch, 0.0)
    capacity_check_run()
    health_watch()
    assert not Alert.objects.filter(key__in=["capacity.clock_offset", "health.clock"],
                                    resolved_at__isnull=True).exists()


def _summary_badges(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="badge text-bg-(success|warning|danger)">([^<]+)</span>',
                      html)


def test_summary_is_never_all_well_beside_an_open_alert(client_for, settings, smtp):
    """Every component up, yet a critical alert open: the dashboard and the sysadmin's home
    panel say so instead of "semua baik"."""
    from lpse.accounts.roles import Role
    from lpse.accounts.tests.factories import make_user
    from lpse.operations.services import alert_raise

    db_tasks_backend(settings)
    _heartbeat(0.5)
    _lease()
    assert monitoring.health()["status"] == "ok"
    client = client_for(make_user(Role.SYSADMIN))

    for page in ("/operations/", "/dashboard/"):
        assert ("success", "semua baik") in _summary_badges(client.get(page).content.decode())

    alert_raise(key="capacity.queue.depth", source=Alert.Source.CAPACITY, level="warning",
                title="Panjang antrean tugas")
    for page in ("/operations/", "/dashboard/"):
        badges = _summary_badges(client.get(page).content.decode())
        assert ("warning", "ada peringatan") in badges
        assert all(label != "semua baik" for _css, label in badges)

    alert_raise(key="health.site", source=Alert.Source.HEALTH, level="critical",
                title="Situs publik tidak menjawab")
    for page in ("/operations/", "/dashboard/"):
        html = client.get(page).content.decode()
        badges = _summary_badges(html)
        assert ("danger", "ada peringatan kritis") in badges, page
        assert all(label != "semua baik" for _css, label in badges)
        assert "Situs publik tidak menjawab" in html
    # Critical alerts are listed first on the dashboard.
    html = client.get("/operations/").content.decode()
    assert html.index("Situs publik tidak menjawab") < html.index("Panjang antrean tugas")


def test_dashboard_shows_the_heartbeat_and_components_in_wib_and_indonesian(
        client_for, settings, smtp):
    from lpse.accounts.roles import Role
    from lpse.accounts.tests.factories import make_user
    from lpse.core.templatetags.lpse import wib

    db_tasks_backend(settings)
    _heartbeat(0.5)
    _lease()
    last = DBTaskResult.objects.get().finished_at
    html = client_for(make_user(Role.SYSADMIN)).get("/operations/").content.decode()
    assert f"detak terakhir {wib(last)}" in html
    assert last.isoformat() not in html
    for label in ("Server web", "Basis data", "Pekerja tugas", "Penjadwal", "Jam", "E-mail"):
        assert f"<strong>{label}</strong>" in html
    # /health/ (for machines) keeps its keys and the ISO time.
    data = client_for(None).get("/health/").json()
    assert data["checks"]["worker"]["last"] == last.isoformat()
