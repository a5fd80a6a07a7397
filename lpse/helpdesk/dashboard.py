from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from lpse.accounts.roles import Perm
from lpse.core.registry import Panel, register_panel
from lpse.helpdesk.models import Ticket


def _desk_summary(request: HttpRequest) -> dict[str, Any]:
    late = Q(first_response_breached=True) | Q(update_breached=True) | \
        Q(resolution_breached=True)
    return Ticket.objects.filter(status__in=Ticket.OPEN_STATES).aggregate(
        open=Count("pk"), late=Count("pk", filter=late),
        mine=Count("pk", filter=Q(assignee=request.user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        lkpp=Count("pk", filter=Q(status=Ticket.Status.LKPP)),
    )


register_panel(Panel("helpdesk.desk", "helpdesk/panels/desk.html", _desk_summary,
                     perm=Perm.VIEW_HELPDESK_REPORTS, weight=30))
