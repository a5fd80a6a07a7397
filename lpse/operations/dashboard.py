from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lpse.accounts.roles import Perm
from lpse.core.registry import Panel, register_panel
from lpse.operations.models import ChecklistEntry, ChecklistRun


def _monitoring(request: HttpRequest) -> dict[str, Any]:
    from lpse.operations import monitoring, selectors
    from lpse.operations.services import maintenance_active

    health = monitoring.health()
    alerts = selectors.open_alerts()
    return {
        "health": health,
        "summary": selectors.monitoring_summary(
            health, alerts.values_list("level", flat=True)),
        "alerts": list(alerts[:5]),
        "maintenance": maintenance_active(),
    }


def _checklists(request: HttpRequest) -> dict[str, Any]:
    runs = list(ChecklistRun.objects.filter(completed_at__isnull=True)
                .order_by("-period_start")[:4])
    return {"runs": runs,
            "open_problems": ChecklistEntry.objects.filter(
                result=ChecklistEntry.Result.PROBLEM, resolved_at__isnull=True).count()}


register_panel(Panel("operations.monitoring", "operations/panels/monitoring.html", _monitoring,
                     perm=Perm.VIEW_MONITORING, weight=20))
register_panel(Panel("operations.checklists", "operations/panels/checklists.html", _checklists,
                     perm=Perm.TICK_CHECKLIST, weight=30))
