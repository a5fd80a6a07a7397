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
