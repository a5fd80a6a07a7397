from __future__ import annotations

import csv
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from lpse.accounts.access import PermRequiredMixin, perm_required
from lpse.accounts.roles import Perm
from lpse.audit.models import AuditEvent, ChainCheck
from lpse.audit.tables import AuditEventFilter, AuditEventTable
from lpse.core.tables import FilteredTableView


class AuditEventListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_AUDIT
    table_class = AuditEventTable
    filterset_class = AuditEventFilter
    template_name = "audit/event_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.order_by("-seq")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["last_check"] = ChainCheck.objects.first()
        return context


@perm_required(Perm.VIEW_AUDIT)
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, seq=seq)
    return render(request, "audit/event_detail.html", {"event": event})


class _Echo:
    def write(self, value: str) -> str:
        return value


@perm_required(Perm.VIEW_AUDIT)
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the filtered events, streamed (the log can be large)."""
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.order_by("seq")).qs
    writer = csv.writer(_Echo())
    header = ["seq", "occurred_at", "actor", "action", "object_type", "object_id", "object",
              "ip_address", "data", "prev_hash", "hash"]

    def rows() -> Any:
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow([e.seq, e.occurred_at.isoformat(), e.actor_label, e.action,
                                   e.object_type, e.object_id, e.object_repr, e.ip_address,
                                   e.data, e.prev_hash, e.hash])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
