from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lpse.bids import serverkeys
from lpse.tenders.tests.conftest import clock  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _bid_keys(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets its own server signing and vault keys and spool directory."""
    settings.BIDS_SIGNING_KEY_FILE = tmp_path / "keys" / "signing.pem"
    settings.BIDS_VAULT_KEY_FILE = tmp_path / "keys" / "vault.key"
    settings.BIDS_SPOOL_DIR = tmp_path / "spool"
    serverkeys.reset_caches()
    yield tmp_path / "keys"
    serverkeys.reset_caches()
