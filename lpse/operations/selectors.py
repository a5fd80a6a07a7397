"""Reads of the operations app, scoped to who asks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.accounts.roles import Perm, has_perm
from lpse.core import calendar
from lpse.operations import security
from lpse.operations.models import (
    Alert,
    ChecklistRun,
    Level,
    MaintenanceWindow,
    MetricSample,
    ProbeResult,
    SopDocument,
)

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.audit.models import AuditEvent


def _require(user: User, *perms: Perm) -> None:
    if not any(has_perm(user, perm) for perm in perms):
        raise PermissionDenied(perms[0].value)


def open_alerts() -> QuerySet[Alert]:
    """Open alerts, critical ones first, then the newest."""
    # Only "critical" and "warning" exist (a database constraint): alphabetical order works.
    return Alert.objects.filter(resolved_at__isnull=True).order_by("level", "-opened_at")


def monitoring_summary(health: dict[str, Any], alert_levels: Iterable[str]) -> dict[str, str]:
    """The one-badge summary of the dashboard and the monitoring panel: "all well" only when
    every component is up and no alert is open — never beside an open critical alert."""
    levels = set(alert_levels)
    if health["status"] != "ok":
        return {"level": Level.CRITICAL, "label": pgettext("health status", "problem")}
    if Level.CRITICAL in levels:
        return {"level": Level.CRITICAL, "label": _("critical alerts open")}
    if Level.WARNING in levels:
        return {"level": Level.WARNING, "label": _("warnings open")}
    return {"level": Level.OK, "label": _("all well")}


def security_events_for(*, user: User) -> QuerySet[AuditEvent]:
    _require(user, Perm.VIEW_MONITORING)
    return security.security_events().order_by("-seq")


def alerts_for(*, user: User) -> QuerySet[Alert]:
    _require(user, Perm.VIEW_MONITORING)
    return Alert.objects.all()


def maintenance_windows_for(*, user: User) -> QuerySet[MaintenanceWindow]:
    _require(user, Perm.MANAGE_OPERATIONS, Perm.VIEW_MONITORING)
    return MaintenanceWindow.objects.select_related("created_by")


def maintenance_window_for(*, user: User, pk: int) -> MaintenanceWindow:
    window = maintenance_windows_for(user=user).filter(pk=pk).first()
    if window is None:
        raise Http404
    return window


def checklists_for(*, user: User) -> QuerySet[ChecklistRun]:
    _require(user, Perm.TICK_CHECKLIST, Perm.VIEW_MONITORING)
    return ChecklistRun.objects.select_related("completed_by")


def checklist_for(*, user: User, pk: int) -> ChecklistRun:
    run = checklists_for(user=user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def sop_documents_for(*, user: Any) -> QuerySet[SopDocument]:
    """Published documents for everyone; drafts too for administrators."""
    documents = SopDocument.objects.all()
    if user.is_authenticated and has_perm(user, Perm.MANAGE_OPERATIONS):
        return documents
    return documents.filter(is_published=True)


def sop_document_for(*, user: Any, code: str) -> SopDocument:
    document = sop_documents_for(user=user).filter(code=code).first()
    if document is None:
        raise Http404
    return document


def availability(since: datetime) -> dict[str, Any]:
    probes = ProbeResult.objects.filter(checked_at__gte=since)
    stats = probes.aggregate(n=Count("id"), avg_ms=Avg("response_ms"))
    up = probes.filter(ok=True).count()
    total = stats["n"] or 0
    return {"probes": total, "up": up,
            "percent": round(100 * up / total, 2) if total else None,
            "avg_ms": round(stats["avg_ms"]) if stats["avg_ms"] is not None else None}


# --- Chart series -----------------------------------------------------------------------------

RANGES: dict[str, tuple[Any, timedelta, str]] = {
    "days": (TruncDay, timedelta(days=30), "%d-%m"),
    "weeks": (TruncWeek, timedelta(weeks=12), "%d-%m-%Y"),
    "months": (TruncMonth, timedelta(days=365), "%m-%Y"),
}


def _buckets(range_name: str, now: datetime) -> list[datetime]:
    local = calendar.to_wib(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if range_name == "days":
        return [local - timedelta(days=n) for n in range(29, -1, -1)]
    if range_name == "weeks":
        monday = local - timedelta(days=local.weekday())
        return [monday - timedelta(weeks=n) for n in range(11, -1, -1)]
    first = local.replace(day=1)
    months = []
    for n in range(11, -1, -1):
        year, month = first.year, first.month - n
        while month <= 0:
            month += 12
            year -= 1
        months.append(first.replace(year=year, month=month))
    return months


def _key(moment: datetime) -> str:
    return calendar.to_wib(moment).strftime("%Y-%m-%d")


def metric_series(metrics: list[str], range_name: str, now: datetime | None = None,
                  how: str = "max") -> dict[str, Any]:
    """One value per period bucket for each metric (max or average of the samples)."""
    trunc, _span, fmt = RANGES[range_name]
    now = now or timezone.now()
    buckets = _buckets(range_name, now)
    aggregate = Max("value") if how == "max" else Avg("value")
    rows = (
        MetricSample.objects.filter(metric__in=metrics, taken_at__gte=buckets[0])
        .annotate(bucket=trunc("taken_at", tzinfo=calendar.WIB))
        .values("metric", "bucket").annotate(v=aggregate).order_by()
    )
    values: dict[str, dict[str, float]] = {m: {} for m in metrics}
    for row in rows:
        values[row["metric"]][_key(row["bucket"])] = row["v"]
    return {
        "labels": [b.strftime(fmt) for b in buckets],
        "series": {m: [values[m].get(_key(b)) for b in buckets] for m in metrics},
    }


def security_series(range_name: str, now: datetime | None = None) -> dict[str, Any]:
    trunc, _span, fmt = RANGES[range_name]
    now = now or timezone.now()
    buckets = _buckets(range_name, now)
    rows = (
        security.security_events().filter(occurred_at__gte=buckets[0])
        .annotate(bucket=trunc("occurred_at", tzinfo=calendar.WIB))
        .values("action", "bucket").annotate(n=Count("seq")).order_by()
    )
    values: dict[str, dict[str, int]] = {kind: {} for kind in security.KINDS}
    for row in rows:
        values[row["action"]][_key(row["bucket"])] = row["n"]
    return {
        "labels": [b.strftime(fmt) for b in buckets],
        "series": {kind: [values[kind].get(_key(b), 0) for b in buckets]
                   for kind in security.KINDS},
    }
