"""Requests the portal refuses before any view runs."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/tenders/?agency=a%00b",
    "/api/v1/tenders/?q=%00",
    "/api/v1/ocds/releases/?ocid=ocds-x%00",
    "/api/v1/ocds/records/ocds-ab%00cd/",
    "/api/v1/tenders/?a%00=1",
])
def test_a_nul_character_in_an_api_request_is_a_client_error(url: str) -> None:
    """PostgreSQL refuses NUL in a text value; the schema fuzzer found those as server
    errors. They are answered 400, in the portal's language, before sessions or views."""
    response = Client().get(url)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Permintaan berisi karakter nol dan tidak dapat diproses."}


def test_a_nul_character_in_a_page_request_or_a_cookie_is_a_client_error() -> None:
    page = Client().get("/tenders/?q=jalan%00")
    assert page.status_code == 400
    assert "400" in page.content.decode()
    client = Client()
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert client.get("/").status_code == 400
    assert Client().get("/tenders/?q=jalan").status_code == 200
