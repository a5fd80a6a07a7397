"""Evidence and event details as people read them.

Checklist evidence (`ChecklistEntry.evidence`) and the data of security events are kept as
plain JSON with stable keys (the API returns them as they are). Pages show them through
`evidence_rows()`: each key becomes a translated label, each value readable text — moments
in WIB, numbers in the page's language, a component's state as "up"/"down", never a Python
dict.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lpse.core.templatetags.lpse import filesize, number, wib
from lpse.operations import monitoring, security

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

#: Keys of checklist evidence and of security-event data → label.
LABELS: dict[str, str | _StrPromise] = {
    # self-probe
    "probe": gettext_lazy("Self-probe"),
    "url": gettext_lazy("Address"),
    "status": gettext_lazy("HTTP status"),
    "ms": gettext_lazy("Response time (ms)"),
    "at": gettext_lazy("Time"),
    "error": gettext_lazy("Error"),
    # user access and security
    "logins_last_day": gettext_lazy("Logins in the last day"),
    "open_security_alerts": gettext_lazy("Open security alerts"),
    "uploads_rejected_last_day": gettext_lazy("Rejected uploads in the last day"),
    "inactive_accounts": gettext_lazy("Inactive accounts"),
    "not_logged_in_180_days": gettext_lazy("Active accounts not logged in for 180 days"),
    # capacity, backup, growth
    "text": gettext_lazy("Measured"),
    "level": gettext_lazy("Level"),
    "value": gettext_lazy("Value"),
    "age_hours": gettext_lazy("Age"),
    "growth": gettext_lazy("Growth"),
    "database": gettext_lazy("Database"),
    "files": gettext_lazy("Stored files"),
    "day": gettext_lazy("in a day"),
    "week": gettext_lazy("in a week"),
    # database watch
    "vendor": gettext_lazy("Database engine"),
    "hanging": gettext_lazy("Hanging transactions"),
    "lock_waits": gettext_lazy("Lock waits"),
    "integrity": gettext_lazy("Integrity check"),
    # portal content, operating system
    "last_changed": gettext_lazy("Last changed"),
    "os": gettext_lazy("Operating system"),
    "release": gettext_lazy("Release"),
    # security-event data
    "ip": gettext_lazy("IP address"),
    "method": gettext_lazy("Method"),
    "reason": gettext_lazy("Reason"),
    "api": gettext_lazy("API"),
    "count": gettext_lazy("Count"),
    "window_seconds": gettext_lazy("Window (seconds)"),
    "last_path": gettext_lazy("Last address"),
    "purpose": gettext_lazy("Purpose"),
    "name": gettext_lazy("File name"),
    "code": gettext_lazy("Code"),
}

LEVEL_LABELS: dict[str, str | _StrPromise] = {
    "ok": gettext_lazy("well"),
    "warning": gettext_lazy("warning"),
    "critical": gettext_lazy("critical"),
    "unknown": gettext_lazy("unknown"),
}

#: Keys whose number is a size in bytes.
BYTE_KEYS = {"database", "files"}


def label(key: str) -> str:
    """The label of an evidence key: known keys, /health/ components, security kinds,
    capacity checks."""
    if key in LABELS:
        return str(LABELS[key])
    if key in monitoring.HEALTH_LABELS:
        return monitoring.health_label(key)
    if key in security.KINDS:
        return str(security.KINDS[key])
    if key.startswith("disk.") or key in monitoring.CHECK_LABELS:
        return monitoring.check_label(key)
    return key.replace("_", " ").capitalize()


def _is_moment(text: str) -> bool:
    if len(text) < 16 or text[4:5] != "-":
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def value_text(value: Any, key: str = "", *, sizes: bool = False) -> str:
    """One value, readable. `sizes`: the growth figures inside are sizes in bytes."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        if key in BYTE_KEYS:
            return filesize(value)
        if key in ("day", "week"):
            return monitoring.format_signed(
                float(value), filesize if sizes else lambda v: number(v, 0))
        if key == "age_hours":
            return monitoring.format_amount(value, "hours")
        return number(value, 0 if float(value).is_integer() else 1)
    if isinstance(value, str):
        if key == "level":
            return str(LEVEL_LABELS.get(value, value))
        return wib(value) if _is_moment(value) else value
    if isinstance(value, list | tuple):
        return "; ".join(value_text(v, sizes=sizes) for v in value) if value else _("none")
    if isinstance(value, dict):
        if "ok" in value:  # a /health/ component: {"ok": ..., "detail": ...}
            state = _("up") if value["ok"] else _("down")
            detail = value.get("detail")
            return f"{state} ({detail})" if detail and detail != "ok" else state
        if "text" in value:  # a capacity line: {"text": ..., "level": ...}
            level = value.get("level")
            return (f"{value['text']} ({value_text(level, 'level')})" if level
                    else str(value["text"]))
        return ", ".join(f"{label(k)}: {value_text(v, k, sizes=sizes)}" for k, v in value.items())
    return str(value)


def evidence_rows(evidence: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) pairs of a checklist item's evidence or a security event's data."""
    if not evidence:
        return []
    sizes = "files" in evidence  # the data-growth item: its growth is in bytes
    return [(label(str(key)), value_text(value, str(key), sizes=sizes))
            for key, value in evidence.items()]
