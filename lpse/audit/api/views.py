from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from lpse.accounts.access import api_perm
from lpse.accounts.roles import Perm
from lpse.audit.api.serializers import AuditEventSerializer
from lpse.audit.models import AuditEvent
from lpse.audit.tables import AuditEventFilter


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit log, read-only (head, system administrator, LKPP auditor)."""

    serializer_class = AuditEventSerializer
    permission_classes = [api_perm(Perm.VIEW_AUDIT)]
    filterset_class = AuditEventFilter
    lookup_field = "seq"

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.order_by("-seq")
