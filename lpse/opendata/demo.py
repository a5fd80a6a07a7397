"""Demo data: the OCDS releases of the demo tenders (after every other app's demo)."""

from __future__ import annotations

from typing import Any

ORDER = 95


def seed(context: Any) -> None:
    from lpse.opendata.services import releases_backfill

    releases_backfill()
