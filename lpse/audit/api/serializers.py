from rest_framework import serializers

from lpse.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = ["seq", "occurred_at", "actor_label", "action", "object_type", "object_id",
                  "object_repr", "data", "ip_address", "prev_hash", "hash"]
