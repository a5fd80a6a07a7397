from __future__ import annotations

from rest_framework import serializers

from lpse.catalog.models import (
    BusinessField,
    CatalogueItem,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    GoodsCategory,
    NewsArticle,
    PriceIndexEntry,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)

MASTER_FIELDS = ["code", "name", "name_en", "description", "sort_order", "is_active"]


def _codes() -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    return serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)


def _code(*, nullable: bool = False) -> serializers.SlugRelatedField:  # type: ignore[type-arg]
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=nullable)


class ProcurementCategorySerializer(serializers.ModelSerializer[ProcurementCategory]):
    class Meta:
        model = ProcurementCategory
        fields = MASTER_FIELDS


class SelectionMethodSerializer(serializers.ModelSerializer[SelectionMethod]):
    categories = _codes()

    class Meta:
        model = SelectionMethod
        fields = [*MASTER_FIELDS, "categories", "run_by", "is_open_competition"]


class QualificationTypeSerializer(serializers.ModelSerializer[QualificationType]):
    class Meta:
        model = QualificationType
        fields = [*MASTER_FIELDS, "before_bidding"]


class FileMethodSerializer(serializers.ModelSerializer[FileMethod]):
    class Meta:
        model = FileMethod
        fields = [*MASTER_FIELDS, "envelope_count", "two_stage"]


class EvaluationMethodSerializer(serializers.ModelSerializer[EvaluationMethod]):
    categories = _codes()

    class Meta:
        model = EvaluationMethod
        fields = [*MASTER_FIELDS, "categories", "ranking_rule", "uses_technical_score"]


class FundingSourceSerializer(serializers.ModelSerializer[FundingSource]):
    class Meta:
        model = FundingSource
        fields = MASTER_FIELDS


class BusinessFieldSerializer(serializers.ModelSerializer[BusinessField]):
    parent = _code(nullable=True)  # type: ignore[assignment]  # a field named like Field.parent
    category = _code(nullable=True)

    class Meta:
        model = BusinessField
        fields = [*MASTER_FIELDS, "parent", "category"]


class GoodsCategorySerializer(serializers.ModelSerializer[GoodsCategory]):
    parent = _code(nullable=True)  # type: ignore[assignment]  # a field named like Field.parent

    class Meta:
        model = GoodsCategory
        fields = [*MASTER_FIELDS, "parent"]


class NewsArticleSerializer(serializers.ModelSerializer[NewsArticle]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = NewsArticle
        fields = ["slug", "title", "summary", "body", "published_at", "updated_at", "url"]

    def get_url(self, obj: NewsArticle) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("catalog:news_detail", args=[obj.slug])
        return request.build_absolute_uri(path) if request is not None else path


class PriceIndexEntrySerializer(serializers.ModelSerializer[PriceIndexEntry]):
    class Meta:
        model = PriceIndexEntry
        fields = ["id", "item_code", "item_name", "kind", "unit", "region_code", "region_name",
                  "year", "month", "value", "base_period", "source", "notes", "updated_at"]


class CatalogueItemSerializer(serializers.ModelSerializer[CatalogueItem]):
    category = _code()

    class Meta:
        model = CatalogueItem
        fields = ["id", "code", "name", "category", "specification", "unit",
                  "reference_price", "price_date", "brand", "supplier", "updated_at"]
