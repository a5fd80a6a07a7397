from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.access import api_perm
from lpse.accounts.roles import Perm
from lpse.backups.api.serializers import (
    BackupRunSerializer,
    BackupStatusSerializer,
    DrillRunSerializer,
)
from lpse.backups.models import BackupRun, DrillRun
from lpse.backups.selectors import (
    backup_metric,
    backup_runs_visible_to,
    drill_runs_visible_to,
)


class BackupRunViewSet(viewsets.ReadOnlyModelViewSet[BackupRun]):
    """Backup runs with their copies (system administrator, head, LKPP auditor)."""

    serializer_class = BackupRunSerializer
    permission_classes = [api_perm(Perm.VIEW_BACKUPS)]

    def get_queryset(self) -> QuerySet[BackupRun]:
        return backup_runs_visible_to(self.request.user)  # type: ignore[arg-type]


class DrillRunViewSet(viewsets.ReadOnlyModelViewSet[DrillRun]):
    """Restore drills and their reports."""

    serializer_class = DrillRunSerializer
    permission_classes = [api_perm(Perm.VIEW_BACKUPS)]

    def get_queryset(self) -> QuerySet[DrillRun]:
        return drill_runs_visible_to(self.request.user)  # type: ignore[arg-type]


@extend_schema(responses=BackupStatusSerializer,
               description="The newest verified backup and whether it is recent enough.")
@api_view(["GET"])
@permission_classes([api_perm(Perm.VIEW_BACKUPS)])
def backup_status(request: Request) -> Response:
    return Response(BackupStatusSerializer(backup_metric()).data)
