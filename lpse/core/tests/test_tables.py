from __future__ import annotations

import re

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_list_pages_boost_only_sorting_and_paging(client_for) -> None:
    admin = make_user(Role.SYSADMIN)
    for _ in range(30):
        make_user(Role.HELPDESK)
    html = client_for(admin).get("/accounts/users/?sort=-username").content.decode()
    container = re.search(r'<div id="table-container"[^>]*>', html)
    assert container is not None
    assert "hx-boost" not in container.group(0)
    assert re.search(r'<thead[^>]*hx-boost="true"', html)
    assert re.search(r'<nav aria-label="Halaman" hx-boost="true"', html)
    assert 'aria-sort="descending"' in html
    tbody = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "hx-boost" not in tbody
    assert "/accounts/users/" in tbody  # rows link to their detail pages


def test_htmx_request_gets_only_the_table(client_for) -> None:
    admin = make_user(Role.SYSADMIN)
    response = client_for(admin).get("/accounts/users/?q=user", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="table-container"')
    assert "<html" not in html
