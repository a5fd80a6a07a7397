"""Role × page matrix of the catalog: public content, read-only records, writes."""

from __future__ import annotations

from typing import Any

import pytest

from lpse.accounts.roles import Perm, Role
from lpse.catalog import selectors
from lpse.catalog.codes import CategoryCode
from lpse.catalog.kinds import MASTER_KINDS
from lpse.catalog.tests import factories
from lpse.core.testing.access import Access, check_matrix

pytestmark = pytest.mark.django_db

EVERYONE = set(Role)
READERS = set(Perm.VIEW_CATALOG_RECORDS.roles)
CONTENT = set(Perm.MANAGE_CONTENT.roles)
MASTER = set(Perm.MANAGE_MASTER_DATA.roles)


def test_read_permission_is_read_only_and_auditor_writes_nothing() -> None:
    assert not Perm.VIEW_CATALOG_RECORDS.writes
    assert Role.AUDITOR in READERS
    assert Role.AUDITOR not in CONTENT | MASTER


def _objects(users_by_role: dict[Role, Any]) -> dict[str, Any]:
    admin = users_by_role[Role.APPADMIN]
    objects: dict[str, Any] = {
        "news": factories.news(admin, title="Berita matriks"),
        "draft": factories.news(admin, title="Draf matriks", published=False),
        "entry": factories.price_entry(admin),
        "item": factories.item(admin),
    }
    for slug, kind in MASTER_KINDS.items():
        objects[slug] = kind.model.objects.order_by("pk").first()
    objects["categories"] = selectors.category_by_code(CategoryCode.GOODS)  # in use
    return objects


def _matrix() -> list[Access]:
    public = [
        "/catalog/", "/catalog/news/", "/catalog/news/feed/", "/catalog/price-index/",
        "/catalog/items/", "/catalog/goods-categories/", "/catalog/business-fields/",
    ]
    matrix = [Access(url, allowed=EVERYONE, public=True) for url in public]
    matrix += [
        Access(lambda o: f"/catalog/news/{o['news'].slug}/", allowed=EVERYONE, public=True),
        Access(lambda o: f"/catalog/items/{o['item'].pk}/", allowed=EVERYONE, public=True),
        # A draft is not public, even for administrators (they use the manage page).
        Access(lambda o: f"/catalog/news/{o['draft'].slug}/", allowed=set(), denied=404),
    ]
    readers = ["/catalog/manage/", "/catalog/manage/news/", "/catalog/manage/price-index/",
               "/catalog/manage/items/"]
    matrix += [Access(url, allowed=READERS, denied=403) for url in readers]
    matrix += [
        Access(lambda o: f"/catalog/manage/news/{o['draft'].pk}/", allowed=READERS),
        Access(lambda o: f"/catalog/manage/price-index/{o['entry'].pk}/", allowed=READERS),
        Access(lambda o: f"/catalog/manage/items/{o['item'].pk}/", allowed=READERS),
    ]
    content_forms = [
        "/catalog/manage/news/new/", "/catalog/manage/price-index/new/",
        "/catalog/manage/items/new/",
    ]
    matrix += [Access(url, allowed=CONTENT, denied=403) for url in content_forms]
    matrix += [
        Access(lambda o: f"/catalog/manage/news/{o['draft'].pk}/edit/", allowed=CONTENT),
        Access(lambda o: f"/catalog/manage/price-index/{o['entry'].pk}/edit/",
               allowed=CONTENT),
        Access(lambda o: f"/catalog/manage/items/{o['item'].pk}/edit/", allowed=CONTENT),
        Access(lambda o: f"/catalog/manage/news/{o['news'].pk}/unpublish/",
               allowed=CONTENT, method="post"),
        Access(lambda o: f"/catalog/manage/news/{o['draft'].pk}/publish/",
               allowed=CONTENT, method="post", data={"at": ""}),
        Access(lambda o: f"/catalog/manage/price-index/{o['entry'].pk}/active/",
               allowed=CONTENT, method="post", data={"active": "1"}),
        Access(lambda o: f"/catalog/manage/items/{o['item'].pk}/active/",
               allowed=CONTENT, method="post", data={"active": "1"}),
    ]
    for slug, kind in MASTER_KINDS.items():
        writers = CONTENT if kind.perm is Perm.MANAGE_CONTENT else MASTER

        def url(suffix: str, slug: str = slug) -> Any:
            return lambda o: f"/catalog/manage/master/{slug}/{o[slug].pk}/{suffix}"

        matrix += [
            Access(f"/catalog/manage/master/{slug}/", allowed=READERS, denied=403),
            Access(url(""), allowed=READERS),
            Access(f"/catalog/manage/master/{slug}/new/", allowed=writers, denied=403),
            Access(url("edit/"), allowed=writers),
            Access(url("active/"), allowed=writers, method="post", data={"active": "1"}),
        ]
    # Deleting an entry in use is refused with a message (the page is reachable for writers).
    matrix.append(Access(lambda o: f"/catalog/manage/master/categories/"
                                   f"{o['categories'].pk}/delete/",
                         allowed=MASTER, method="post"))
    return matrix


def test_access_matrix(users_by_role, client_for) -> None:
    objects = _objects(users_by_role)
    check_matrix(_matrix(), users_by_role, client_for, objects)
    # Every refused write left the records as they were (the allowed ones changed nothing
    # either: activation of active records, deletion of an entry in use).
    assert selectors.category_by_code(CategoryCode.GOODS).is_active
    for slug in MASTER_KINDS:
        obj = objects[slug]
        obj.refresh_from_db()
        assert obj.is_active
