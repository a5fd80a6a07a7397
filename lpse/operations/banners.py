"""The site-wide banner announcing maintenance windows (Pasal 12 d)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.core import calendar
from lpse.operations.models import MaintenanceWindow


def _when(window: MaintenanceWindow) -> str:
    start, end = calendar.to_wib(window.starts_at), calendar.to_wib(window.ends_at)
    if start.date() == end.date():
        return f"{start:%d-%m-%Y %H:%M}–{end:%H:%M} WIB"
    return f"{start:%d-%m-%Y %H:%M} – {end:%d-%m-%Y %H:%M} WIB"


def maintenance_banners(request: HttpRequest) -> list[dict[str, str]]:
    windows = MaintenanceWindow.objects.filter(
        status__in=[MaintenanceWindow.Status.SCHEDULED, MaintenanceWindow.Status.ACTIVE],
        ends_at__gt=timezone.now(),
    ).order_by("starts_at")[:3]
    banners = []
    for window in windows:
        if window.status == MaintenanceWindow.Status.ACTIVE:
            text = _("Maintenance in progress (%(when)s): %(message)s The public sees the "
                     "maintenance page.") % {"when": _when(window), "message": window.message}
            banners.append({"level": "danger", "text": text})
        else:
            text = _("Scheduled maintenance %(when)s: %(message)s") % {
                "when": _when(window), "message": window.message}
            banners.append({"level": "warning", "text": text})
    return banners
