"""Which archives to keep: the newest of each of the last N days, weeks and months
(grandfather-father-son). Days, weeks and months are counted in WIB."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lpse.core.calendar import WIB


@dataclass(frozen=True)
class RetentionPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def to_keep(archives: Mapping[str, datetime], policy: RetentionPolicy) -> set[str]:
    newest_first = sorted(archives, key=lambda n: archives[n], reverse=True)
    keep: set[str] = set()
    for count, period in ((policy.daily, "day"), (policy.weekly, "week"),
                          (policy.monthly, "month")):
        seen: list[tuple[int, ...]] = []
        for name in newest_first:
            local = archives[name].astimezone(WIB)
            if period == "day":
                key: tuple[int, ...] = (local.year, local.month, local.day)
            elif period == "week":
                iso = local.isocalendar()
                key = (iso.year, iso.week)
            else:
                key = (local.year, local.month)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(name)
    return keep


def to_remove(archives: Mapping[str, datetime], policy: RetentionPolicy, *,
              protect: str) -> list[str]:
    """Archives to delete. `protect` (the newest verified archive) is always kept, and
    nothing is removed when it is not among the archives listed."""
    if protect not in archives:
        return []
    keep = to_keep(archives, policy) | {protect}
    return sorted(n for n in archives if n not in keep)
