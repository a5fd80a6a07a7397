"""Checklist items the system checks itself, each with the evidence it looked at.

`evaluate(key)` returns (result, evidence, note): result "ok", "problem", "na" or None when
the system can only gather evidence and a person must decide (e.g. "no virus attacks").
"""

from __future__ import annotations

import platform
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.operations import hooks, monitoring, security

Outcome = tuple[str | None, dict[str, Any], str]
OK, PROBLEM, NA = "ok", "problem", "na"


def _health(cache: dict[str, Any]) -> dict[str, Any]:
    if "health" not in cache:
        cache["health"] = monitoring.health()
    return cache["health"]  # type: ignore[no-any-return]


def _capacity(cache: dict[str, Any]) -> dict[str, Any]:
    if "capacity" not in cache:
        cache["capacity"] = monitoring.capacity_check()
    return cache["capacity"]  # type: ignore[no-any-return]


def _last_probe() -> Outcome:
    from lpse.operations.models import ProbeResult

    probe = ProbeResult.objects.filter(
        checked_at__gte=timezone.now() - timedelta(minutes=30)
    ).order_by("-checked_at").first()
    if probe is None:
        return None, {"probe": None}, _("No self-probe in the last 30 minutes.")
    evidence = {"url": probe.url, "status": probe.status_code, "ms": probe.response_ms,
                "at": probe.checked_at.isoformat(), "error": probe.error}
    if probe.ok:
        return OK, evidence, _("The public site answered %(status)s in %(ms)s ms.") % {
            "status": probe.status_code, "ms": probe.response_ms}
    return PROBLEM, evidence, _("The public site did not answer: %(error)s") % {
        "error": probe.error or probe.status_code}


def _components(names: list[str], cache: dict[str, Any]) -> Outcome:
    state = _health(cache)
    evidence = {name: state["checks"][name] for name in names}
    down = [name for name in names if not state["checks"][name]["ok"]]
    if down:
        return PROBLEM, evidence, _("Down: %(names)s") % {"names": ", ".join(down)}
    return OK, evidence, _("Up: %(names)s") % {"names": ", ".join(names)}


def _security_day() -> dict[str, int]:
    return security.counts_since(timezone.now() - timedelta(days=1))


def evaluate(key: str, cache: dict[str, Any] | None = None) -> Outcome:
    cache = {} if cache is None else cache
    if key in ("site_up", "connection"):
        return _last_probe()
    if key == "app_server":
        return _components(["web", "database", "worker", "scheduler"], cache)
    if key == "processes":
        return _components(["worker", "scheduler"], cache)
    if key == "services_up":
        return _components(list(_health(cache)["checks"]), cache)
    if key == "mail":
        return _components(["mail"], cache)
    if key == "user_access":
        from lpse.audit.models import AuditEvent

        since = timezone.now() - timedelta(days=1)
        counts = _security_day()
        logins = AuditEvent.objects.filter(action="auth.login", occurred_at__gte=since).count()
        evidence: dict[str, Any] = {"logins_last_day": logins, **counts}
        if counts[security.LOCKED_OUT]:
            return PROBLEM, evidence, _("%(n)s lockout(s) in the last day: review them.") % {
                "n": counts[security.LOCKED_OUT]}
        return OK, evidence, _("%(logins)s logins, %(failed)s failed logins in the last day.") % {
            "logins": logins, "failed": counts[security.LOGIN_FAILED]}
    if key == "intrusion":
        from lpse.operations.models import Alert

        counts = _security_day()
        open_alerts = list(Alert.objects.filter(source=Alert.Source.SECURITY,
                                                resolved_at__isnull=True)
                           .values_list("title", flat=True))
        evidence = {**counts, "open_security_alerts": open_alerts}
        if open_alerts:
            return PROBLEM, evidence, "; ".join(open_alerts)
        return OK, evidence, _("No security threshold crossed in the last day.")
    if key == "uploads_rejected":
        counts = _security_day()
        # Uploads are checked by type and size, not scanned for viruses: a person decides.
        return None, {"uploads_rejected_last_day": counts[security.UPLOAD_REJECTED]}, ""
    if key == "user_maintenance":
        from lpse.accounts.models import User

        stale = timezone.now() - timedelta(days=180)
        evidence = {
            "inactive_accounts": User.objects.filter(is_active=False).count(),
            "not_logged_in_180_days": User.objects.filter(is_active=True).filter(
                Q(last_login__lt=stale) | Q(last_login__isnull=True, date_joined__lt=stale)
            ).count(),
        }
        return None, evidence, ""
    if key == "disk_memory":
        report = _capacity(cache)
        checks = [c for c in report["checks"] if c["key"].startswith("disk.")
                  or c["key"] == "memory"]
        evidence = {c["key"]: {"text": c["text"], "level": c["level"]} for c in checks}
        bad = [c for c in checks if c["level"] in (hooks.WARNING, hooks.CRITICAL)]
        if bad:
            return PROBLEM, evidence, "; ".join(f"{c['label']}: {c['text']}" for c in bad)
        return OK, evidence, _("Disks and memory below the warning thresholds.")
    if key == "backup":
        report = _capacity(cache)
        check = next(c for c in report["checks"] if c["key"] == hooks.LAST_VERIFIED_BACKUP)
        evidence = {"text": check["text"], "level": check["level"], "age_hours": check["value"]}
        if check["level"] == hooks.UNKNOWN:
            return None, evidence, ""
        if check["level"] == hooks.OK:
            return OK, evidence, check["text"]
        return PROBLEM, evidence, check["text"]
    if key == "hanging_transactions":
        watch = monitoring.database_watch()
        evidence = {"vendor": watch["vendor"], "hanging": len(watch["hanging"]),
                    "lock_waits": len(watch["lock_waits"])}
        if watch["vendor"] == "sqlite":
            evidence["integrity"] = watch["integrity"]
        if watch["hanging"] or watch["lock_waits"] or not watch.get("integrity_ok", True):
            return PROBLEM, evidence, _("%(hanging)s hanging transaction(s), %(waits)s lock "
                                        "wait(s).") % {"hanging": len(watch["hanging"]),
                                                       "waits": len(watch["lock_waits"])}
        return OK, evidence, _("No hanging transaction, no lock wait.")
    if key in ("user_growth", "data_growth"):
        report = _capacity(cache)
        check = next(c for c in report["checks"]
                     if c["key"] == ("users" if key == "user_growth" else "data_bytes"))
        return OK, {"text": check["text"], **check["detail"]}, check["text"]
    if key.startswith("content."):
        # Portal content (Lampiran 5, 1.a.6–1.a.10): when it last changed is the evidence;
        # whether it is up to date is for the administrator to judge.
        from lpse.catalog.selectors import content_last_changed

        if "content" not in cache:
            cache["content"] = content_last_changed()
        changed = cache["content"][key.removeprefix("content.")]
        return None, {"last_changed": changed.isoformat() if changed else None}, ""
    if key == "windows":
        system = platform.system()
        if system != "Windows":
            return NA, {"os": system, "release": platform.release()}, _(
                "The server runs %(os)s, not Windows Server.") % {"os": system}
        return None, {"os": system}, ""
    raise KeyError(key)
