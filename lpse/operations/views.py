from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.models import AuditEvent
from lpse.core.tables import FilteredTableView
from lpse.operations import monitoring, prometheus, security, selectors, services, sop_report
from lpse.operations.checklist_catalogue import GROUPS, ITEMS_BY_CODE
from lpse.operations.forms import (
    ChecklistResolveForm,
    ChecklistTickForm,
    MaintenanceForm,
    MaintenanceStartForm,
    ReportPeriodForm,
    SopDocumentForm,
)
from lpse.operations.models import Alert, ChecklistEntry, ChecklistRun, MaintenanceWindow
from lpse.operations.sop_catalogue import PROCEDURES_BY_CODE
from lpse.operations.tables import (
    AlertFilter,
    AlertTable,
    MaintenanceFilter,
    MaintenanceTable,
    SecurityEventFilter,
    SecurityEventTable,
)

# --- Health and metrics (machines) ------------------------------------------------------------


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Public: 200 when web, database, worker, scheduler and mail are all well, else 503."""
    state = monitoring.health()
    return JsonResponse(state, status=200 if state["status"] == "ok" else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (text format, or OpenMetrics when asked for);
    `Authorization: Bearer <OPS_METRICS_TOKEN>`."""
    token = settings.OPERATIONS_METRICS_TOKEN
    if not token:
        raise Http404
    header = request.META.get("HTTP_AUTHORIZATION", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse("unauthorized\n", status=401, content_type="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = prometheus.render(request.headers.get("Accept", ""))
    return HttpResponse(body, content_type=content_type)


# --- Dashboard --------------------------------------------------------------------------------


@perm_required(Perm.VIEW_MONITORING)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    capacity = monitoring.capacity_check(now)
    watch = monitoring.database_watch()
    health = monitoring.health(now)
    alerts = list(selectors.open_alerts())
    return render(request, "operations/dashboard.html", {
        "health": health,
        "summary": selectors.monitoring_summary(health, [a.level for a in alerts]),
        "capacity": capacity,
        "watch": watch,
        "alerts": alerts,
        "security_day": [(security.KINDS[k], n) for k, n in
                         security.counts_since(now - timedelta(days=1)).items()],
        "top_addresses": security.top_addresses(now - timedelta(days=1)),
        "availability_day": selectors.availability(now - timedelta(days=1)),
        "availability_month": selectors.availability(now - timedelta(days=30)),
        "maintenance": services.maintenance_active(),
        "ranges": [("days", _("Days")), ("weeks", _("Weeks")), ("months", _("Months"))],
    })


@perm_required(Perm.VIEW_MONITORING)
@require_GET
def series(request: HttpRequest) -> JsonResponse:
    range_name = request.GET.get("range", "days")
    if range_name not in selectors.RANGES:
        range_name = "days"
    disks = [key for key, _path in [(f"disk.{n}", p) for n, p in monitoring.storage_locations()]]
    capacity = selectors.metric_series([*disks, "memory"], range_name)
    size = selectors.metric_series(["database.size", "data_bytes"], range_name)
    users = selectors.metric_series(["users"], range_name)
    queue = selectors.metric_series(["queue.depth", "queue.age", "db.hanging", "db.lock_waits"],
                                    range_name)
    availability = selectors.metric_series(["availability", "response_ms"], range_name, how="avg")
    sec = selectors.security_series(range_name)

    def mb(values: list[float | None]) -> list[float | None]:
        return [None if v is None else round(v / 1024 / 1024, 1) for v in values]

    def pct(values: list[float | None]) -> list[float | None]:
        return [None if v is None else round(v * 100, 2) for v in values]

    return JsonResponse({
        "labels": capacity["labels"],
        "charts": {
            "capacity": {"title": _("Disk and memory use (%)"), "type": "line", "datasets": [
                *({"label": _("Disk: %(name)s") % {
                    "name": monitoring.storage_label(key.removeprefix("disk."))},
                   "data": capacity["series"][key]} for key in disks),
                {"label": _("Memory (RAM)"), "data": capacity["series"]["memory"]}]},
            "size": {"title": _("Database and data files (MB)"), "type": "line", "datasets": [
                {"label": _("Database"), "data": mb(size["series"]["database.size"])},
                {"label": _("Data files"), "data": mb(size["series"]["data_bytes"])}]},
            "users": {"title": _("User table (rows)"), "type": "line", "datasets": [
                {"label": _("Users"), "data": users["series"]["users"]}]},
            "availability": {"title": _("Availability (%) and response time (ms)"),
                             "type": "line", "datasets": [
                {"label": _("Availability %"), "data": pct(availability["series"]["availability"])},
                {"label": _("Response ms"), "data": availability["series"]["response_ms"]}]},
            "queue": {"title": _("Task queue and database"), "type": "line", "datasets": [
                {"label": _("Tasks waiting"), "data": queue["series"]["queue.depth"]},
                {"label": _("Oldest task (min)"), "data": queue["series"]["queue.age"]},
                {"label": _("Hanging transactions"), "data": queue["series"]["db.hanging"]},
                {"label": _("Lock waits"), "data": queue["series"]["db.lock_waits"]}]},
            "security": {"title": _("Security events"), "type": "bar", "stacked": True,
                         "datasets": [{"label": str(security.KINDS[k]), "data": v}
                                      for k, v in sec["series"].items()]},
        },
    })


@perm_required(Perm.MANAGE_OPERATIONS)
@require_POST
def capacity_run(request: HttpRequest) -> HttpResponse:
    report = services.capacity_check_run()
    services.database_watch_run()
    services.security_scan()
    messages.success(request, _("Capacity check done: overall level %(level)s.") % {
        "level": report["level"]})
    return redirect("operations:dashboard")


@perm_required(Perm.VIEW_MONITORING)
def database(request: HttpRequest) -> HttpResponse:
    return render(request, "operations/database.html", {
        "watch": monitoring.database_watch(),
        "size": monitoring.human_bytes(monitoring.database_size()),
    })


# --- Security events and alerts ---------------------------------------------------------------


class SecurityEventListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_MONITORING
    table_class = SecurityEventTable
    filterset_class = SecurityEventFilter
    template_name = "operations/security_events.html"
    paginate_by = 50
    title = ""

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return selectors.security_events_for(user=request_user(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        since = timezone.now() - timedelta(days=1)
        context["title"] = _("Security events")
        context["counts"] = [(security.KINDS[k], n) for k, n in
                             security.counts_since(since).items()]
        context["top_addresses"] = security.top_addresses(since)
        return context


class AlertListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_MONITORING
    table_class = AlertTable
    filterset_class = AlertFilter
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Alert]:
        return selectors.alerts_for(user=request_user(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Alerts")
        return context


# --- Maintenance ------------------------------------------------------------------------------


class MaintenanceListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_MONITORING
    table_class = MaintenanceTable
    filterset_class = MaintenanceFilter
    template_name = "operations/maintenance_list.html"

    def get_queryset(self) -> QuerySet[MaintenanceWindow]:
        return selectors.maintenance_windows_for(user=request_user(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Maintenance windows")
        return context


@perm_required(Perm.MANAGE_OPERATIONS)
@require_http_methods(["GET", "POST"])
def maintenance_create(request: HttpRequest) -> HttpResponse:
    form = MaintenanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.maintenance_schedule(actor=request_user(request),
                                                   **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Maintenance window scheduled; %(n)s participant(s) "
                                        "e-mailed.") % {"n": window.participants_notified})
            return redirect("operations:maintenance_detail", pk=window.pk)
    return render(request, "operations/maintenance_form.html", {"form": form})


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@perm_required(Perm.VIEW_MONITORING)
def maintenance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _maintenance_page(request, selectors.maintenance_window_for(
        user=request_user(request), pk=pk))


def _maintenance_page(request: HttpRequest, window: MaintenanceWindow,
                      start_form: MaintenanceStartForm | None = None,
                      conflicts: list[Any] | None = None, status: int = 200) -> HttpResponse:
    from lpse.operations import hooks

    upcoming = conflicts
    if upcoming is None and window.status == MaintenanceWindow.Status.SCHEDULED:
        upcoming = hooks.deadlines_between(min(timezone.now(), window.starts_at),
                                           window.ends_at)
    return render(request, "operations/maintenance_detail.html", {
        "window": window, "start_form": start_form or MaintenanceStartForm(),
        "deadlines": upcoming or [],
        "can_manage": has_perm(request_user(request), Perm.MANAGE_OPERATIONS),
    }, status=status)


@perm_required(Perm.MANAGE_OPERATIONS)
@require_POST
def maintenance_start(request: HttpRequest, pk: int) -> HttpResponse:
    window = selectors.maintenance_window_for(user=request_user(request), pk=pk)
    form = MaintenanceStartForm(request.POST)
    form.is_valid()
    try:
        services.maintenance_start(actor=request_user(request), window=window,
                                   override_reason=form.cleaned_data.get("override_reason", ""))
    except services.DeadlineConflict as exc:
        form.add_error("override_reason", exc.messages[0])
        return _maintenance_page(request, window, form, exc.deadlines, status=409)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Maintenance mode is on: the public sees the maintenance "
                                    "page; administrators keep working."))
    return redirect("operations:maintenance_detail", pk=window.pk)


@perm_required(Perm.MANAGE_OPERATIONS)
@require_POST
def maintenance_end(request: HttpRequest, pk: int) -> HttpResponse:
    window = selectors.maintenance_window_for(user=request_user(request), pk=pk)
    try:
        services.maintenance_end(actor=request_user(request), window=window)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Maintenance mode is off: the portal is open again."))
    return redirect("operations:maintenance_detail", pk=window.pk)


@perm_required(Perm.MANAGE_OPERATIONS)
@require_POST
def maintenance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    window = selectors.maintenance_window_for(user=request_user(request), pk=pk)
    try:
        services.maintenance_cancel(actor=request_user(request), window=window)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Maintenance window cancelled."))
    return redirect("operations:maintenance_detail", pk=window.pk)


# --- Checklists (Lampiran 5) ------------------------------------------------------------------


def _checklist_viewer(request: HttpRequest) -> Any:
    user = request_user(request)
    if not (has_perm(user, Perm.TICK_CHECKLIST) or has_perm(user, Perm.VIEW_MONITORING)):
        raise PermissionDenied(Perm.TICK_CHECKLIST.value)
    return user


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    user = _checklist_viewer(request)
    runs = selectors.checklists_for(user=user).order_by("-period_start", "frequency")[:60]
    return render(request, "operations/checklist_list.html", {
        "runs": runs, "can_tick": has_perm(user, Perm.TICK_CHECKLIST),
    })


@perm_required(Perm.TICK_CHECKLIST)
@require_POST
def checklist_open(request: HttpRequest) -> HttpResponse:
    frequency = request.POST.get("frequency", "")
    if frequency not in ChecklistRun.Frequency.values:
        raise Http404
    run = services.checklist_open(frequency=frequency, actor=request_user(request))
    return redirect("operations:checklist_detail", pk=run.pk)


@login_required
@require_GET
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _checklist_viewer(request)
    run = selectors.checklist_for(user=user, pk=pk)
    return _checklist_page(request, run)


def _checklist_page(request: HttpRequest, run: ChecklistRun,
                    bound: dict[int, Any] | None = None, status: int = 200) -> HttpResponse:
    entries = list(run.entries.select_related("checked_by", "resolved_by"))
    groups: list[dict[str, Any]] = []
    for key, label in GROUPS.items():
        rows = [e for e in entries if (item := ITEMS_BY_CODE.get(e.item_code))
                and item.group == key]
        if rows:
            groups.append({"label": label, "entries": rows})
    bound = bound or {}
    for entry in entries:
        entry.tick_form = bound.get(entry.pk) or ChecklistTickForm(  # type: ignore[attr-defined]
            prefix=f"e{entry.pk}",
            initial={"result": entry.result if entry.result != "pending" else "ok",
                     "note": entry.note})
        entry.resolve_form = ChecklistResolveForm(prefix=f"r{entry.pk}")  # type: ignore[attr-defined]
    return render(request, "operations/checklist_detail.html", {
        "run": run, "groups": groups,
        "pending": sum(1 for e in entries if e.result == ChecklistEntry.Result.PENDING),
        "can_tick": has_perm(request_user(request), Perm.TICK_CHECKLIST),
    }, status=status)


def _entry(request: HttpRequest, pk: int) -> ChecklistEntry:
    entry = ChecklistEntry.objects.select_related("run").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


@perm_required(Perm.TICK_CHECKLIST)
@require_POST
def checklist_tick(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = ChecklistTickForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            services.checklist_tick(actor=request_user(request), entry=entry,
                                    result=form.cleaned_data["result"],
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Item %(code)s recorded.") % {"code": entry.item_code})
            return redirect(reverse("operations:checklist_detail", args=[entry.run_id])
                            + f"#item-{entry.pk}")
    return _checklist_page(request, entry.run, {entry.pk: form}, status=400)


@perm_required(Perm.TICK_CHECKLIST)
@require_POST
def checklist_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = ChecklistResolveForm(request.POST, prefix=f"r{entry.pk}")
    if form.is_valid():
        try:
            services.checklist_resolve(actor=request_user(request), entry=entry,
                                       resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Problem marked resolved."))
    else:
        messages.error(request, _("Describe how the problem was resolved."))
    return redirect(reverse("operations:checklist_detail", args=[entry.run_id])
                    + f"#item-{entry.pk}")


@perm_required(Perm.TICK_CHECKLIST)
@require_POST
def checklist_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.checklist_for(user=request_user(request), pk=pk)
    filled = services.checklist_autofill(run=run)
    messages.success(request, _("%(n)s automatic item(s) checked again.") % {"n": filled})
    return redirect("operations:checklist_detail", pk=run.pk)


# --- SOP report -------------------------------------------------------------------------------


def _report_from(request: HttpRequest) -> tuple[ReportPeriodForm, sop_report.SopReport | None]:
    start, end = ReportPeriodForm.default_period()
    form = ReportPeriodForm(request.GET or {"start": start.isoformat(), "end": end.isoformat()})
    if not form.is_valid():
        return form, None
    report = sop_report.build_report(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, report.hide_links_for(request_user(request))


@perm_required(Perm.VIEW_SOP_REPORT)
@require_GET
def sop_report_view(request: HttpRequest) -> HttpResponse:
    form, report = _report_from(request)
    return render(request, "operations/sop_report.html", {
        "form": form, "report": report,
        "query": request.GET.urlencode(),
    }, status=200 if report else 400)


@perm_required(Perm.VIEW_SOP_REPORT)
@require_GET
def sop_report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form, report = _report_from(request)
    if report is None:
        return render(request, "operations/sop_report.html", {"form": form, "report": None},
                      status=400)
    name = f"laporan-sop-{report.start:%Y%m%d}-{report.end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(sop_report.report_csv(report),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    user = request_user(request)
    response = HttpResponse(sop_report.report_pdf(report, prepared_by=str(user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- The public SOP page ----------------------------------------------------------------------


@require_GET
def sop_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.sop_documents_for(user=request.user)
    return render(request, "operations/sop_list.html", {
        "documents": documents,
        "can_manage": request.user.is_authenticated and has_perm(
            request.user, Perm.MANAGE_OPERATIONS),  # type: ignore[arg-type]
    })


@require_GET
def sop_detail(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.sop_document_for(user=request.user, code=code)
    return render(request, "operations/sop_detail.html", {
        "document": document,
        "procedure": PROCEDURES_BY_CODE.get(document.procedure_code),
        "can_manage": request.user.is_authenticated and has_perm(
            request.user, Perm.MANAGE_OPERATIONS),  # type: ignore[arg-type]
    })


@perm_required(Perm.MANAGE_OPERATIONS)
@require_http_methods(["GET", "POST"])
def sop_edit(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.sop_document_for(user=request.user, code=code)
    form = SopDocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            # The bound form has already copied its values onto `document`: the service
            # compares against the stored row to record what changed.
            stored = type(document).objects.get(pk=document.pk)
            services.sop_document_update(actor=request_user(request), document=stored,
                                         **{name: form.cleaned_data[name]
                                            for name in form.Meta.fields})
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("SOP document saved."))
            return redirect("operations:sop_detail", code=document.code)
    return render(request, "operations/sop_form.html", {"form": form, "document": document})
