"""Reads of the catalog. Master-data lookups are used by other modules (tenders, vendors).

Lookups by code raise the model's `DoesNotExist` for an unknown code; `active_*` helpers
return only entries that may be chosen for new records (an inactive entry stays valid on the
records that already use it).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

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

# --- Master data --------------------------------------------------------------------------

def master_by_code[M: MasterData](model: type[M], code: str) -> M:
    return model._default_manager.get(code=code)


def active[M: MasterData](model: type[M]) -> QuerySet[M]:
    return model._default_manager.filter(is_active=True)


def category_by_code(code: str) -> ProcurementCategory:
    return ProcurementCategory.objects.get(code=code)


def active_categories() -> QuerySet[ProcurementCategory]:
    return active(ProcurementCategory)


def method_by_code(code: str) -> SelectionMethod:
    return SelectionMethod.objects.get(code=code)


def active_methods_for(category: ProcurementCategory | str) -> QuerySet[SelectionMethod]:
    """Active selection methods that apply to a procurement category (object or code)."""
    code = category if isinstance(category, str) else category.code
    return active(SelectionMethod).filter(categories__code=code, categories__is_active=True)


def method_applies_to(method: SelectionMethod, category: ProcurementCategory) -> bool:
    return method.categories.filter(pk=category.pk).exists()


def qualification_by_code(code: str) -> QualificationType:
    return QualificationType.objects.get(code=code)


def active_qualification_types() -> QuerySet[QualificationType]:
    return active(QualificationType)


def file_method_by_code(code: str) -> FileMethod:
    return FileMethod.objects.get(code=code)


def active_file_methods() -> QuerySet[FileMethod]:
    return active(FileMethod)


def evaluation_method_by_code(code: str) -> EvaluationMethod:
    return EvaluationMethod.objects.get(code=code)


def active_evaluation_methods_for(
    category: ProcurementCategory | str,
) -> QuerySet[EvaluationMethod]:
    code = category if isinstance(category, str) else category.code
    return active(EvaluationMethod).filter(categories__code=code, categories__is_active=True)


def funding_source_by_code(code: str) -> FundingSource:
    return FundingSource.objects.get(code=code)


def active_funding_sources() -> QuerySet[FundingSource]:
    return active(FundingSource)


def business_field_by_code(code: str) -> BusinessField:
    return BusinessField.objects.get(code=code)


def active_business_fields(
    category: ProcurementCategory | str | None = None, *, leaves_only: bool = False
) -> QuerySet[BusinessField]:
    """Active business fields, optionally of one category; `leaves_only` = sub-fields only."""
    qs = active(BusinessField).select_related("parent", "category")
    if category is not None:
        code = category if isinstance(category, str) else category.code
        qs = qs.filter(category__code=code)
    if leaves_only:
        qs = qs.filter(children__isnull=True)
    return qs.distinct()


def business_field_tree(*, include_inactive: bool = False) -> list[BusinessField]:
    """All fields in tree order (parent before its children), each with `.depth` computed."""
    qs = BusinessField.objects.select_related("category")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    nodes = list(qs.order_by("code"))
    children: dict[int | None, list[BusinessField]] = {}
    ids = {n.pk for n in nodes}
    for node in nodes:
        parent_id = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent_id, []).append(node)
    ordered: list[BusinessField] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            node.tree_depth = depth  # type: ignore[attr-defined]
            ordered.append(node)
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def goods_category_by_code(code: str) -> GoodsCategory:
    return GoodsCategory.objects.get(code=code)


def active_goods_categories() -> QuerySet[GoodsCategory]:
    return active(GoodsCategory).select_related("parent")


# --- Portal content -----------------------------------------------------------------------

def news_published() -> QuerySet[NewsArticle]:
    """News the public sees: published, with a publication time already reached."""
    return NewsArticle.objects.filter(
        status=NewsArticle.Status.PUBLISHED, published_at__lte=timezone.now()
    ).order_by("-published_at", "-pk")


def news_all() -> QuerySet[NewsArticle]:
    """Every article including drafts (for holders of Perm.VIEW_CATALOG_RECORDS)."""
    return NewsArticle.objects.select_related("author").order_by(
        "-published_at", "-created_at"
    )


def latest_news(limit: int = 5) -> list[NewsArticle]:
    return list(news_published()[:limit])


def catalogue_items_public() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(is_active=True, category__is_active=True).select_related(
        "category"
    )


def price_index_public() -> QuerySet[PriceIndexEntry]:
    return PriceIndexEntry.objects.filter(is_active=True)


def price_index_value(
    *, item_code: str, region_code: str, year: int, month: int | None = None
) -> PriceIndexEntry | None:
    """The active entry of a series for a period (annual when `month` is None), or None."""
    condition = Q(month__isnull=True) if month is None else Q(month=month)
    return (
        price_index_public()
        .filter(condition, item_code=item_code, region_code=region_code, year=year)
        .first()
    )


def price_adjusted_value(
    *, amount: Decimal, from_year: int, to_year: int, item_code: str, region_code: str
) -> Decimal | None:
    """`amount` of `from_year` in prices of `to_year`, by the annual index series `item_code`.

    Used for the basic capability (Kemampuan Dasar): the value of a vendor's past contract is
    multiplied by index(evaluation year) / index(contract year). None when either annual
    value is missing, so the caller can ask the committee to enter the index first.
    """
    start = price_index_value(item_code=item_code, region_code=region_code, year=from_year)
    end = price_index_value(item_code=item_code, region_code=region_code, year=to_year)
    if start is None or end is None:
        return None
    return (amount * end.value / start.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def content_last_changed() -> dict[str, datetime.datetime | None]:
    """When each kind of portal content last changed (evidence for the Lampiran 5 checklist,
    items 1.a.6–1.a.10: catalogue, news, price index, goods categories, business fields)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max

    from lpse.catalog.models import ChangeVersion

    models_by_key = {
        "catalogue": CatalogueItem, "news": NewsArticle, "price_index": PriceIndexEntry,
        "goods_categories": GoodsCategory, "business_fields": BusinessField,
    }
    types = ContentType.objects.get_for_models(*models_by_key.values())
    latest = dict(
        ChangeVersion.objects.filter(content_type__in=types.values())
        .values_list("content_type").annotate(at=Max("at")).values_list("content_type", "at")
    )
    return {key: latest.get(types[model].pk) for key, model in models_by_key.items()}
