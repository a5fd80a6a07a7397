"""Tables and filters of the catalog's lists (public and administration)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lpse.catalog.models import (
    BusinessField,
    CatalogueItem,
    GoodsCategory,
    MasterData,
    NewsArticle,
    PriceIndexEntry,
    ProcurementCategory,
)
from lpse.core.tables import SearchFilterSet
from lpse.core.templatetags.lpse import rupiah, wib

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class _Base(tables.Table):
    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("Nothing found.")


# --- News ----------------------------------------------------------------------------------

class NewsTable(_Base):
    published_at = tables.Column(verbose_name=_("Date"))
    title = tables.Column(
        linkify=lambda record: reverse("catalog:news_detail", args=[record.slug])
    )
    summary = tables.Column(orderable=False)

    class Meta(_Base.Meta):
        model = NewsArticle
        fields = ["published_at", "title", "summary"]
        order_by = ["-published_at"]

    def render_published_at(self, value: Any) -> str:
        return wib(value, "%d-%m-%Y")


class NewsFilter(SearchFilterSet):
    search_fields = ("title", "summary", "body")

    class Meta:
        model = NewsArticle
        fields = ["q"]


class ManageNewsTable(_Base):
    title = tables.Column(
        linkify=lambda record: reverse("catalog:manage_news_detail", args=[record.pk])
    )
    published_at = tables.Column()
    updated_at = tables.Column(verbose_name=_("Last change"))

    class Meta(_Base.Meta):
        model = NewsArticle
        fields = ["title", "status", "published_at", "author", "updated_at"]
        order_by = ["-updated_at"]

    def render_published_at(self, value: Any) -> str:
        return wib(value)

    def render_updated_at(self, value: Any) -> str:
        return wib(value)


class ManageNewsFilter(SearchFilterSet):
    search_fields = ("title", "summary", "body", "slug")

    class Meta:
        model = NewsArticle
        fields = ["q", "status"]


# --- Price index ---------------------------------------------------------------------------

class PriceIndexTable(_Base):
    item_name = tables.Column()
    period = tables.Column(verbose_name=_("Period"), order_by=("year", "month"),
                           empty_values=())
    value = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta(_Base.Meta):
        model = PriceIndexEntry
        fields = ["item_name", "region_name", "period", "kind", "value", "unit",
                  "base_period", "source"]
        order_by = ["-period", "item_name"]

    def render_period(self, record: PriceIndexEntry) -> str:
        return record.period

    def render_value(self, record: PriceIndexEntry) -> str:
        if record.kind == PriceIndexEntry.Kind.UNIT_PRICE:
            return rupiah(record.value)
        return f"{record.value.normalize():f}".replace(".", ",")


class ManagePriceIndexTable(PriceIndexTable):
    item_name = tables.Column(
        linkify=lambda record: reverse("catalog:manage_price_index_detail", args=[record.pk])
    )

    class Meta(PriceIndexTable.Meta):
        fields = ["item_name", "region_name", "period", "kind", "value", "unit", "is_active"]


class PriceIndexFilter(SearchFilterSet):
    search_fields = ("item_name", "item_code", "region_name", "region_code")
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = PriceIndexEntry
        fields = ["q", "year", "kind"]


class ManagePriceIndexFilter(PriceIndexFilter):
    class Meta(PriceIndexFilter.Meta):
        fields = ["q", "year", "kind", "is_active"]


# --- Goods catalogue -----------------------------------------------------------------------

class CatalogueTable(_Base):
    name = tables.Column(
        linkify=lambda record: reverse("catalog:item_detail", args=[record.pk])
    )
    category = tables.Column(order_by=("category__name",))
    reference_price = tables.Column(attrs={"td": {"class": "text-end text-nowrap"}})

    class Meta(_Base.Meta):
        model = CatalogueItem
        fields = ["code", "name", "category", "brand", "unit", "reference_price", "supplier"]
        order_by = ["name"]

    def render_reference_price(self, value: Any) -> str:
        return rupiah(value)


class ManageCatalogueTable(CatalogueTable):
    name = tables.Column(
        linkify=lambda record: reverse("catalog:manage_item_detail", args=[record.pk])
    )

    class Meta(CatalogueTable.Meta):
        fields = ["code", "name", "category", "brand", "unit", "reference_price", "is_active"]


class CatalogueFilter(SearchFilterSet):
    search_fields = ("name", "code", "brand", "specification", "supplier")
    category = django_filters.ModelChoiceFilter(
        label=_("Goods category"), queryset=GoodsCategory.objects.filter(is_active=True)
    )
    price_min = django_filters.NumberFilter(
        label=_("Price from (Rp)"), field_name="reference_price", lookup_expr="gte"
    )
    price_max = django_filters.NumberFilter(
        label=_("Price up to (Rp)"), field_name="reference_price", lookup_expr="lte"
    )

    class Meta:
        model = CatalogueItem
        fields = ["q", "category", "price_min", "price_max"]


class ManageCatalogueFilter(CatalogueFilter):
    category = django_filters.ModelChoiceFilter(
        label=_("Goods category"), queryset=GoodsCategory.objects.all()
    )

    class Meta(CatalogueFilter.Meta):
        fields = ["q", "category", "is_active"]


# --- Goods categories and business fields (public lists) -----------------------------------

class GoodsCategoryTable(_Base):
    name = tables.Column(
        linkify=lambda record: reverse("catalog:item_list") + f"?category={record.pk}"
    )
    parent = tables.Column(order_by=("parent__name",))
    item_count = tables.Column(verbose_name=_("Items"), attrs={"td": {"class": "text-end"}})

    class Meta(_Base.Meta):
        model = GoodsCategory
        fields = ["code", "name", "parent", "description", "item_count"]
        order_by = ["sort_order", "name"]


class GoodsCategoryFilter(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "description")

    class Meta:
        model = GoodsCategory
        fields = ["q"]


class BusinessFieldTable(_Base):
    code = tables.Column()
    name = tables.Column()
    parent = tables.Column(verbose_name=_("Field"), order_by=("parent__code",))
    category = tables.Column(order_by=("category__sort_order",))

    class Meta(_Base.Meta):
        model = BusinessField
        fields = ["code", "name", "parent", "category"]
        order_by = ["code"]

    def render_name(self, record: BusinessField) -> str:
        if record.parent_id is None:
            return format_html("<strong>{}</strong>", record.label)
        return record.label

    def render_parent(self, record: BusinessField) -> str:
        return f"{record.parent.code} {record.parent.label}" if record.parent else "—"


class BusinessFieldFilter(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "description")
    category = django_filters.ModelChoiceFilter(
        label=_("Procurement category"),
        queryset=ProcurementCategory.objects.filter(is_active=True),
    )

    class Meta:
        model = BusinessField
        fields = ["q", "category"]


# --- Master data administration (generic) --------------------------------------------------

class MasterTable(_Base):
    code = tables.Column()
    name = tables.Column()
    name_en = tables.Column()
    sort_order = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta(_Base.Meta):
        order_by = ["sort_order", "code"]

    def __init__(self, *args: Any, kind_slug: str, **kwargs: Any) -> None:
        self.kind_slug = kind_slug
        super().__init__(*args, **kwargs)

    def render_code(self, record: MasterData) -> str:
        url = reverse("catalog:master_detail", args=[self.kind_slug, record.pk])
        return format_html('<a href="{}">{}</a>', url, record.code)


def master_filter_for(model: type[MasterData]) -> type[SearchFilterSet]:
    meta = type("Meta", (), {"model": model, "fields": ["q", "is_active"]})
    return type(  # type: ignore[return-value]
        f"{model.__name__}Filter", (SearchFilterSet,),
        {"search_fields": ("code", "name", "name_en", "description"), "Meta": meta},
    )


def with_item_counts(queryset: QuerySet[GoodsCategory]) -> QuerySet[GoodsCategory]:
    from django.db.models import Count, Q

    return queryset.annotate(
        item_count=Count("items", filter=Q(items__is_active=True))
    ).select_related("parent")
