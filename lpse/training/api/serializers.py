from __future__ import annotations

from rest_framework import serializers

from lpse.training.models import TrainingRequest, TrainingSession, TrainingStep


class TrainingStepSerializer(serializers.ModelSerializer[TrainingStep]):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = TrainingStep
        fields = ["id", "step", "actor", "started_at", "finished_at", "standard_min_minutes",
                  "standard_max_minutes", "note"]


class TrainingRequestSerializer(serializers.ModelSerializer[TrainingRequest]):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    steps = TrainingStepSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingRequest
        fields = ["id", "number", "agency", "letter_number", "letter_date", "audience",
                  "topic", "participants", "status", "agreed_date", "created_at", "steps"]


class TrainingSessionSerializer(serializers.ModelSerializer[TrainingSession]):
    room = serializers.StringRelatedField()  # type: ignore[var-annotated]

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "audience", "starts_at", "ends_at", "room", "capacity",
                  "status", "open_enrolment"]
