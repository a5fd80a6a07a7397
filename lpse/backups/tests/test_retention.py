from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lpse.backups.destinations import archive_name, archive_time
from lpse.backups.retention import RetentionPolicy, to_keep, to_remove


def _daily(days: int, *, start: datetime) -> dict[str, datetime]:
    return {archive_name(start - timedelta(days=d), f"{d:06x}"): start - timedelta(days=d)
            for d in range(days)}


def test_names_carry_their_time() -> None:
    when = datetime(2026, 3, 1, 18, 30, 5, tzinfo=UTC)
    assert archive_time(archive_name(when, "abcdef")) == when
    assert archive_time("something-else.tar.age") is None


def test_grandfather_father_son() -> None:
    start = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)  # 01:30 WIB on the 26th
    archives = _daily(400, start=start)
    keep = to_keep(archives, RetentionPolicy(daily=7, weekly=4, monthly=12))
    kept_times = sorted(archives[n] for n in keep)
    # the newest seven days are all kept
    assert all(start - timedelta(days=d) in kept_times for d in range(7))
    # one per month for twelve months, so nothing older than ~a year
    assert min(kept_times) > start - timedelta(days=370)
    assert 7 <= len(keep) <= 7 + 4 + 12


def test_nothing_removed_unless_the_new_archive_is_listed() -> None:
    start = datetime(2026, 11, 25, tzinfo=UTC)
    archives = _daily(30, start=start)
    policy = RetentionPolicy(daily=2, weekly=0, monthly=0)
    assert to_remove(archives, policy, protect="not-there.tar.age") == []
    newest = max(archives, key=archives.get)
    removed = to_remove(archives, policy, protect=newest)
    assert newest not in removed
    assert len(removed) == 28


def test_protected_archive_is_kept_even_if_policy_would_drop_it() -> None:
    start = datetime(2026, 11, 25, tzinfo=UTC)
    archives = _daily(10, start=start)
    oldest = min(archives, key=archives.get)
    assert oldest not in to_remove(archives, RetentionPolicy(1, 0, 0), protect=oldest)
