from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lpse.audit.models import AuditEvent
from lpse.operations.models import Alert, ChecklistEntry, ChecklistRun, MaintenanceWindow


class AlertSerializer(serializers.ModelSerializer[Alert]):
    class Meta:
        model = Alert
        fields = ["id", "key", "source", "level", "title", "detail", "value", "threshold",
                  "opened_at", "last_seen_at", "resolved_at", "notified_at"]


class MaintenanceWindowSerializer(serializers.ModelSerializer[MaintenanceWindow]):
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True)

    class Meta:
        model = MaintenanceWindow
        fields = ["id", "title", "message", "starts_at", "ends_at", "status", "created_by",
                  "started_at", "ended_at", "overlapping_deadlines", "deadline_override_reason",
                  "participants_notified"]


class SecurityEventSerializer(serializers.ModelSerializer[AuditEvent]):
    kind = serializers.CharField(source="action")

    class Meta:
        model = AuditEvent
        fields = ["seq", "occurred_at", "kind", "actor_label", "object_type", "object_id",
                  "object_repr", "ip_address", "data"]


class ChecklistEntrySerializer(serializers.ModelSerializer[ChecklistEntry]):
    checked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True)

    class Meta:
        model = ChecklistEntry
        fields = ["item_code", "result", "note", "evidence", "automatic", "checked_at",
                  "checked_by", "resolved_at", "resolution"]


class ChecklistRunSerializer(serializers.ModelSerializer[ChecklistRun]):
    entries = ChecklistEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistRun
        fields = ["id", "frequency", "period_start", "opened_at", "completed_at", "entries"]


class CheckSerializer(serializers.Serializer[dict[str, object]]):
    key = serializers.CharField()
    # "label" is also an attribute of DRF fields: this serializer only documents the API.
    label = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    level = serializers.CharField()
    warning = serializers.FloatField(allow_null=True)
    critical = serializers.FloatField(allow_null=True)
    detail = serializers.DictField()


class CapacitySerializer(serializers.Serializer[dict[str, object]]):
    taken_at = serializers.DateTimeField()
    level = serializers.CharField()
    checks = CheckSerializer(many=True)


class SopStepSerializer(serializers.Serializer[dict[str, object]]):
    procedure = serializers.CharField()
    step = serializers.CharField()
    description = serializers.CharField()
    standard = serializers.CharField()
    recorded = serializers.BooleanField()
    cases = serializers.IntegerField(allow_null=True)
    median_minutes = serializers.FloatField(allow_null=True)
    p90_minutes = serializers.FloatField(allow_null=True)
    breaches = serializers.IntegerField(allow_null=True)
