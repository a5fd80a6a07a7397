from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lpse.bids import serverkeys
from lpse.tenders.tests.conftest import clock  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _master_data(request: pytest.FixtureRequest) -> None:
    """The catalog's master data (seeded by its migration) is flushed by transactional tests
    that ran before; put it back when it is missing."""
    if not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("_django_db_helper")
    import importlib

    from django.apps import apps

    from lpse.catalog.models import ProcurementCategory

    if not ProcurementCategory.objects.exists():
        importlib.import_module("lpse.catalog.migrations.0002_seed_master_data").seed(apps, None)


@pytest.fixture(autouse=True)
def _bid_keys(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets its own server signing and vault keys and spool directory."""
    settings.BIDS_SIGNING_KEY_FILE = tmp_path / "keys" / "signing.pem"
    settings.BIDS_VAULT_KEY_FILE = tmp_path / "keys" / "vault.key"
    settings.BIDS_SPOOL_DIR = tmp_path / "spool"
    serverkeys.reset_caches()
    yield tmp_path / "keys"
    serverkeys.reset_caches()


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> Iterator[None]:
    """Service and view tests read messages in English; browser tests use the Indonesian
    interface (the live server's requests choose their own language)."""
    from django.utils import translation

    if request.node.get_closest_marker("browser"):
        yield
        return
    with translation.override("en"):
        yield


def _reseed_master_data() -> None:
    import importlib

    from django.apps import apps

    from lpse.catalog.models import ProcurementCategory

    if not ProcurementCategory.objects.exists():
        importlib.import_module("lpse.catalog.migrations.0002_seed_master_data").seed(apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test ends by emptying every table, the catalog's master data (seeded
    by its migration) included; put it back so the tests after it — other apps' too, on the
    same worker — find the database as migrated."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # The last test of a worker (no next item) is torn down with the test database itself.
    if marker is not None and marker.kwargs.get("transaction") and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reseed_master_data()
    return result
