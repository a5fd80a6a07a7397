"""The read-only public API of the catalog."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.catalog import selectors, services
from lpse.catalog.models import GoodsCategory, PriceIndexEntry
from lpse.catalog.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def appadmin():
    return make_user(Role.APPADMIN)


def test_master_data_by_code_without_login(api) -> None:
    response = api.get("/api/v1/catalog/procurement-categories/konstruksi/")
    assert response.status_code == 200
    assert response.json()["name"] == "Pekerjaan Konstruksi"
    methods = api.get("/api/v1/catalog/selection-methods/", {"category": "konsultansi_bu"})
    assert {m["code"] for m in methods.json()["results"]} == {
        "seleksi", "pengadaan_langsung", "penunjukan_langsung"}
    seleksi = api.get("/api/v1/catalog/selection-methods/seleksi/").json()
    assert seleksi["categories"] == ["konsultansi_bu", "konsultansi_perorangan"]
    evaluation = api.get("/api/v1/catalog/evaluation-methods/pagu_anggaran/").json()
    assert evaluation["ranking_rule"] == "fixed_budget"
    assert api.get("/api/v1/catalog/file-methods/dua_tahap/").json()["two_stage"] is True
    assert api.get("/api/v1/catalog/funding-sources/APBD-P/").status_code == 200
    assert api.get("/api/v1/catalog/qualification-types/nope/").status_code == 404


def test_inactive_master_data_stays_listed_with_its_flag(api, appadmin) -> None:
    source = services.master_set_active(
        actor=appadmin, obj=selectors.funding_source_by_code("PHLN"), active=False)
    every = api.get("/api/v1/catalog/funding-sources/").json()["results"]
    assert {"code": "PHLN", "is_active": False}.items() <= next(
        s for s in every if s["code"] == source.code).items()
    active = api.get("/api/v1/catalog/funding-sources/", {"is_active": "true"}).json()
    assert "PHLN" not in {s["code"] for s in active["results"]}


def test_business_fields_tree_filters(api) -> None:
    top = api.get("/api/v1/catalog/business-fields/", {"top_level": "true"}).json()
    assert "41" in {f["code"] for f in top["results"]}
    assert "41011" not in {f["code"] for f in top["results"]}
    children = api.get("/api/v1/catalog/business-fields/", {"parent": "42"}).json()
    assert {f["parent"] for f in children["results"]} == {"42"}
    assert api.get("/api/v1/catalog/business-fields/41016/").json()["category"] == "konstruksi"


def test_news_api_lists_only_public_articles(api, appadmin) -> None:
    factories.news(appadmin, title="Terbit")
    factories.news(appadmin, title="Draf", published=False)
    later = services.news_create(actor=appadmin, title="Terjadwal", body="x")
    services.news_publish(actor=appadmin, article=later, at=timezone.now() + timedelta(days=1))
    data = api.get("/api/v1/catalog/news/").json()
    assert [a["title"] for a in data["results"]] == ["Terbit"]
    assert data["results"][0]["url"].endswith("/catalog/news/terbit/")
    assert api.get("/api/v1/catalog/news/draf/").status_code == 404
    assert api.get("/api/v1/catalog/news/", {"search": "Terbit"}).json()["count"] == 1


def test_price_index_api_filters(api, appadmin) -> None:
    factories.price_entry(appadmin, year=2025, value=Decimal("122.87"))
    factories.price_entry(appadmin, year=2026, value=Decimal("125.30"))
    hidden = factories.price_entry(appadmin, year=2024, value=Decimal("120.41"))
    services.price_index_set_active(actor=appadmin, entry=hidden, active=False)
    data = api.get("/api/v1/catalog/price-index/",
                   {"item_code": "ihpb-konstruksi", "region_code": "3211"}).json()
    assert [(e["year"], e["value"]) for e in data["results"]] == [
        (2026, "125.3000"), (2025, "122.8700")]
    only = api.get("/api/v1/catalog/price-index/", {"year": 2025}).json()
    assert only["count"] == 1
    assert PriceIndexEntry.objects.count() == 3


def test_catalogue_api(api, appadmin) -> None:
    factories.item(appadmin, code="A", name="Laptop", reference_price=Decimal(12_500_000))
    factories.item(appadmin, code="B", name="Kertas", reference_price=Decimal(52_000),
                   category=GoodsCategory.objects.get(code="atk"))
    data = api.get("/api/v1/catalog/items/", {"category": "atk"}).json()
    assert [i["code"] for i in data["results"]] == ["B"]
    assert data["results"][0]["reference_price"] == "52000.00"
    cheap = api.get("/api/v1/catalog/items/", {"price_max": "100000"}).json()
    assert cheap["count"] == 1
    ordered = api.get("/api/v1/catalog/items/", {"ordering": "-reference_price"}).json()
    assert [i["code"] for i in ordered["results"]] == ["A", "B"]
    categories = api.get("/api/v1/catalog/goods-categories/").json()
    assert "komputer" in {c["code"] for c in categories["results"]}


def test_api_is_read_only(api, appadmin) -> None:
    api.force_authenticate(appadmin)
    assert api.post("/api/v1/catalog/news/", {"title": "x"}).status_code == 405
    assert api.delete("/api/v1/catalog/procurement-categories/barang/").status_code == 405
    assert api.patch("/api/v1/catalog/items/1/", {}).status_code in (404, 405)


def test_schema_documents_the_catalog(api) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/catalog/news/", "/api/v1/catalog/price-index/",
                 "/api/v1/catalog/items/", "/api/v1/catalog/business-fields/{code}/",
                 "/api/v1/catalog/selection-methods/"):
        assert path in paths
    assert paths["/api/v1/catalog/news/"]["get"]["tags"] == ["catalog"]


def test_list_query_count_is_constant(api, appadmin, django_assert_max_num_queries) -> None:
    for n in range(30):
        factories.item(appadmin, code=f"I{n}", name=f"Barang {n}")
    with django_assert_max_num_queries(4):
        api.get("/api/v1/catalog/items/")
    with django_assert_max_num_queries(4):
        api.get("/api/v1/catalog/business-fields/")
    with django_assert_max_num_queries(5):
        api.get("/api/v1/catalog/selection-methods/")
