"""Security events: read from the audit log, where every one of them is recorded.

The foundation records failed logins, lockouts, authorization failures and failed
two-factor codes. Operations adds two kinds: uploads refused by policy
(`security.upload_rejected`, from lpse.core.files' `file_rejected` signal) and bursts of
404 answers to one address (`security.not_found_burst`, SecurityWatchMiddleware).
"""

from __future__ import annotations

import contextvars
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from lpse.audit.models import AuditEvent

LOGIN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.locked_out"
DENIED = "auth.denied"
TWO_FACTOR_FAILED = "auth.2fa_failed"
UPLOAD_REJECTED = "security.upload_rejected"
NOT_FOUND_BURST = "security.not_found_burst"

#: Kind → label; the order is the order of the filter and of the dashboard.
KINDS: dict[str, str | _StrPromise] = {
    LOGIN_FAILED: _("Failed login"),
    LOCKED_OUT: _("Lockout"),
    DENIED: _("Authorization failure"),
    TWO_FACTOR_FAILED: _("Wrong two-factor code"),
    UPLOAD_REJECTED: _("Rejected upload"),
    NOT_FOUND_BURST: _("Burst of 404s from one address"),
}

#: Kind → threshold setting (events per hour that open an alert).
ALERT_SETTINGS = {
    LOGIN_FAILED: "FAILED_LOGINS_PER_HOUR",
    LOCKED_OUT: "LOCKOUTS_PER_HOUR",
    DENIED: "DENIED_PER_HOUR",
    UPLOAD_REJECTED: "UPLOAD_REJECTIONS_PER_HOUR",
    NOT_FOUND_BURST: "NOT_FOUND_BURSTS_PER_HOUR",
}


def security_events() -> QuerySet[AuditEvent]:
    from lpse.audit.models import AuditEvent

    return AuditEvent.objects.filter(action__in=list(KINDS))


def counts_since(since: datetime) -> dict[str, int]:
    rows = (
        security_events().filter(occurred_at__gte=since)
        .values_list("action").annotate(n=Count("seq")).values_list("action", "n")
    )
    found = dict(rows)
    return {kind: int(found.get(kind, 0)) for kind in KINDS}


def top_addresses(since: datetime, limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        security_events().filter(occurred_at__gte=since, ip_address__isnull=False)
        .values("ip_address").annotate(n=Count("seq")).order_by("-n", "ip_address")[:limit]
    )
    return [dict(row) for row in rows]


# --- 404 bursts -------------------------------------------------------------------------------


def count_not_found(ip: str, path: str, now: datetime) -> int:
    """Count a 404 for `ip` in the current window; record a burst when it hits the limit.

    The counter lives in the cache (per process with the local-memory cache, shared with
    Redis); the burst is recorded once per address and window.
    """
    limits = settings.OPERATIONS
    window = max(1, int(limits["NOT_FOUND_WINDOW_SECONDS"]))
    slot = int(now.timestamp()) // window
    key = f"ops:404:{ip}:{slot}"
    if cache.add(key, 1, timeout=window * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window * 2)
            count = 1
    if count == int(limits["NOT_FOUND_BURST"]):
        from lpse.audit.services import audit_record

        with transaction.atomic():
            audit_record(
                action=NOT_FOUND_BURST, actor=None, object_type="ip", object_id=ip[:64],
                object_repr=ip, ip_address=ip,
                data={"count": count, "window_seconds": window, "last_path": path[:200]},
            )
    return count


# --- Rejected uploads -------------------------------------------------------------------------

# Rejections seen during the current request, recorded once the response is ready: the
# upload's own transaction is usually rolled back, which would take the record with it.
_pending: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "ops_pending_security", default=None
)


def begin_request() -> contextvars.Token[list[dict[str, Any]] | None]:
    return _pending.set([])


def end_request(token: contextvars.Token[list[dict[str, Any]] | None]) -> list[dict[str, Any]]:
    pending = _pending.get() or []
    _pending.reset(token)
    return pending


def upload_rejected(*, purpose: str, name: str, reason: str, code: str,
                    user: Any = None) -> None:
    """Called for every upload refused by policy (lpse.core.files.file_rejected)."""
    event = {"purpose": purpose, "name": name[:200], "reason": reason[:300], "code": code,
             "user_id": getattr(user, "pk", None)}
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
        return
    # Outside a request (a task, a command): record when the current transaction commits.
    transaction.on_commit(lambda: record_upload_rejections([event]))


def record_upload_rejections(events: list[dict[str, Any]], ip: str | None = None) -> None:
    from lpse.accounts.models import User
    from lpse.audit.services import audit_record

    for event in events:
        user_id = event.pop("user_id", None)
        actor = User.objects.filter(pk=user_id).first() if user_id else None
        with transaction.atomic():
            audit_record(action=UPLOAD_REJECTED, actor=actor, object_type="upload",
                         object_id=str(event.get("purpose", ""))[:64],
                         object_repr=str(event.get("name", "")), data=event, ip_address=ip)


def window_start(now: datetime, hours: int = 1) -> datetime:
    return now - timedelta(hours=hours)
