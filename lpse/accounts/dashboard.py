from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from lpse.accounts.models import RoleAssignment, User
from lpse.accounts.roles import Perm, Role
from lpse.accounts.selectors import users_visible_to
from lpse.core.registry import Panel, register_panel


def _accounts_summary(request: HttpRequest) -> dict[str, Any]:
    visible = users_visible_to(request.user)  # type: ignore[arg-type]
    by_role = dict(
        RoleAssignment.objects.filter(user__in=visible, user__is_active=True)
        .values_list("role").annotate(n=Count("id")).values_list("role", "n")
    )
    return {
        "total": visible.count(),
        "active": visible.filter(is_active=True).count(),
        "by_role": [(Role(r).label, by_role.get(r, 0)) for r in Role if by_role.get(r)],
    }


def _my_agency(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    officials = users_visible_to(user).filter(agency_id=user.agency_id or 0)
    return {"agency": user.agency, "officials": officials.count(),
            "recent": officials.order_by("-date_joined")[:5]}


register_panel(Panel("accounts.summary", "accounts/panels/summary.html", _accounts_summary,
                     perm=Perm.VIEW_USERS, roles=frozenset(set(Role) - {Role.AGENCY_ADMIN}),
                     weight=80))
register_panel(Panel("accounts.my_agency", "accounts/panels/my_agency.html", _my_agency,
                     perm=Perm.MANAGE_AGENCY_OFFICIALS, weight=10))
