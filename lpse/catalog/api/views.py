"""Read-only public API of the catalog: master data, news, price index, goods catalogue.

Master data are listed with inactive entries too (they stay valid on the records that use
them; `?is_active=true` lists only those offered for new records), looked up by code.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, viewsets
from rest_framework.permissions import AllowAny

from lpse.catalog import selectors
from lpse.catalog.api import serializers as s
from lpse.catalog.models import (
    BusinessField,
    CatalogueItem,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    GoodsCategory,
    MasterData,
    NewsArticle,
    PriceIndexEntry,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)

TAG = "catalog"


class _Public(viewsets.ReadOnlyModelViewSet[Any]):
    permission_classes = [AllowAny]
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.SearchFilter,
        filters.OrderingFilter,
    ]


def _master_viewset(
    model: type[MasterData], serializer: type[Any], summary: str, extra: tuple[str, ...] = ()
) -> type[_Public]:
    filterset = type(
        f"{model.__name__}ApiFilter", (django_filters.FilterSet,),
        {"Meta": type("Meta", (), {"model": model, "fields": ["is_active", *extra]})},
    )

    @extend_schema_view(
        list=extend_schema(summary=f"{summary}: list", tags=[TAG]),
        retrieve=extend_schema(summary=f"{summary}: one entry by code", tags=[TAG]),
    )
    class ViewSet(_Public):
        queryset = model._default_manager.order_by("sort_order", "code")
        serializer_class = serializer
        filterset_class = filterset
        lookup_field = "code"
        lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
        search_fields = ["code", "name", "name_en"]
        ordering_fields = ["code", "name", "sort_order"]

    ViewSet.__name__ = f"{model.__name__}ViewSet"
    ViewSet.__qualname__ = ViewSet.__name__
    return ViewSet


ProcurementCategoryViewSet = _master_viewset(
    ProcurementCategory, s.ProcurementCategorySerializer, "Procurement categories"
)
QualificationTypeViewSet = _master_viewset(
    QualificationType, s.QualificationTypeSerializer, "Qualification types"
)
FileMethodViewSet = _master_viewset(FileMethod, s.FileMethodSerializer, "File methods")
FundingSourceViewSet = _master_viewset(
    FundingSource, s.FundingSourceSerializer, "Funding sources"
)


class _ByCategory(django_filters.FilterSet):
    category = django_filters.CharFilter(
        field_name="categories__code", label="Procurement category code"
    )


class SelectionMethodFilter(_ByCategory):
    class Meta:
        model = SelectionMethod
        fields = ["is_active", "category"]


class EvaluationMethodFilter(_ByCategory):
    class Meta:
        model = EvaluationMethod
        fields = ["is_active", "category"]


@extend_schema_view(
    list=extend_schema(summary="Selection methods: list (filter by category code)", tags=[TAG]),
    retrieve=extend_schema(summary="Selection methods: one entry by code", tags=[TAG]),
)
class SelectionMethodViewSet(_Public):
    queryset = SelectionMethod.objects.prefetch_related("categories").order_by("sort_order")
    serializer_class = s.SelectionMethodSerializer
    filterset_class = SelectionMethodFilter
    lookup_field = "code"
    search_fields = ["code", "name", "name_en"]


@extend_schema_view(
    list=extend_schema(summary="Evaluation methods: list (filter by category code)",
                       tags=[TAG]),
    retrieve=extend_schema(summary="Evaluation methods: one entry by code", tags=[TAG]),
)
class EvaluationMethodViewSet(_Public):
    queryset = EvaluationMethod.objects.prefetch_related("categories").order_by("sort_order")
    serializer_class = s.EvaluationMethodSerializer
    filterset_class = EvaluationMethodFilter
    lookup_field = "code"
    search_fields = ["code", "name", "name_en"]


class BusinessFieldFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code",
                                         label="Procurement category code")
    parent = django_filters.CharFilter(field_name="parent__code", label="Parent field code")
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull",
                                             label="Only top-level fields")

    class Meta:
        model = BusinessField
        fields = ["is_active", "category", "parent", "top_level"]


@extend_schema_view(
    list=extend_schema(summary="Business fields (KBLI-style, hierarchical): list", tags=[TAG]),
    retrieve=extend_schema(summary="Business fields: one entry by code", tags=[TAG]),
)
class BusinessFieldViewSet(_Public):
    queryset = BusinessField.objects.select_related("parent", "category").order_by("code")
    serializer_class = s.BusinessFieldSerializer
    filterset_class = BusinessFieldFilter
    lookup_field = "code"
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]


@extend_schema_view(
    list=extend_schema(summary="Goods categories: list", tags=[TAG]),
    retrieve=extend_schema(summary="Goods categories: one entry by code", tags=[TAG]),
)
class GoodsCategoryViewSet(_Public):
    queryset = GoodsCategory.objects.select_related("parent").order_by("sort_order", "code")
    serializer_class = s.GoodsCategorySerializer
    filterset_fields = ["is_active"]
    lookup_field = "code"
    search_fields = ["code", "name", "name_en"]


@extend_schema_view(
    list=extend_schema(summary="Published news, newest first", tags=[TAG]),
    retrieve=extend_schema(summary="One published news article by slug", tags=[TAG]),
)
class NewsViewSet(_Public):
    serializer_class = s.NewsArticleSerializer
    lookup_field = "slug"
    search_fields = ["title", "summary", "body"]
    ordering_fields = ["published_at", "title"]

    def get_queryset(self) -> QuerySet[NewsArticle]:
        return selectors.news_published()


class PriceIndexFilter(django_filters.FilterSet):
    class Meta:
        model = PriceIndexEntry
        fields = ["item_code", "region_code", "year", "month", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Price index: entries by item, region and period", tags=[TAG]),
    retrieve=extend_schema(summary="Price index: one entry", tags=[TAG]),
)
class PriceIndexViewSet(_Public):
    serializer_class = s.PriceIndexEntrySerializer
    filterset_class = PriceIndexFilter
    search_fields = ["item_name", "item_code", "region_name"]
    ordering_fields = ["year", "month", "item_name", "region_name", "value"]

    def get_queryset(self) -> QuerySet[PriceIndexEntry]:
        return selectors.price_index_public().order_by("-year", "-month", "item_name")


class CatalogueItemFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code",
                                         label="Goods category code")
    price_min = django_filters.NumberFilter(field_name="reference_price", lookup_expr="gte")
    price_max = django_filters.NumberFilter(field_name="reference_price", lookup_expr="lte")

    class Meta:
        model = CatalogueItem
        fields = ["category", "price_min", "price_max"]


@extend_schema_view(
    list=extend_schema(summary="Goods catalogue: active items", tags=[TAG]),
    retrieve=extend_schema(summary="Goods catalogue: one item", tags=[TAG]),
)
class CatalogueItemViewSet(_Public):
    serializer_class = s.CatalogueItemSerializer
    filterset_class = CatalogueItemFilter
    search_fields = ["name", "code", "brand", "specification", "supplier"]
    ordering_fields = ["name", "code", "reference_price"]

    def get_queryset(self) -> QuerySet[CatalogueItem]:
        return selectors.catalogue_items_public().order_by("name")
