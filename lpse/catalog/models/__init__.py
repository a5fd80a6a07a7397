from lpse.catalog.models.content import CatalogueItem, GoodsCategory, NewsArticle, PriceIndexEntry
from lpse.catalog.models.history import ChangeVersion
from lpse.catalog.models.master import (
    BusinessField,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    MasterData,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)

__all__ = [
    "BusinessField",
    "CatalogueItem",
    "ChangeVersion",
    "EvaluationMethod",
    "FileMethod",
    "FundingSource",
    "GoodsCategory",
    "MasterData",
    "NewsArticle",
    "PriceIndexEntry",
    "ProcurementCategory",
    "QualificationType",
    "SelectionMethod",
]
