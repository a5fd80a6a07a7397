from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from lpse.training.api.serializers import TrainingRequestSerializer, TrainingSessionSerializer
from lpse.training.models import TrainingRequest, TrainingSession
from lpse.training.selectors import calendar_sessions, requests_visible_to


class TrainingRequestViewSet(viewsets.ReadOnlyModelViewSet[TrainingRequest]):
    """Training requests with their timed procedure steps (scoped to the user)."""

    serializer_class = TrainingRequestSerializer
    filterset_fields = ["status", "audience"]

    def get_queryset(self) -> QuerySet[TrainingRequest]:
        return requests_visible_to(self.request.user).prefetch_related(  # type: ignore[arg-type]
            "steps__actor").order_by("-created_at")


class TrainingSessionViewSet(viewsets.ReadOnlyModelViewSet[TrainingSession]):
    """The public training calendar (no participant data)."""

    serializer_class = TrainingSessionSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["audience", "status", "open_enrolment"]

    def get_queryset(self) -> QuerySet[TrainingSession]:
        return calendar_sessions().order_by("starts_at")
