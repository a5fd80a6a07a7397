"""The open data page and the CSV/Excel exports of the public tender list."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lpse.opendata.services import releases_backfill
from lpse.opendata.tests import scenario
from lpse.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_page_shows_what_is_published_and_how_to_get_it(client, clock):
    scenario.published()
    releases_backfill()
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/ocds/releases/" in page
    assert "ocds-xxxxxx-sumedang-" in page
    assert reverse("opendata:tenders_csv") in page
    home = client.get("/").content.decode()
    assert reverse("opendata:index") in home, "menu entry and public panel"


def test_csv_export_keeps_the_list_filters(client, clock):
    goods = make_tender(category="barang", name="Pengadaan Laptop Dinas")
    works = make_tender(name="Rehabilitasi Jalan Desa")
    make_tender(publish=False, name="Draf rahasia")
    response = client.get(reverse("opendata:tenders_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] == "Kode"
    assert {r[0] for r in rows[1:]} == {goods.code, works.code}, "drafts are not public"
    filtered = _csv(client.get(reverse("opendata:tenders_csv"), {"q": "laptop"}))
    assert [r[0] for r in filtered[1:]] == [goods.code]
    by_category = _csv(client.get(reverse("opendata:tenders_csv"),
                                  {"category": str(works.category_id)}))
    assert [r[0] for r in by_category[1:]] == [works.code]
    sorted_rows = _csv(client.get(reverse("opendata:tenders_csv"), {"sort": "name"}))
    assert [r[1] for r in sorted_rows[1:]] == sorted([goods.name, works.name])
    assert rows[1][10].startswith("ocds-xxxxxx-sumedang-")


def test_excel_export_with_numbers(client, clock, django_assert_max_num_queries):
    tender = make_tender()
    make_tender()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("opendata:tenders_xlsx"), {"q": tender.name})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][5] == "HPS (Rp)"
    codes = [row[0] for row in values[1:]]
    assert tender.code in codes
    row = values[codes.index(tender.code) + 1]
    assert row[5] == float(tender.owner_estimate)


def test_excel_export_is_capped(client, clock, settings):
    settings.OPENDATA_XLSX_MAX_ROWS = 1
    make_tender()
    make_tender()
    sheet = load_workbook(io.BytesIO(client.get(reverse("opendata:tenders_xlsx")).content)).active
    assert len(list(sheet.values)) == 2
