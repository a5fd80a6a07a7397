"""Measurements: capacity (Pasal 12 a, e), health of the components, database watch.

Everything here only reads; recording samples and raising alerts is in services.py.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lpse.core.templatetags.lpse import filesize, number, wib
from lpse.operations import hooks
from lpse.operations.hooks import CRITICAL, OK, UNKNOWN, WARNING

HEARTBEAT_TASK = "lpse.core.jobs.heartbeat"
DB_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
LEVEL_ORDER = {OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3}


def thresholds() -> dict[str, Any]:
    return dict(settings.OPERATIONS)


def worst(levels: list[str]) -> str:
    return max(levels, key=lambda lv: LEVEL_ORDER.get(lv, 0), default=OK)


def level_for(value: float | None, warning: float, critical: float) -> str:
    if value is None:
        return UNKNOWN
    if value >= critical:
        return CRITICAL
    if value >= warning:
        return WARNING
    return OK


@dataclass
class Check:
    """One line of the capacity check."""

    key: str
    label: str
    text: str
    value: float | None = None
    unit: str = ""
    level: str = OK
    warning: float | None = None
    critical: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = str(self.label)
        return data


def human_bytes(size: float | None) -> str:
    """A size in the active language's number format: 77,4 GB (Indonesian)."""
    return "-" if size is None else filesize(size)


#: Units of the capacity measures, as shown to people (the keys stay in the API and samples).
UNIT_LABELS = {
    "tasks": gettext_lazy("tasks"),
    "minutes": gettext_lazy("minutes"),
    "hours": gettext_lazy("hours"),
    "rows": gettext_lazy("rows"),
    "s": gettext_lazy("seconds"),
}


def format_amount(value: float | None, unit: str = "") -> str:
    """A measured value or threshold with its unit, in the active language: "23,7%",
    "200 tugas", "77,4 GB". Whole numbers without decimals."""
    if value is None:
        return ""
    if unit == "bytes":
        return human_bytes(value)
    value = float(value)
    decimals = 0 if value.is_integer() else 1 if round(value, 1) == value else 2
    text = number(value, decimals)
    if unit == "%":
        return f"{text}%"
    label = UNIT_LABELS.get(unit, unit)
    return f"{text} {label}".strip()


def format_thresholds(warning: float | None, critical: float | None, unit: str = "") -> str:
    """The warning and critical thresholds of a measure: "80 / 90%", "200 / 1.000 tugas",
    "50,0 GB / 100,0 GB"."""
    if warning is None or critical is None:
        return ""
    if unit == "bytes":
        return f"{format_amount(warning, unit)} / {format_amount(critical, unit)}"
    return f"{format_amount(warning)} / {format_amount(critical, unit)}"


def format_signed(value: float, fmt: Callable[[float], str]) -> str:
    """+12 / -3,5 MB: the sign always shown."""
    return ("+" if value >= 0 else "-") + fmt(abs(value))


#: The storage locations of `storage_locations()`, as shown to people.
STORAGE_LABELS = {
    "files": gettext_lazy("stored files"),
    "database": gettext_lazy("database directory"),
    "var": gettext_lazy("data directory (var)"),
}


def storage_label(name: str) -> str:
    return str(STORAGE_LABELS.get(name, name))


#: The name of each capacity check: one place for the check and for its alert's title, which
#: is shown in the reader's language (`lpse.operations.alert_titles`).
CHECK_LABELS = {
    "memory": gettext_lazy("Memory (RAM)"),
    "database.size": gettext_lazy("Database size"),
    "users": gettext_lazy("User table"),
    "data_bytes": gettext_lazy("Data files (database and stored files)"),
    "queue.depth": gettext_lazy("Task queue depth"),
    "queue.age": gettext_lazy("Oldest waiting task"),
    "clock_offset": gettext_lazy("Clock offset from the database server"),
    hooks.LAST_VERIFIED_BACKUP: gettext_lazy("Last verified backup"),
}


def check_label(key: str) -> str:
    """The name of the capacity check `key` in the active language."""
    if key.startswith("disk."):
        return _("Disk: %(name)s") % {"name": storage_label(key.removeprefix("disk."))}
    if key in CHECK_LABELS:
        return str(CHECK_LABELS[key])
    provider = hooks.metric_providers().get(key)
    return str(provider[0]) if provider else key


# --- Storage, memory, database size ---------------------------------------------------------


def _existing(path: Path) -> Path:
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def storage_locations() -> list[tuple[str, Path]]:
    """Where the installation writes: stored files, the SQLite database, var/."""
    locations: list[tuple[str, Path]] = []
    storages: dict[str, Any] = settings.STORAGES
    if str(storages["default"]["BACKEND"]).endswith("FileSystemStorage"):
        locations.append(("files", Path(settings.MEDIA_ROOT)))
    if connection.vendor == "sqlite":
        locations.append(("database", Path(str(connection.settings_dict["NAME"])).parent))
    locations.append(("var", Path(settings.VAR_DIR)))
    return locations


def disk_checks() -> list[Check]:
    limits = thresholds()
    checks: list[Check] = []
    seen_devices: set[tuple[str, int]] = set()
    for name, path in storage_locations():
        where = _existing(path)
        usage = psutil.disk_usage(str(where))
        seen_devices.add((str(where), usage.total))
        percent = float(usage.percent)
        checks.append(Check(
            key=f"disk.{name}", label=check_label(f"disk.{name}"),
            text=_("%(percent)s used (%(free)s free of %(total)s) at %(path)s") % {
                "percent": format_amount(percent, "%"), "free": human_bytes(usage.free),
                "total": human_bytes(usage.total), "path": where,
            },
            value=percent, unit="%",
            level=level_for(percent, limits["DISK_WARNING_PERCENT"],
                            limits["DISK_CRITICAL_PERCENT"]),
            warning=limits["DISK_WARNING_PERCENT"], critical=limits["DISK_CRITICAL_PERCENT"],
            detail={"path": str(where), "total": usage.total, "used": usage.used,
                    "free": usage.free},
        ))
    return checks


def memory_check() -> Check:
    limits = thresholds()
    memory = psutil.virtual_memory()
    percent = float(memory.percent)
    return Check(
        key="memory", label=check_label("memory"),
        text=_("%(percent)s used (%(available)s available of %(total)s)") % {
            "percent": format_amount(percent, "%"), "available": human_bytes(memory.available),
            "total": human_bytes(memory.total),
        },
        value=percent, unit="%",
        level=level_for(percent, limits["MEMORY_WARNING_PERCENT"],
                        limits["MEMORY_CRITICAL_PERCENT"]),
        warning=limits["MEMORY_WARNING_PERCENT"], critical=limits["MEMORY_CRITICAL_PERCENT"],
        detail={"total": memory.total, "available": memory.available},
    )


def sqlite_files() -> dict[str, int]:
    name = Path(str(connection.settings_dict["NAME"]))
    sizes = {}
    for key, suffix in (("main", ""), ("wal", "-wal"), ("shm", "-shm")):
        path = Path(f"{name}{suffix}")
        sizes[key] = path.stat().st_size if path.is_file() else 0
    return sizes


def database_size() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    if connection.vendor == "sqlite":
        return sum(sqlite_files().values())
    return 0


def database_size_check() -> Check:
    limits = thresholds()
    size = database_size()
    return Check(
        key="database.size", label=check_label("database.size"), text=human_bytes(size),
        value=float(size), unit="bytes",
        level=level_for(size, limits["DATABASE_WARNING_BYTES"],
                        limits["DATABASE_CRITICAL_BYTES"]),
        warning=limits["DATABASE_WARNING_BYTES"], critical=limits["DATABASE_CRITICAL_BYTES"],
        detail={"vendor": connection.vendor},
    )


# --- Growth of the user table and of the data files (Lampiran 5, database 3–4) --------------


def user_count() -> int:
    from lpse.accounts.models import User

    return User.objects.count()


def stored_files_bytes() -> int:
    from lpse.core.models import StoredFile

    return int(StoredFile.objects.aggregate(total=Sum("size"))["total"] or 0)


def _sample_before(metric: str, moment: datetime) -> float | None:
    from lpse.operations.models import MetricSample

    return (
        MetricSample.objects.filter(metric=metric, subject="", taken_at__lte=moment)
        .order_by("-taken_at").values_list("value", flat=True).first()
    )


def growth(metric: str, current: float, now: datetime) -> dict[str, float | None]:
    """Change against the latest sample at least one day and one week old."""
    day = _sample_before(metric, now - timedelta(days=1))
    week = _sample_before(metric, now - timedelta(days=7))
    return {
        "day": None if day is None else current - day,
        "week": None if week is None else current - week,
    }


def _growth_text(values: dict[str, float | None], fmt: Callable[[float], str]) -> str:
    def one(value: float | None) -> str:
        return _("not recorded yet") if value is None else format_signed(value, fmt)

    return _("%(day)s in a day, %(week)s in a week") % {
        "day": one(values["day"]), "week": one(values["week"]),
    }


def growth_checks(now: datetime) -> list[Check]:
    users = user_count()
    files = stored_files_bytes()
    db_size = database_size()
    user_growth = growth("users", users, now)
    data_growth = growth("data_bytes", files + db_size, now)
    return [
        Check(key="users", label=check_label("users"),
              text=_("%(count)s users; %(growth)s") % {
                  "count": users, "growth": _growth_text(user_growth, lambda v: number(v, 0))},
              value=float(users), unit="rows", detail={"growth": user_growth}),
        Check(key="data_bytes", label=check_label("data_bytes"),
              text=_("%(size)s; %(growth)s") % {
                  "size": human_bytes(files + db_size),
                  "growth": _growth_text(data_growth, human_bytes)},
              value=float(files + db_size), unit="bytes",
              detail={"database": db_size, "files": files, "growth": data_growth}),
    ]


# --- Task queue -----------------------------------------------------------------------------


def queue_state(now: datetime | None = None) -> dict[str, Any]:
    """Depth of the database task queue and age of its oldest waiting task."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(status="READY", run_after__lte=now)
    depth = waiting.count()
    oldest = waiting.aggregate(oldest=Min("enqueued_at"))["oldest"]
    age = (now - oldest).total_seconds() / 60 if oldest else 0.0
    failed_day = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=now - timedelta(days=1)
    ).count()
    return {"depth": depth, "oldest_age_minutes": round(age, 1), "failed_last_day": failed_day}


def queue_checks(now: datetime) -> list[Check]:
    limits = thresholds()
    state = queue_state(now)
    return [
        Check(key="queue.depth", label=check_label("queue.depth"),
              text=_("%(depth)s tasks waiting; %(failed)s failed in the last day") % {
                  "depth": state["depth"], "failed": state["failed_last_day"]},
              value=float(state["depth"]), unit="tasks",
              level=level_for(state["depth"], limits["QUEUE_WARNING_DEPTH"],
                              limits["QUEUE_CRITICAL_DEPTH"]),
              warning=limits["QUEUE_WARNING_DEPTH"], critical=limits["QUEUE_CRITICAL_DEPTH"],
              detail=state),
        Check(key="queue.age", label=check_label("queue.age"),
              text=_("%(age)s minutes") % {"age": number(state["oldest_age_minutes"], 1)},
              value=float(state["oldest_age_minutes"]), unit="minutes",
              level=level_for(state["oldest_age_minutes"], limits["QUEUE_WARNING_AGE_MINUTES"],
                              limits["QUEUE_CRITICAL_AGE_MINUTES"]),
              warning=limits["QUEUE_WARNING_AGE_MINUTES"],
              critical=limits["QUEUE_CRITICAL_AGE_MINUTES"]),
    ]


# --- Clock -----------------------------------------------------------------------------------
# Deadlines are decided by the clock of the app server that takes the request: a server
# whose clock is off accepts a bid after the deadline or refuses one before it. Each server
# compares its clock with the database server's (one reference for all of them).

#: The database server's current time in seconds since the epoch, as it reads its own clock.
CLOCK_QUERIES = {
    "postgresql": "SELECT EXTRACT(EPOCH FROM clock_timestamp())",
    "sqlite": "SELECT (julianday('now') - 2440587.5) * 86400.0",  # same machine, ms
}

#: This process's clock (a seam for tests: a skewed clock cannot be produced for real).
local_clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class ClockReading:
    #: Seconds this server's clock is ahead of the database server's (negative: behind).
    offset: float
    #: Half the round trip of the sample used: the offset is known within ± this.
    uncertainty: float


def clock_offset(samples: int = 3) -> ClockReading | None:
    """This server's clock against the database server's, as NTP measures: of a few
    queries, the one with the shortest round trip, its midpoint against the server's
    reading. None for a database without a clock query here."""
    sql = CLOCK_QUERIES.get(connection.vendor)
    if sql is None:
        return None
    best: tuple[float, float] | None = None
    with connection.cursor() as cursor:
        for _sample in range(samples):
            sent = local_clock()
            cursor.execute(sql)
            server = float(cursor.fetchone()[0])
            received = local_clock()
            offset, round_trip = (sent + received) / 2 - server, received - sent
            if best is None or round_trip < best[1]:
                best = (offset, round_trip)
    assert best is not None
    return ClockReading(offset=best[0], uncertainty=max(best[1], 0.0) / 2)


def _clock_text(reading: ClockReading) -> str:
    return _("%(offset)s s from the database server's clock (± %(error)s s)") % {
        "offset": format_signed(reading.offset, lambda v: number(v, 3)),
        "error": number(reading.uncertainty, 3)}


def clock_check() -> Check:
    limits = thresholds()
    label = check_label("clock_offset")
    reading = clock_offset()
    if reading is None:
        return Check(key="clock_offset", label=label, text=_("not measured"), level=UNKNOWN)
    value = round(abs(reading.offset), 3)
    return Check(key="clock_offset", label=label, text=_clock_text(reading), value=value,
                 unit="s", level=level_for(value, limits["CLOCK_WARNING_SECONDS"],
                                           limits["CLOCK_CRITICAL_SECONDS"]),
                 warning=limits["CLOCK_WARNING_SECONDS"],
                 critical=limits["CLOCK_CRITICAL_SECONDS"],
                 detail={"offset": round(reading.offset, 4),
                         "uncertainty": round(reading.uncertainty, 4)})


# --- Contributed metrics (last verified backup, …) ------------------------------------------


def provided_checks(now: datetime) -> list[Check]:
    limits = thresholds()
    providers = hooks.metric_providers()
    checks: list[Check] = []
    if hooks.LAST_VERIFIED_BACKUP not in providers:
        checks.append(Check(key=hooks.LAST_VERIFIED_BACKUP,
                            label=check_label(hooks.LAST_VERIFIED_BACKUP),
                            text=_("not recorded"), level=UNKNOWN))
    for name, (label, provider) in sorted(providers.items()):
        try:
            reading = provider()
        except Exception as exc:  # noqa: BLE001 - a broken provider must not stop the check
            checks.append(Check(key=name, label=label, text=_("error: %(error)s") % {
                "error": str(exc)[:200]}, level=UNKNOWN))
            continue
        level = reading.level
        value = reading.value
        if name == hooks.LAST_VERIFIED_BACKUP and reading.at is not None:
            hours = (now - reading.at).total_seconds() / 3600
            value = round(hours, 2)
            level = worst([level, level_for(hours, limits["BACKUP_WARNING_HOURS"],
                                            limits["BACKUP_CRITICAL_HOURS"])])
        if name == hooks.LAST_VERIFIED_BACKUP:
            label = check_label(hooks.LAST_VERIFIED_BACKUP)
        checks.append(Check(
            key=name, label=label, text=reading.text, value=value,
            unit="hours" if name == hooks.LAST_VERIFIED_BACKUP else "", level=level,
            detail={**reading.detail, "at": reading.at.isoformat() if reading.at else None},
        ))
    return checks


def capacity_check(now: datetime | None = None) -> dict[str, Any]:
    """Every capacity measurement with its level; nothing is stored."""
    now = now or timezone.now()
    checks = [
        *disk_checks(), memory_check(), database_size_check(), *growth_checks(now),
        *queue_checks(now), clock_check(), *provided_checks(now),
    ]
    return {
        "taken_at": now.isoformat(),
        "level": worst([c.level for c in checks if c.level != UNKNOWN]),
        "checks": [c.as_dict() for c in checks],
    }


# --- Health -------------------------------------------------------------------------------


def _result(ok: bool, detail: str, **extra: Any) -> dict[str, Any]:
    return {"ok": ok, "detail": detail, **extra}


def health_database() -> dict[str, Any]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return _result(False, str(exc)[:200])
    return _result(True, connection.vendor,
                   ms=round((time.monotonic() - started) * 1000, 1))


def health_worker(now: datetime | None = None) -> dict[str, Any]:
    """A worker is alive when the minute heartbeat finished recently."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DB_TASKS_BACKEND:
        return _result(True, f"{backend}: no separate worker")
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    minutes = thresholds()["WORKER_HEARTBEAT_MINUTES"]
    last = (
        DBTaskResult.objects.filter(task_path=HEARTBEAT_TASK, status="SUCCESSFUL")
        .order_by("-finished_at").values_list("finished_at", flat=True).first()
    )
    if last is None:
        return _result(False, _("no heartbeat recorded"))
    ok = last >= now - timedelta(minutes=minutes)
    return _result(ok, _("last heartbeat %(when)s") % {"when": wib(last)},
                   last=last.isoformat())


def health_scheduler(now: datetime | None = None) -> dict[str, Any]:
    from lpse.core.scheduler import current_leader

    leader = current_leader(now)
    if leader is None:
        return _result(False, _("no scheduler holds the lease"))
    return _result(True, leader.holder, lease_expires=leader.expires_at.isoformat())


def health_clock() -> dict[str, Any]:
    """Down when this server's clock is off by the critical offset or more: a load balancer
    then stops sending it requests, so it decides no deadline with a wrong clock."""
    try:
        reading = clock_offset()
    except Exception as exc:  # noqa: BLE001 - any failure means "not known to be right"
        return _result(False, str(exc)[:200])
    if reading is None:
        return _result(True, _("not measured"))
    ok = abs(reading.offset) < thresholds()["CLOCK_CRITICAL_SECONDS"]
    return _result(ok, _clock_text(reading), offset=round(reading.offset, 4))


def health_mail() -> dict[str, Any]:
    """SMTP connect and NOOP with a short timeout; the development outbox is always up."""
    from lpse.core import mail

    if mail.outbox_enabled():
        return _result(True, "outbox")
    mailers: dict[str, Any] = getattr(settings, "MAILERS", {})
    options: dict[str, Any] = mailers.get("default", {}).get("OPTIONS", {})
    host, port = options.get("host", "localhost"), int(options.get("port", 25))
    timeout = thresholds()["MAIL_CHECK_TIMEOUT_SECONDS"]
    cache_key = f"ops:health:mail:{host}:{port}"
    cached = cache.get(cache_key)
    if cached is not None:
        return dict(cached)
    smtp_class = smtplib.SMTP_SSL if options.get("use_ssl") else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=timeout) as server:
            code, _message = server.noop()
        result = _result(code == 250, f"{host}:{port} NOOP {code}")
    except (OSError, smtplib.SMTPException) as exc:
        result = _result(False, f"{host}:{port} {str(exc)[:150]}")
    cache.set(cache_key, result, 30)
    return result


#: The components of `health()`, as shown to people (the JSON of /health/ keeps the keys).
HEALTH_LABELS = {
    "web": gettext_lazy("Web server"),
    "database": gettext_lazy("Database"),
    "worker": gettext_lazy("Task worker"),
    "scheduler": gettext_lazy("Scheduler"),
    "clock": gettext_lazy("Clock"),
    "mail": gettext_lazy("Mail"),
}


def health_label(name: str) -> str:
    return str(HEALTH_LABELS.get(name, name))


def health(now: datetime | None = None) -> dict[str, Any]:
    checks = {
        "web": _result(True, "ok"),
        "database": health_database(),
    }
    if checks["database"]["ok"]:
        checks["worker"] = health_worker(now)
        checks["scheduler"] = health_scheduler(now)
        checks["clock"] = health_clock()
    else:
        for name in ("worker", "scheduler", "clock"):
            checks[name] = _result(False, _("unknown: database down"))
    checks["mail"] = health_mail()
    return {
        "status": "ok" if all(c["ok"] for c in checks.values()) else "fail",
        "time": timezone.now().isoformat(),
        "checks": checks,
    }


# --- Database watch -------------------------------------------------------------------------


def _rows(sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def database_watch() -> dict[str, Any]:
    """Hanging transactions, lock waits and connections (PostgreSQL); files and integrity
    (SQLite)."""
    limit = thresholds()["HANGING_TRANSACTION_SECONDS"]
    if connection.vendor == "postgresql":
        return _postgres_watch(limit)
    if connection.vendor == "sqlite":
        return _sqlite_watch()
    return {"vendor": connection.vendor}


def _postgres_watch(limit: int) -> dict[str, Any]:
    sessions = _rows(
        """
        SELECT pid, usename AS "user", application_name AS application,
               host(client_addr) AS client, state,
               EXTRACT(EPOCH FROM (now() - xact_start))::float AS transaction_seconds,
               EXTRACT(EPOCH FROM (now() - query_start))::float AS query_seconds,
               EXTRACT(EPOCH FROM (now() - state_change))::float AS state_seconds,
               wait_event_type, wait_event, LEFT(query, 300) AS query
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND backend_type = 'client backend'
        ORDER BY xact_start NULLS LAST
        """
    )
    hanging = [
        s for s in sessions
        if (str(s["state"] or "").startswith("idle in transaction")
            and (s["state_seconds"] or 0) >= limit)
        or (s["state"] == "active" and (s["query_seconds"] or 0) >= limit)
    ]
    lock_waits = _rows(
        """
        SELECT l.pid, l.locktype, l.mode, a.state,
               EXTRACT(EPOCH FROM (now() - a.query_start))::float AS waiting_seconds,
               pg_blocking_pids(l.pid) AS blocked_by, LEFT(a.query, 300) AS query
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.datname = current_database()
        """
    )
    for wait in lock_waits:
        wait["blocked_by"] = list(wait["blocked_by"] or [])
    by_state: dict[str, int] = {}
    for row in _rows(
        "SELECT COALESCE(state, 'unknown') AS state, count(*) AS n FROM pg_stat_activity "
        "WHERE backend_type = 'client backend' GROUP BY 1"
    ):
        by_state[row["state"]] = int(row["n"])
    max_connections = int(_rows("SHOW max_connections")[0]["max_connections"])
    total = sum(by_state.values())
    return {
        "vendor": "postgresql",
        "hanging_limit_seconds": limit,
        "sessions": sessions,
        "hanging": hanging,
        "lock_waits": lock_waits,
        "connections": {"total": total, "max": max_connections, "by_state": by_state,
                        "percent": round(100 * total / max_connections, 1)},
    }


def _sqlite_watch() -> dict[str, Any]:
    files = sqlite_files()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA quick_check")
        integrity = [str(row[0]) for row in cursor.fetchall()]
        cursor.execute("PRAGMA journal_mode")
        journal = str(cursor.fetchone()[0])
    return {
        "vendor": "sqlite",
        "path": str(connection.settings_dict["NAME"]),
        "files": files,
        "journal_mode": journal,
        "integrity": integrity,
        "integrity_ok": integrity == ["ok"],
        "hanging": [],
        "lock_waits": [],
        "connections": None,
    }
