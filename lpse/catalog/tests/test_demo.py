"""Demo data: the catalog part of `seed_demo` runs twice without duplicating anything."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lpse.accounts import demo as accounts_demo
from lpse.catalog import demo, selectors
from lpse.catalog.models import CatalogueItem, ChangeVersion, NewsArticle, PriceIndexEntry
from lpse.core.demodata import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent() -> None:
    context = DemoContext(password="Demo-Password-2026!")
    accounts_demo.seed(context)
    demo.seed(context)
    counts = (NewsArticle.objects.count(), PriceIndexEntry.objects.count(),
              CatalogueItem.objects.count(), ChangeVersion.objects.count())
    demo.seed(context)
    assert counts == (NewsArticle.objects.count(), PriceIndexEntry.objects.count(),
                      CatalogueItem.objects.count(), ChangeVersion.objects.count())
    assert len(selectors.latest_news(10)) == 3  # one demo article stays a draft
    assert PriceIndexEntry.objects.filter(region_code="3211", year=2026).count() >= 8
    assert CatalogueItem.objects.filter(category__code="komputer").count() == 3
    assert selectors.price_adjusted_value(
        amount=Decimal(1_000_000_000), from_year=2022, to_year=2026,
        item_code="ihpb-konstruksi", region_code="3211") is not None
