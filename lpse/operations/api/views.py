from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lpse.accounts.access import api_perm
from lpse.accounts.roles import Perm
from lpse.audit.models import AuditEvent
from lpse.operations import monitoring, security, sop_report
from lpse.operations.api.serializers import (
    AlertSerializer,
    CapacitySerializer,
    ChecklistRunSerializer,
    MaintenanceWindowSerializer,
    SecurityEventSerializer,
    SopStepSerializer,
)
from lpse.operations.forms import ReportPeriodForm
from lpse.operations.models import Alert, ChecklistRun, MaintenanceWindow
from lpse.operations.tables import AlertFilter, SecurityEventFilter


class AlertViewSet(viewsets.ReadOnlyModelViewSet[Alert]):
    """Monitoring alerts (capacity, database, security, health), newest first."""

    serializer_class = AlertSerializer
    permission_classes = [api_perm(Perm.VIEW_MONITORING)]
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return Alert.objects.order_by("-opened_at")


class MaintenanceWindowViewSet(viewsets.ReadOnlyModelViewSet[MaintenanceWindow]):
    """Announced maintenance windows (Pasal 12 d)."""

    serializer_class = MaintenanceWindowSerializer
    permission_classes = [api_perm(Perm.VIEW_MONITORING)]

    def get_queryset(self) -> QuerySet[MaintenanceWindow]:
        return MaintenanceWindow.objects.select_related("created_by").order_by("-starts_at")


class SecurityEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """Security events from the audit log (failed logins, lockouts, denials, rejected
    uploads, 404 bursts). Filters: kind, ip, since, until, q."""

    serializer_class = SecurityEventSerializer
    permission_classes = [api_perm(Perm.VIEW_MONITORING)]
    filterset_class = SecurityEventFilter
    lookup_field = "seq"

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return security.security_events().order_by("-seq")


class ChecklistRunViewSet(viewsets.ReadOnlyModelViewSet[ChecklistRun]):
    """The Lampiran 5 monitoring checklists with their entries and evidence."""

    serializer_class = ChecklistRunSerializer
    permission_classes = [api_perm(Perm.VIEW_MONITORING)]

    def get_queryset(self) -> QuerySet[ChecklistRun]:
        return ChecklistRun.objects.prefetch_related("entries__checked_by").order_by(
            "-period_start", "frequency")


class CapacityView(APIView):
    permission_classes = [api_perm(Perm.VIEW_MONITORING)]

    @extend_schema(responses=CapacitySerializer, summary="Capacity measured now")
    def get(self, request: Request) -> Response:
        return Response(monitoring.capacity_check())


class SopReportView(APIView):
    permission_classes = [api_perm(Perm.VIEW_SOP_REPORT)]

    @extend_schema(
        responses=SopStepSerializer(many=True), summary="SOP service report (Mutu Baku)",
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("end", OpenApiTypes.DATE, required=True)],
    )
    def get(self, request: Request) -> Response:
        form = ReportPeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        report = sop_report.build_report(form.cleaned_data["start"], form.cleaned_data["end"])
        rows: list[dict[str, Any]] = [
            {"procedure": row.procedure.code, "step": row.step.code,
             "description": str(row.step.description), "standard": row.step.standard.label,
             "recorded": row.recorded, "cases": row.cases if row.recorded else None,
             "median_minutes": row.median_minutes, "p90_minutes": row.p90_minutes,
             "breaches": row.breach_count if row.recorded else None}
            for row in report.rows
        ]
        return Response(rows)
