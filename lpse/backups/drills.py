"""Checks other apps add to the restore drill.

A drill restores an archive into a scratch database and directory. Apps whose data needs
more than equal rows and bytes to be usable register a check that runs against the
scratch copy; the sealed-bids app registers one that opens a sealed bid with its shares:

    # lpse/bids/drill.py (imported from the app's ready())
    from lpse.backups.drills import DrillCheckResult, DrillContext, register_drill_check

    def sealed_bid_opens(context: DrillContext) -> DrillCheckResult:
        bid = SealedBid.objects.using(context.alias).order_by("?").first()
        ...  # read the ciphertext from context.storage, combine the test shares, decrypt
        return DrillCheckResult(ok=True, detail="bid #12 opened with 3 of 5 shares")

    register_drill_check("bids.sealed_bid_opens", sealed_bid_opens)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage


@dataclass(frozen=True)
class DrillContext:
    """The scratch copy a drill check works on."""

    alias: str  # Django database alias of the scratch database (use .using(alias))
    storage: Storage  # the scratch file storage (same storage names as production)
    files_root: Path  # its directory
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DrillCheckResult:
    ok: bool
    detail: str = ""


DrillCheck = Callable[[DrillContext], DrillCheckResult]
_checks: dict[str, DrillCheck] = {}

#: What the drill report says when no app has registered a sealed-bid check.
NO_SEALED_BIDS = "no sealed bids app installed"


def register_drill_check(name: str, check: DrillCheck) -> DrillCheck:
    """Run `check` in every restore drill, reported under `name`."""
    _checks[name] = check
    return check


def unregister_drill_check(name: str) -> None:
    _checks.pop(name, None)


def drill_checks() -> dict[str, DrillCheck]:
    return dict(sorted(_checks.items()))


def run_checks(context: DrillContext) -> list[dict[str, Any]]:
    results = []
    for name, check in drill_checks().items():
        try:
            result = check(context)
        except Exception as exc:  # noqa: BLE001 - a broken check fails the drill, it does not crash it
            result = DrillCheckResult(False, f"{type(exc).__name__}: {exc}")
        results.append({"name": name, "ok": result.ok, "detail": result.detail})
    return results
