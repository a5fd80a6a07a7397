from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lpse.tenders.models import Evaluation, Objection, ScheduleChangeItem, ScheduleStage, Tender


class TenderListSerializer(serializers.ModelSerializer[Tender]):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    category = serializers.CharField(source="category.code")
    current_stage = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Tender
        fields = ["code", "name", "agency", "agency_name", "category", "fiscal_year",
                  "owner_estimate", "status", "current_stage", "published_at",
                  "upload_ends_at", "url"]

    def get_current_stage(self, obj: Tender) -> str | None:
        stage = obj.current_stage(self.context.get("now"))
        return str(stage) if stage else None

    def get_url(self, obj: Tender) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("tenders:public_detail", args=[obj.code])
        return request.build_absolute_uri(path) if request else path


class TenderRowSerializer(serializers.Serializer[Any]):
    """One line of the public list (a cached `selectors.TenderRow`)."""

    code = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField(source="agency_code")
    agency_name = serializers.CharField()
    category = serializers.CharField(source="category_code")
    fiscal_year = serializers.IntegerField()
    owner_estimate = serializers.DecimalField(max_digits=18, decimal_places=2)
    status = serializers.CharField()
    current_stage = serializers.CharField(source="stage", allow_null=True)
    published_at = serializers.DateTimeField()
    upload_ends_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("tenders:public_detail", args=[obj.code])
        return request.build_absolute_uri(path) if request else path


class StageSerializer(serializers.ModelSerializer[ScheduleStage]):
    name = serializers.CharField(source="get_code_display")

    class Meta:
        model = ScheduleStage
        fields = ["code", "name", "starts_at", "ends_at", "change_count"]


class DocumentSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    title = serializers.CharField()
    is_addendum = serializers.BooleanField()
    reason = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    size = serializers.IntegerField(source="file.size")
    sha256 = serializers.CharField(source="file.sha256")


class TenderDetailSerializer(TenderListSerializer):
    method = serializers.CharField(source="method.code")
    qualification = serializers.CharField(source="qualification.code")
    file_method = serializers.CharField(source="file_method.code")
    evaluation_method = serializers.CharField(source="evaluation_method.code")
    funding_source = serializers.CharField(source="package.funding_source.code")
    location = serializers.CharField(source="package.location")
    rup_code = serializers.CharField(source="package.rup_code")
    committee = serializers.CharField(source="committee.name")
    previous = serializers.CharField(source="previous.code", default=None)
    stages = StageSerializer(many=True)
    documents = DocumentSerializer(many=True)
    participants = serializers.IntegerField(source="participants.count")

    class Meta(TenderListSerializer.Meta):
        fields = [*TenderListSerializer.Meta.fields, "method", "qualification", "file_method",
                  "evaluation_method", "technical_weight", "technical_threshold",
                  "budget_ceiling", "funding_source", "location", "rup_code", "requirements",
                  "committee", "previous", "stages", "documents", "participants",
                  "winner_announced_at", "ended_at", "end_reason"]


class ChangeSerializer(serializers.ModelSerializer[ScheduleChangeItem]):
    reason = serializers.CharField(source="request.reason")
    requested_by = serializers.CharField(source="request.requested_by.full_name")
    requested_at = serializers.DateTimeField(source="request.requested_at")
    applied_by = serializers.CharField(source="request.decided_by.full_name")
    applied_at = serializers.DateTimeField(source="request.decided_at")

    class Meta:
        model = ScheduleChangeItem
        fields = ["old_starts_at", "old_ends_at", "new_starts_at", "new_ends_at", "reason",
                  "requested_by", "requested_at", "applied_by", "applied_at"]


class ScheduleStageHistorySerializer(StageSerializer):
    history = serializers.SerializerMethodField()

    class Meta(StageSerializer.Meta):
        fields = [*StageSerializer.Meta.fields, "history"]

    def get_history(self, obj: ScheduleStage) -> list[dict[str, Any]]:
        items = self.context["history"].get(obj.code, [])
        return ChangeSerializer(items, many=True).data  # type: ignore[return-value]


class EvaluationResultSerializer(serializers.ModelSerializer[Evaluation]):
    vendor = serializers.CharField(source="participant.vendor.name")
    award = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["vendor", "offer_amount", "corrected_price", "administrative_passed",
                  "technical_passed", "technical_score", "price_passed",
                  "qualification_passed", "final_score", "rank", "award"]

    def get_award(self, obj: Evaluation) -> str | None:
        return {0: "winner", 1: "reserve_1", 2: "reserve_2"}.get(obj.award)  # type: ignore[arg-type]


class ObjectionSerializer(serializers.ModelSerializer[Objection]):
    vendor = serializers.CharField(source="participant.vendor.name")

    class Meta:
        model = Objection
        fields = ["vendor", "phase", "round", "filed_at", "text", "answer", "outcome",
                  "answered_at"]


class QualifiedVendorSerializer(serializers.Serializer[Any]):
    vendor = serializers.CharField(source="participant.vendor.name")
    qualified = serializers.BooleanField(source="passed")


class PrequalificationResultSerializer(serializers.Serializer[Any]):
    decided_at = serializers.DateTimeField()
    minutes_number = serializers.CharField(source="document.number")
    qualified_count = serializers.IntegerField()
    vendors = QualifiedVendorSerializer(many=True)


class ResultsSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    prequalification = PrequalificationResultSerializer(
        allow_null=True, help_text="Prequalification tenders, once the shortlist is decided.")
    announced_at = serializers.DateTimeField(allow_null=True)
    evaluation_round = serializers.IntegerField(
        help_text="1, then one more for each re-evaluation after an upheld objection to the "
                  "winner (the earlier announcement is withdrawn).")
    evaluations = EvaluationResultSerializer(many=True)
    objections = ObjectionSerializer(
        many=True, help_text="Objections to the prequalification result (phase "
                             "'qualification') once it is decided, and to the winner (phase "
                             "'award', with the evaluation round objected to) once it is "
                             "announced or a re-evaluation has withdrawn it.")
