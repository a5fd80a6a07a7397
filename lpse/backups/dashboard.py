from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest

from lpse.accounts.roles import Perm
from lpse.backups.selectors import backup_health
from lpse.core.registry import Panel, register_panel


def _backup_status(request: HttpRequest) -> dict[str, Any]:
    return {"health": backup_health()}


register_panel(Panel("backups.status", "backups/panels/status.html", _backup_status,
                     perm=Perm.VIEW_BACKUPS, weight=60))

if apps.is_installed("lpse.operations"):
    # The operations dashboard shows "last verified backup" from this app.
    from lpse.backups.metrics import register as register_backup_metric

    register_backup_metric()
