from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from lpse.tenders.tests.factories import START


@pytest.fixture
def clock() -> Iterator[Any]:
    """A frozen clock at Monday 2 March 2026 08:00 WIB; `clock.move_to(moment)` moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _interim_offers() -> Iterator[None]:
    """The tender procedures are tested with the interim, typed-in offers; the sealed bids
    (lpse.bids) and their integration with the tenders are tested in lpse/bids/tests."""
    from lpse.bids.testing import without_sealed_bids

    with without_sealed_bids():
        yield


@pytest.fixture(autouse=True)
def _catalog_master_data(request: pytest.FixtureRequest) -> None:
    """Make sure the catalog's seeded master data is there.

    Migrations seed it, but a transactional test that ran earlier in the same worker
    (any app's browser test) flushes every table at its end."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    from lpse.catalog.models import ProcurementCategory

    if ProcurementCategory.objects.exists():
        return
    import importlib

    from django.apps import apps

    seed = importlib.import_module("lpse.catalog.migrations.0002_seed_master_data").seed
    seed(apps, None)
