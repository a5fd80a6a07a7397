from __future__ import annotations

from rest_framework import serializers

from lpse.helpdesk.models import Article, Ticket


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Ticket
        fields = ["id", "number", "channel", "requester_type", "requester_name",
                  "requester_organisation", "category", "priority", "subject", "status",
                  "tender_code", "assignee", "received_at", "first_response_due",
                  "update_due", "resolution_due", "first_responded_at", "resolved_at",
                  "closed_at", "paused_minutes", "first_response_breached",
                  "update_breached", "resolution_breached", "escalated_to_head_at", "rating"]


class ArticleSerializer(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = ["id", "slug", "title", "category", "body", "updated_at"]


class InboundEmailResultSerializer(serializers.Serializer[dict[str, object]]):
    ticket = serializers.CharField()
    created = serializers.BooleanField()
