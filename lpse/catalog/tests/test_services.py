"""Services: validation, history of changes, audit events, permissions, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.catalog import selectors, services
from lpse.catalog.codes import CategoryCode, MethodCode
from lpse.catalog.models import (
    BusinessField,
    CatalogueItem,
    ChangeVersion,
    FundingSource,
    GoodsCategory,
    NewsArticle,
    PriceIndexEntry,
    ProcurementCategory,
    SelectionMethod,
)
from lpse.catalog.tests import factories
from lpse.catalog.versions import versions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def appadmin():
    return make_user(Role.APPADMIN)


@pytest.fixture
def sysadmin():
    return make_user(Role.SYSADMIN)


# --- Master data ---------------------------------------------------------------------------

def test_master_create_records_version_one_and_audit(appadmin) -> None:
    source = services.master_create(actor=appadmin, model=FundingSource, data={
        "code": "DID", "name": "DID", "name_en": "Regional incentive fund",
        "description": "Dana Insentif Daerah", "sort_order": 20,
    })
    [version] = versions_of(source)
    assert (version.version, version.action, version.actor) == (1, "created", appadmin)
    assert version.snapshot["description"] == "Dana Insentif Daerah"
    event = AuditEvent.objects.get(action="catalog.fundingsource.created")
    assert event.object_id == str(source.pk)


def test_master_update_records_old_and_new_values(appadmin) -> None:
    method = selectors.method_by_code(MethodCode.QUICK_TENDER)
    goods = selectors.category_by_code(CategoryCode.GOODS)
    services.master_update(actor=appadmin, obj=method, data={
        "code": method.code, "name": "Tender Cepat (SIKaP)", "name_en": method.name_en,
        "description": method.description, "sort_order": method.sort_order,
        "categories": [goods], "run_by": method.run_by,
        "is_open_competition": method.is_open_competition,
    })
    latest = versions_of(method).first()
    assert latest is not None
    assert latest.version == 2
    assert latest.actor == appadmin
    assert latest.changes == {
        "name": ["Tender Cepat", "Tender Cepat (SIKaP)"],
        "categories": [["barang", "jasa_lainnya", "konstruksi"], ["barang"]],
    }
    assert AuditEvent.objects.filter(action="catalog.selectionmethod.updated").count() == 1
    assert {m.code for m in selectors.active_methods_for(CategoryCode.CONSTRUCTION)} == {
        "tender", "pengadaan_langsung", "penunjukan_langsung",
    }


def test_update_without_change_writes_no_version(appadmin) -> None:
    category = selectors.category_by_code(CategoryCode.GOODS)
    data = {f: getattr(category, f) for f in
            ("code", "name", "name_en", "description", "sort_order")}
    services.master_update(actor=appadmin, obj=category, data=data)
    assert versions_of(category).count() == 1


def test_code_cannot_change(appadmin) -> None:
    category = selectors.category_by_code(CategoryCode.GOODS)
    with pytest.raises(ValidationError) as exc:
        services.master_update(actor=appadmin, obj=category, data={"code": "goods",
                                                                    "name": "Barang"})
    assert "code" in exc.value.message_dict
    category.refresh_from_db()
    assert (category.code, category.name) == ("barang", "Pengadaan Barang")


def test_invalid_code_is_refused_and_nothing_saved(appadmin) -> None:
    with pytest.raises(ValidationError) as exc:
        services.master_create(actor=appadmin, model=FundingSource,
                               data={"code": "bad code!", "name": "X"})
    assert "code" in exc.value.message_dict
    assert not FundingSource.objects.filter(name="X").exists()
    assert not ChangeVersion.objects.filter(object_repr="X").exists()


def test_duplicate_code_is_refused(appadmin) -> None:
    with pytest.raises(ValidationError):
        services.master_create(actor=appadmin, model=FundingSource,
                               data={"code": "APBD", "name": "APBD lagi"})


def test_deactivate_and_reactivate(appadmin) -> None:
    method = selectors.method_by_code(MethodCode.DIRECT_APPOINTMENT)
    services.master_set_active(actor=appadmin, obj=method, active=False)
    assert MethodCode.DIRECT_APPOINTMENT not in {
        m.code for m in selectors.active_methods_for(CategoryCode.GOODS)}
    services.master_set_active(actor=appadmin, obj=method, active=True)
    actions = [v.action for v in versions_of(method)]
    assert actions == ["activated", "deactivated", "created"]


def test_entry_in_use_cannot_be_deleted(appadmin) -> None:
    construction = selectors.category_by_code(CategoryCode.CONSTRUCTION)
    assert services.master_in_use(construction)
    with pytest.raises(ValidationError, match="nonaktifkan"):
        services.master_delete(actor=appadmin, obj=construction)
    assert ProcurementCategory.objects.filter(pk=construction.pk).exists()
    parent = selectors.business_field_by_code("41")
    with pytest.raises(ValidationError):
        services.master_delete(actor=appadmin, obj=parent)


def test_unused_entry_can_be_deleted_and_history_stays(appadmin) -> None:
    source = services.master_create(actor=appadmin, model=FundingSource,
                                    data={"code": "SALAH", "name": "Salah ketik"})
    pk = source.pk
    services.master_delete(actor=appadmin, obj=source)
    assert not FundingSource.objects.filter(pk=pk).exists()
    assert list(
        ChangeVersion.objects.filter(object_id=pk, object_repr="Salah ketik")
        .order_by("version").values_list("action", flat=True)
    ) == ["created", "deleted"]


def test_business_field_cannot_be_its_own_ancestor(appadmin) -> None:
    parent = selectors.business_field_by_code("41")
    child = selectors.business_field_by_code("41011")
    with pytest.raises(ValidationError) as exc:
        services.master_update(actor=appadmin, obj=parent, data={"parent": child})
    assert "parent" in exc.value.message_dict
    parent.refresh_from_db()
    assert parent.parent is None


def test_business_field_under_a_parent(appadmin) -> None:
    parent = selectors.business_field_by_code("41")
    field = services.master_create(actor=appadmin, model=BusinessField, data={
        "code": "41020", "name": "Pembongkaran Gedung", "parent": parent,
        "category": parent.category,
    })
    assert field.depth == 1
    assert field in selectors.active_business_fields(CategoryCode.CONSTRUCTION,
                                                     leaves_only=True)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.HEAD, Role.SYSADMIN, Role.PPK])
def test_only_appadmin_changes_procurement_master_data(role) -> None:
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        services.master_create(actor=user, model=FundingSource,
                               data={"code": "X1", "name": "X"})
    method = selectors.method_by_code(MethodCode.TENDER)
    with pytest.raises(PermissionDenied):
        services.master_set_active(actor=user, obj=method, active=False)
    assert SelectionMethod.objects.get(pk=method.pk).is_active


def test_goods_categories_are_content(sysadmin) -> None:
    category = services.master_create(actor=sysadmin, model=GoodsCategory, data={
        "code": "elektronik", "name": "Elektronik", "parent": None,
    })
    assert category.is_active


# --- News ----------------------------------------------------------------------------------

def test_news_lifecycle(appadmin) -> None:
    article = services.news_create(actor=appadmin, title="Pelatihan SPSE",
                                   body="Isi.", summary="Ringkas")
    assert article.slug == "pelatihan-spse"
    assert article.status == NewsArticle.Status.DRAFT
    assert article not in selectors.news_published()
    services.news_publish(actor=appadmin, article=article)
    assert article in selectors.news_published()
    services.news_update(actor=appadmin, article=article, title="Pelatihan SPSE 2026",
                         body="Isi baru.", summary="Ringkas", slug="pelatihan-spse")
    services.news_unpublish(actor=appadmin, article=article)
    assert article not in selectors.news_published()
    actions = [v.action for v in versions_of(article)]
    assert actions == ["unpublished", "updated", "published", "created"]
    updated = versions_of(article)[1]
    assert updated.changes == {"title": ["Pelatihan SPSE", "Pelatihan SPSE 2026"],
                               "body": ["Isi.", "Isi baru."]}
    assert AuditEvent.objects.filter(action__startswith="catalog.newsarticle.").count() == 4


def test_scheduled_news_appears_at_its_time(appadmin, time_machine) -> None:
    article = services.news_create(actor=appadmin, title="Libur", body="Isi.")
    at = timezone.now() + timedelta(days=2)
    services.news_publish(actor=appadmin, article=article, at=at)
    assert article not in selectors.news_published()
    time_machine.move_to(at + timedelta(minutes=1))
    assert article in selectors.news_published()


def test_slugs_are_unique_and_not_reserved(appadmin) -> None:
    first = services.news_create(actor=appadmin, title="Pengumuman", body="a")
    second = services.news_create(actor=appadmin, title="Pengumuman", body="b")
    assert (first.slug, second.slug) == ("pengumuman", "pengumuman-2")
    assert services.news_create(actor=appadmin, title="Feed", body="c").slug == "feed-berita"
    with pytest.raises(ValidationError) as exc:
        services.news_create(actor=appadmin, title="X", body="d", slug="feed")
    assert "slug" in exc.value.message_dict


def test_publish_twice_is_refused(appadmin) -> None:
    article = factories.news(appadmin)
    with pytest.raises(ValidationError):
        services.news_publish(actor=appadmin, article=article)


def test_news_requires_content_permission() -> None:
    for role in (Role.AUDITOR, Role.HEAD, Role.HELPDESK, Role.VENDOR):
        with pytest.raises(PermissionDenied):
            services.news_create(actor=make_user(role), title="X", body="Y")
    assert not NewsArticle.objects.exists()


# --- Price index and catalogue -------------------------------------------------------------

def test_price_index_duplicate_period_is_a_clear_error(appadmin) -> None:
    factories.price_entry(appadmin)
    with pytest.raises(ValidationError) as exc:
        factories.price_entry(appadmin, value=Decimal("130"))
    assert "sudah ada" in " ".join(exc.value.messages)
    factories.price_entry(appadmin, month=1)  # a monthly value of the same year is fine


def test_price_index_value_must_be_positive(appadmin) -> None:
    with pytest.raises(ValidationError):
        factories.price_entry(appadmin, value=Decimal("0"))
    assert not PriceIndexEntry.objects.exists()


def test_price_adjusted_value_for_basic_capability(appadmin) -> None:
    factories.price_entry(appadmin, year=2022, value=Decimal("114.80"))
    factories.price_entry(appadmin, year=2026, value=Decimal("125.30"))
    adjusted = selectors.price_adjusted_value(
        amount=Decimal("1000000000"), from_year=2022, to_year=2026,
        item_code="ihpb-konstruksi", region_code="3211",
    )
    assert adjusted == Decimal("1091463414.63")
    assert selectors.price_adjusted_value(
        amount=Decimal(1), from_year=2019, to_year=2026, item_code="ihpb-konstruksi",
        region_code="3211") is None


def test_price_index_update_and_deactivate(appadmin) -> None:
    entry = factories.price_entry(appadmin)
    data = {f: getattr(entry, f) for f in (
        "item_code", "item_name", "kind", "unit", "region_code", "region_name", "year",
        "month", "base_period", "source", "notes")}
    services.price_index_update(actor=appadmin, entry=entry,
                                data={**data, "value": Decimal("126.10")})
    services.price_index_set_active(actor=appadmin, entry=entry, active=False)
    assert entry not in selectors.price_index_public()
    versions = list(versions_of(entry))
    assert versions[1].changes == {"value": ["125.3", "126.1"]}


def test_catalogue_item_negative_price_refused(appadmin) -> None:
    with pytest.raises(ValidationError) as exc:
        factories.item(appadmin, reference_price=Decimal("-1"))
    assert "tidak boleh negatif" in " ".join(exc.value.messages)
    assert not CatalogueItem.objects.exists()


def test_catalogue_item_hidden_when_category_inactive(appadmin) -> None:
    laptop = factories.item(appadmin)
    assert laptop in selectors.catalogue_items_public()
    services.master_set_active(actor=appadmin, obj=laptop.category, active=False)
    assert laptop not in selectors.catalogue_items_public()


def test_catalogue_code_is_fixed(appadmin) -> None:
    laptop = factories.item(appadmin)
    with pytest.raises(ValidationError):
        services.catalogue_item_update(actor=appadmin, item=laptop,
                                       data={"code": "OTHER", "name": "Laptop"})


# --- Concurrency ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_get_consecutive_versions() -> None:
    """Two administrators save the same entry at once: the row lock serialises them."""
    admins = [make_user(Role.APPADMIN), make_user(Role.APPADMIN)]
    source = FundingSource.objects.get(code="DAK")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def edit(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.master_update(actor=admins[n], obj=source, data={
                "description": f"Dana Alokasi Khusus ({n})"})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    versions = list(versions_of(source))
    assert [v.version for v in versions] == [3, 2, 1]
    assert {v.actor_id for v in versions[:2]} == {a.pk for a in admins}
    # The second writer's "old" value is the first writer's "new" value: nothing lost.
    assert versions[0].changes["description"][0] == versions[1].changes["description"][1]


def test_content_last_changed_gives_checklist_evidence(appadmin, time_machine) -> None:
    time_machine.move_to("2026-03-02 10:00 +07:00", tick=False)
    factories.news(appadmin)
    evidence = selectors.content_last_changed()
    assert evidence["news"] == timezone.now()
    assert evidence["catalogue"] is None
    assert evidence["business_fields"] is not None  # the seed's first versions
