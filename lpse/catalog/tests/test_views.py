"""Pages: public content, administration forms, history display, query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.catalog import selectors, services
from lpse.catalog.codes import CategoryCode, MethodCode
from lpse.catalog.models import CatalogueItem, GoodsCategory, NewsArticle, PriceIndexEntry
from lpse.catalog.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def appadmin():
    return make_user(Role.APPADMIN, full_name="Admin Aplikasi")


@pytest.fixture
def admin_client(appadmin, client_for):
    return client_for(appadmin)


# --- Public pages --------------------------------------------------------------------------

def test_published_news_is_public_drafts_are_not(appadmin, client) -> None:
    public = factories.news(appadmin, title="Pelatihan penyedia")
    draft = factories.news(appadmin, title="Rahasia draf", published=False)
    later = services.news_create(actor=appadmin, title="Nanti saja", body="x")
    services.news_publish(actor=appadmin, article=later,
                          at=timezone.now() + timedelta(days=1))
    page = client.get("/catalog/news/").content.decode()
    assert "Pelatihan penyedia" in page
    assert "Rahasia draf" not in page
    assert "Nanti saja" not in page
    assert client.get(f"/catalog/news/{public.slug}/").status_code == 200
    assert client.get(f"/catalog/news/{draft.slug}/").status_code == 404
    assert client.get(f"/catalog/news/{later.slug}/").status_code == 404


def test_news_body_is_escaped(appadmin, client) -> None:
    article = factories.news(appadmin, body="<script>alert(1)</script>\n\nParagraf dua")
    html = client.get(f"/catalog/news/{article.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<p>Paragraf dua</p>" in html


def test_news_search(appadmin, client) -> None:
    factories.news(appadmin, title="Jadwal pelatihan")
    factories.news(appadmin, title="Pemeliharaan server")
    html = client.get("/catalog/news/", {"q": "server"}).content.decode()
    assert "Pemeliharaan server" in html
    assert "Jadwal pelatihan" not in html


def test_atom_feed_lists_published_news(appadmin, client) -> None:
    factories.news(appadmin, title="Berita terbit")
    factories.news(appadmin, title="Berita draf", published=False)
    response = client.get("/catalog/news/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>Berita terbit</title>" in body
    assert "Berita draf" not in body


def test_home_page_shows_latest_news(appadmin, client) -> None:
    factories.news(appadmin, title="Berita beranda")
    html = client.get("/").content.decode()
    assert "Berita beranda" in html
    assert "/catalog/news/feed/" in html


def test_catalogue_filters(appadmin, client) -> None:
    factories.item(appadmin, code="A", name="Laptop murah", reference_price=Decimal(5_000_000))
    factories.item(appadmin, code="B", name="Laptop mahal",
                   reference_price=Decimal(25_000_000))
    factories.item(appadmin, code="C", name="Kertas A4", reference_price=Decimal(52_000),
                   category=GoodsCategory.objects.get(code="atk"))
    atk = GoodsCategory.objects.get(code="atk")
    html = client.get("/catalog/items/", {"category": atk.pk}).content.decode()
    assert "Kertas A4" in html
    assert "Laptop" not in html
    html = client.get("/catalog/items/", {"q": "laptop", "price_max": "10000000"}).content
    assert b"Laptop murah" in html
    assert b"Laptop mahal" not in html
    assert b"Rp 5.000.000" in html
    item = CatalogueItem.objects.get(code="B")
    assert client.get(f"/catalog/items/{item.pk}/").status_code == 200
    services.catalogue_item_set_active(actor=appadmin, item=item, active=False)
    assert client.get(f"/catalog/items/{item.pk}/").status_code == 404


def test_price_index_public_list_and_sort(appadmin, client) -> None:
    factories.price_entry(appadmin, year=2025, value=Decimal("122.87"))
    factories.price_entry(appadmin, year=2026, value=Decimal("125.30"))
    factories.price_entry(appadmin, item_code="semen", item_name="Semen Portland 50 kg",
                          kind=PriceIndexEntry.Kind.UNIT_PRICE, unit="sak", month=1,
                          value=Decimal(68500))
    html = client.get("/catalog/price-index/", {"sort": "period"}).content.decode()
    assert html.index("2025") < html.index("2026")
    assert "Rp 68.500" in html
    assert "125,3" in html
    html = client.get("/catalog/price-index/", {"year": 2025}).content.decode()
    assert "122,87" in html
    assert "125,3" not in html


def test_business_fields_public_list(client) -> None:
    construction = selectors.category_by_code(CategoryCode.CONSTRUCTION)
    html = client.get("/catalog/business-fields/",
                      {"category": construction.pk}).content.decode()
    assert "Konstruksi Gedung Pendidikan" in html
    assert "Perdagangan Besar Tekstil" not in html


def test_goods_categories_public_list(appadmin, client) -> None:
    factories.item(appadmin)
    html = client.get("/catalog/goods-categories/").content.decode()
    assert "Komputer dan Perangkat Teknologi Informasi" in html
    assert "/catalog/items/?category=" in html


@pytest.mark.parametrize("url", [
    "/catalog/news/", "/catalog/items/", "/catalog/price-index/",
    "/catalog/business-fields/", "/catalog/goods-categories/",
])
def test_public_lists_query_count_is_constant(appadmin, client, url,
                                              django_assert_max_num_queries) -> None:
    for n in range(30):
        factories.news(appadmin, title=f"Berita {n}")
        factories.item(appadmin, code=f"IT-{n}", name=f"Barang {n}")
        factories.price_entry(appadmin, item_code=f"seri-{n}")
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    "/catalog/manage/news/", "/catalog/manage/items/", "/catalog/manage/price-index/",
    "/catalog/manage/master/business-fields/", "/catalog/manage/master/selection-methods/",
    "/catalog/manage/",
])
def test_manage_lists_query_count_is_constant(appadmin, admin_client, url,
                                              django_assert_max_num_queries) -> None:
    for n in range(30):
        factories.news(appadmin, title=f"Berita {n}")
        factories.item(appadmin, code=f"IT-{n}", name=f"Barang {n}")
    with django_assert_max_num_queries(30):
        assert admin_client.get(url).status_code == 200


# --- Administration ------------------------------------------------------------------------

def test_admin_writes_publishes_and_sees_history(admin_client) -> None:
    response = admin_client.post("/catalog/manage/news/new/", {
        "title": "Pengumuman libur", "slug": "", "summary": "", "body": "Kantor tutup.",
    })
    article = NewsArticle.objects.get(title="Pengumuman libur")
    assert response["Location"] == f"/catalog/manage/news/{article.pk}/"
    assert article.status == NewsArticle.Status.DRAFT
    admin_client.post(f"/catalog/manage/news/{article.pk}/publish/", {"at": ""})
    article.refresh_from_db()
    assert article.is_published
    html = admin_client.get(f"/catalog/manage/news/{article.pk}/").content.decode()
    assert 'id="history"' in html
    assert "Admin Aplikasi" in html


def test_bad_news_input_is_refused_and_nothing_saved(admin_client) -> None:
    response = admin_client.post("/catalog/manage/news/new/", {
        "title": "", "slug": "feed", "summary": "", "body": "",
    })
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "body"}
    assert not NewsArticle.objects.exists()
    response = admin_client.post("/catalog/manage/news/new/", {
        "title": "Judul", "slug": "feed", "summary": "", "body": "Isi",
    })
    assert "slug" in response.context["form"].errors
    assert not NewsArticle.objects.exists()


def test_master_edit_form_keeps_code_and_records_history(admin_client) -> None:
    method = selectors.method_by_code(MethodCode.QUICK_TENDER)
    url = f"/catalog/manage/master/selection-methods/{method.pk}/edit/"
    assert 'disabled' in admin_client.get(url).content.decode()
    categories = [c.pk for c in method.categories.all()]
    response = admin_client.post(url, {
        "code": "hacked", "name": "Tender Cepat Terverifikasi", "name_en": "Quick tender",
        "description": method.description, "sort_order": 2, "categories": categories,
        "run_by": method.run_by, "is_open_competition": "on",
    })
    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.code, method.name) == ("tender_cepat", "Tender Cepat Terverifikasi")
    html = admin_client.get(f"/catalog/manage/master/selection-methods/{method.pk}/").content
    assert b"<del>Tender Cepat</del>" in html
    assert b"<ins>Tender Cepat Terverifikasi</ins>" in html


def test_master_delete_of_used_entry_is_refused(admin_client) -> None:
    category = selectors.category_by_code(CategoryCode.GOODS)
    response = admin_client.post(
        f"/catalog/manage/master/categories/{category.pk}/delete/", follow=True)
    assert category in selectors.active_categories()
    messages = [str(m) for m in response.context["messages"]]
    assert any("deactivate" in m or "nonaktifkan" in m for m in messages)


def test_master_deactivate_from_page(admin_client) -> None:
    source = selectors.funding_source_by_code("PHLN")
    admin_client.post(f"/catalog/manage/master/funding-sources/{source.pk}/active/",
                      {"active": "0"})
    source.refresh_from_db()
    assert not source.is_active


def test_unknown_master_kind_is_404(admin_client) -> None:
    assert admin_client.get("/catalog/manage/master/nope/").status_code == 404


def test_price_index_duplicate_shows_form_error(appadmin, admin_client) -> None:
    factories.price_entry(appadmin)
    response = admin_client.post("/catalog/manage/price-index/new/", {
        "item_code": "ihpb-konstruksi", "item_name": "IHPB", "kind": "index", "unit": "",
        "region_code": "3211", "region_name": "Kabupaten Sumedang", "year": 2026,
        "month": "", "value": "130", "base_period": "", "source": "", "notes": "",
    })
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert PriceIndexEntry.objects.count() == 1


def test_catalogue_item_create_and_edit(admin_client) -> None:
    category = GoodsCategory.objects.get(code="atk")
    response = admin_client.post("/catalog/manage/items/new/", {
        "code": "ATK-1", "name": "Pulpen", "category": category.pk,
        "specification": "Tinta hitam", "unit": "lusin", "reference_price": "24000",
        "price_date": "2026-01-05", "brand": "Standard", "supplier": "",
    })
    item = CatalogueItem.objects.get(code="ATK-1")
    assert response["Location"] == f"/catalog/manage/items/{item.pk}/"
    admin_client.post(f"/catalog/manage/items/{item.pk}/edit/", {
        "code": "ATK-1", "name": "Pulpen", "category": category.pk,
        "specification": "Tinta hitam", "unit": "lusin", "reference_price": "26000",
        "price_date": "2026-01-05", "brand": "Standard", "supplier": "",
    })
    item.refresh_from_db()
    assert item.reference_price == Decimal(26000)
    html = admin_client.get(f"/catalog/manage/items/{item.pk}/").content.decode()
    assert "<del>24000</del>" in html
    assert "<ins>26000</ins>" in html


# --- Languages -----------------------------------------------------------------------------

def test_pages_in_indonesian_by_default_and_in_english(client) -> None:
    html = client.get("/catalog/business-fields/").content.decode()
    assert "Bidang Usaha" in html
    assert "Konstruksi Gedung Pendidikan" in html
    client.cookies["lpse_language"] = "en"
    html = client.get("/catalog/business-fields/").content.decode()
    assert "Business fields" in html
    assert "Education buildings" in html
    html = client.get("/catalog/price-index/").content.decode()
    assert "Price index" in html


def test_htmx_search_returns_only_the_table(appadmin, client) -> None:
    factories.item(appadmin, name="Laptop kantor")
    response = client.get("/catalog/items/", {"q": "laptop"}, HTTP_HX_REQUEST="true")
    html = response.content.decode().strip()
    assert html.startswith('<div id="table-container"')
    assert "Laptop kantor" in html
    assert "<html" not in html


def test_feed_summary_is_text_not_html(appadmin, client) -> None:
    factories.news(appadmin, title="Uji", summary="<b>tebal</b> & biasa")
    body = client.get("/catalog/news/feed/").content.decode()
    assert "&amp;lt;b&amp;gt;tebal&amp;lt;/b&amp;gt; &amp;amp; biasa" in body
