from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lpse.accounts.roles import Perm
from lpse.core.registry import Panel, register_panel
from lpse.tenders import selectors
from lpse.tenders.models import ScheduleChangeRequest, Tender


def _latest(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    tenders = list(selectors.tenders_public().filter(status=Tender.Status.PUBLISHED)
                   .select_related("agency").prefetch_related("stages")
                   .order_by("-published_at", "-pk")[:8])
    return {"rows": [(t, t.current_stage(now)) for t in tenders]}


def _my_tenders(request: HttpRequest) -> dict[str, Any]:
    qs = selectors.tenders_visible_to(request.user).filter(  # type: ignore[arg-type]
        status__in=[Tender.Status.DRAFT, Tender.Status.PUBLISHED]).prefetch_related("stages")
    now = timezone.now()
    # The most recently active first; the panel links to the whole list.
    return {"rows": [(t, t.current_stage(now) if t.published_at else None)
                     for t in qs.order_by("-updated_at", "-pk")[:10]],
            "count": qs.count()}


def _changes(request: HttpRequest) -> dict[str, Any]:
    pending = ScheduleChangeRequest.objects.filter(
        status__in=ScheduleChangeRequest.OPEN).select_related("tender").order_by("requested_at")
    return {"pending": list(pending[:10]), "count": pending.count()}


register_panel(Panel("tenders.latest", "tenders/panels/latest.html", _latest, public=True,
                     weight=10))
register_panel(Panel("tenders.mine", "tenders/panels/mine.html", _my_tenders,
                     perm=Perm.RUN_TENDERS, weight=20))
register_panel(Panel("tenders.changes", "tenders/panels/changes.html", _changes,
                     perm=Perm.APPLY_SCHEDULE_CHANGE, weight=15))
