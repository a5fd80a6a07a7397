from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lpse.accounts.roles import Perm, Role
from lpse.core.registry import Panel, register_panel
from lpse.vendors.models import EmailChangeRequest, Vendor
from lpse.vendors.selectors import (
    blacklist_hits,
    vendor_may_participate,
    verification_queue,
    working_days_left,
)


def _my_company(request: HttpRequest) -> dict[str, Any]:
    vendor = Vendor.objects.filter(account_id=request.user.pk).first()
    if vendor is None:
        return {"vendor": None}
    return {"vendor": vendor, "may_participate": vendor_may_participate(vendor),
            "listed": bool(blacklist_hits(vendor)),
            "open_email_change": vendor.email_changes.filter(
                status__in=EmailChangeRequest.OPEN_STATUSES).first()}


def _desk(request: HttpRequest) -> dict[str, Any]:
    queue = list(verification_queue()[:5])
    return {
        "pending": Vendor.objects.filter(status=Vendor.Status.PENDING).count(),
        "reverification": Vendor.objects.filter(
            status=Vendor.Status.NEEDS_REVERIFICATION).count(),
        "email_changes": EmailChangeRequest.objects.filter(
            status=EmailChangeRequest.Status.FILED).count(),
        "next": [(v, working_days_left(v)) for v in queue],
    }


def _email_changes_to_apply(request: HttpRequest) -> dict[str, Any]:
    waiting = EmailChangeRequest.objects.filter(
        status=EmailChangeRequest.Status.VERIFIED).select_related("vendor")
    return {"count": waiting.count(), "items": list(waiting.order_by("verified_at")[:5])}


def _register(request: HttpRequest) -> dict[str, Any]:
    return {}


register_panel(Panel("vendors.my_company", "vendors/panels/my_company.html", _my_company,
                     roles=frozenset({Role.VENDOR}), weight=5))
register_panel(Panel("vendors.desk", "vendors/panels/desk.html", _desk,
                     perm=Perm.VERIFY_VENDORS, weight=10))
register_panel(Panel("vendors.email_changes", "vendors/panels/email_changes.html",
                     _email_changes_to_apply, perm=Perm.APPLY_EMAIL_CHANGE, weight=40))
register_panel(Panel("vendors.register", "vendors/panels/register.html", _register,
                     public=True, weight=5))

