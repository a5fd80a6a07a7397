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
