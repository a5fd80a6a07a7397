"""The seeded master data and the model constraints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lpse.catalog import selectors
from lpse.catalog.codes import (
    CategoryCode,
    EvaluationCode,
    FileMethodCode,
    FundingCode,
    MethodCode,
    QualificationCode,
)
from lpse.catalog.models import (
    ChangeVersion,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    PriceIndexEntry,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)

pytestmark = pytest.mark.django_db


def test_every_code_constant_is_seeded() -> None:
    for model, codes in [
        (ProcurementCategory, CategoryCode),
        (SelectionMethod, MethodCode),
        (QualificationType, QualificationCode),
        (FileMethod, FileMethodCode),
        (EvaluationMethod, EvaluationCode),
        (FundingSource, FundingCode),
    ]:
        assert set(model.objects.values_list("code", flat=True)) == {c.value for c in codes}


def test_seeded_names_are_the_official_indonesian_terms() -> None:
    assert selectors.category_by_code(CategoryCode.CONSTRUCTION).name == "Pekerjaan Konstruksi"
    assert selectors.method_by_code(MethodCode.QUICK_TENDER).name == "Tender Cepat"
    assert (
        selectors.evaluation_method_by_code(EvaluationCode.LOWEST_PRICE).name
        == "Harga Terendah Sistem Gugur"
    )
    assert selectors.file_method_by_code(FileMethodCode.TWO_STAGES).two_stage is True


def test_methods_apply_to_the_right_categories() -> None:
    consulting = {m.code for m in selectors.active_methods_for(CategoryCode.CONSULTING_FIRM)}
    assert consulting == {"seleksi", "pengadaan_langsung", "penunjukan_langsung"}
    goods = selectors.category_by_code(CategoryCode.GOODS)
    assert {m.code for m in selectors.active_methods_for(goods)} == {
        "tender", "tender_cepat", "pengadaan_langsung", "penunjukan_langsung",
    }
    assert {m.code for m in selectors.active_evaluation_methods_for(goods)} == {"harga_terendah"}


def test_inactive_method_is_not_offered() -> None:
    SelectionMethod.objects.filter(code=MethodCode.QUICK_TENDER).update(is_active=False)
    codes = {m.code for m in selectors.active_methods_for(CategoryCode.GOODS)}
    assert "tender_cepat" not in codes


def test_business_fields_are_hierarchical() -> None:
    field = selectors.business_field_by_code("41016")
    assert field.parent is not None
    assert field.parent.code == "41"
    assert field.depth == 1
    assert field.category is not None
    assert field.category.code == CategoryCode.CONSTRUCTION
    tree = selectors.business_field_tree()
    codes = [f.code for f in tree]
    assert codes.index("41") < codes.index("41011") < codes.index("42")
    leaves = selectors.active_business_fields(CategoryCode.CONSTRUCTION, leaves_only=True)
    assert "41" not in {f.code for f in leaves}


def test_seed_records_a_first_version() -> None:
    assert ChangeVersion.objects.filter(version=1, action="created").count() >= 70


def test_unknown_code_raises() -> None:
    with pytest.raises(ProcurementCategory.DoesNotExist):
        selectors.category_by_code("nope")


def test_price_index_unique_per_period() -> None:
    base = {"item_code": "ihpb-konstruksi", "item_name": "IHPB", "region_code": "3211",
            "region_name": "Kabupaten Sumedang", "year": 2025, "value": Decimal("110.5")}
    PriceIndexEntry.objects.create(**base)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceIndexEntry.objects.create(**base)
    PriceIndexEntry.objects.create(**base, month=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceIndexEntry.objects.create(**base, month=3)
    found = selectors.price_index_value(item_code="ihpb-konstruksi", region_code="3211",
                                        year=2025)
    assert found is not None
    assert found.month is None


@pytest.mark.django_db(transaction=True)
def test_master_data_is_restored_after_flush() -> None:
    """Transactional tests (and `manage.py flush`) empty the tables; the seed comes back."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert selectors.category_by_code(CategoryCode.GOODS).name == "Pengadaan Barang"
    assert selectors.method_by_code(MethodCode.SELECTION).categories.count() == 2


@pytest.mark.django_db(transaction=True)
def test_existing_master_data_is_not_overwritten_by_migrate() -> None:
    from django.core.management import call_command

    ProcurementCategory.objects.filter(code=CategoryCode.GOODS).update(name="Barang (ubah)")
    call_command("migrate", verbosity=0)
    assert selectors.category_by_code(CategoryCode.GOODS).name == "Barang (ubah)"
