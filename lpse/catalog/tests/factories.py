"""Test data for the catalog, created through the services (so history is recorded)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lpse.accounts.models import User
from lpse.catalog import services
from lpse.catalog.models import CatalogueItem, GoodsCategory, NewsArticle, PriceIndexEntry


def news(actor: User, *, title: str = "Berita uji", published: bool = True,
         **fields: Any) -> NewsArticle:
    article = services.news_create(actor=actor, title=title,
                                   body=fields.pop("body", "Isi berita."), **fields)
    if published:
        article = services.news_publish(actor=actor, article=article,
                                        at=timezone.now() - timedelta(minutes=1))
    return article


def price_entry(actor: User, **fields: Any) -> PriceIndexEntry:
    data: dict[str, Any] = {
        "item_code": "ihpb-konstruksi", "item_name": "IHPB Konstruksi",
        "kind": PriceIndexEntry.Kind.INDEX, "unit": "", "region_code": "3211",
        "region_name": "Kabupaten Sumedang", "year": 2026, "month": None,
        "value": Decimal("125.30"), "base_period": "2018=100", "source": "BPS", "notes": "",
    }
    data.update(fields)
    return services.price_index_create(actor=actor, data=data)


def item(actor: User, *, code: str = "TI-LAPTOP", **fields: Any) -> CatalogueItem:
    data: dict[str, Any] = {
        "code": code, "name": "Laptop kantor",
        "category": GoodsCategory.objects.get(code="komputer"),
        "specification": "Core i5, RAM 16 GB", "unit": "unit",
        "reference_price": Decimal("12500000"), "price_date": date(2026, 1, 5),
        "brand": "Lenovo", "supplier": "CV Mitra",
    }
    data.update(fields)
    return services.catalogue_item_create(actor=actor, data=data)
