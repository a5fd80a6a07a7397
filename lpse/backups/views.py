from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.roles import Perm
from lpse.backups import destinations, errors, keys, selectors, services
from lpse.backups.drills import NO_SEALED_BIDS, drill_checks
from lpse.backups.models import BackupRun, DrillRun
from lpse.backups.tables import BackupRunFilter, BackupRunTable, DrillRunFilter, DrillRunTable
from lpse.core.tables import FilteredTableView


def _configuration() -> dict[str, Any]:
    policy = destinations.configured_policy()
    return {
        "recipients": [keys.fingerprint(r) for r in keys.configured_recipients()],
        "local_dir": settings.BACKUP_LOCAL_DIR,
        "require_mount": settings.BACKUP_REQUIRE_MOUNT,
        "s3": (f"s3://{settings.BACKUP_S3_BUCKET}/{settings.BACKUP_S3_PREFIX}"
               if settings.BACKUP_S3_BUCKET else ""),
        "time": settings.BACKUP_TIME,
        "policy": policy,
        "max_age_hours": settings.BACKUP_MAX_AGE_HOURS,
        "drill_day": settings.BACKUP_DRILL_DAY,
        "drill_time": settings.BACKUP_DRILL_TIME,
        "drill_key": bool(settings.BACKUP_DRILL_IDENTITY_FILE),
        "drill_checks": list(drill_checks()) or [NO_SEALED_BIDS],
    }


class RunListView(PermRequiredMixin, FilteredTableView):
    """Every backup run, with the state of the newest backup and the running one."""

    required_perm = Perm.VIEW_BACKUPS
    table_class = BackupRunTable
    filterset_class = BackupRunFilter
    template_name = "backups/run_list.html"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[BackupRun]:
        return selectors.backup_runs_visible_to(request_user(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["health"] = selectors.backup_health()
        context["config"] = _configuration()
        context["recent_drills"] = selectors.drill_runs_visible_to(
            request_user(self.request))[:3]
        context["start_problem"] = services.backup_start_problem()
        return context


@perm_required(Perm.VIEW_BACKUPS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.backup_runs_visible_to(request_user(request)), pk=pk)
    copies = [(copy, errors.explain(copy.error)) for copy in run.copies.all()]
    return render(request, "backups/run_detail.html", {
        "run": run, "copies": copies, "explanations": errors.explain(run.error)})


@perm_required(Perm.VIEW_BACKUPS)
def run_progress(request: HttpRequest) -> HttpResponse:
    """The progress box, polled by htmx every two seconds while a backup runs."""
    return render(request, "backups/_progress.html", {"health": selectors.backup_health()})


@perm_required(Perm.MANAGE_BACKUPS)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    try:
        with transaction.atomic():
            services.backup_request(actor=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The backup has started. Its progress is shown below."))
    return redirect("backups:run_list")


class DrillListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_BACKUPS
    table_class = DrillRunTable
    filterset_class = DrillRunFilter
    template_name = "backups/drill_list.html"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[DrillRun]:
        return selectors.drill_runs_visible_to(request_user(self.request))


@perm_required(Perm.VIEW_BACKUPS)
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_object_or_404(selectors.drill_runs_visible_to(request_user(request)), pk=pk)
    return render(request, "backups/drill_detail.html", {"drill": drill})
