"""The OCDS schema files vendored with the app (see schema/README.md)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
STANDARD = ROOT / "standard"
BID_EXTENSION = ROOT / "extensions" / "bid"


@cache
def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.4 release schema (the merge rules of compiled releases come from it)."""
    return json.loads((STANDARD / "release-schema.json").read_text(encoding="utf-8"))
