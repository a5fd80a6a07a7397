"""Times in WIB and numbers in the language of the page, the same everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

import django_tables2 as tables
from django.utils import translation

from lpse.core.tables import WibColumn
from lpse.core.templatetags.lpse import filesize, number, wib

MOMENT = datetime(2026, 11, 26, 20, 27, 5, tzinfo=UTC)


def test_wib_formats_moments_dates_and_iso_text() -> None:
    assert wib(MOMENT) == "27-11-2026 03:27 WIB"
    assert wib(MOMENT, "%d-%m-%Y %H:%M:%S") == "27-11-2026 03:27:05 WIB"
    assert wib(MOMENT.isoformat()) == "27-11-2026 03:27 WIB"  # as kept in JSON data
    assert wib("2026-11-26T20:27:05Z") == "27-11-2026 03:27 WIB"
    assert wib(date(2026, 11, 27)) == "27-11-2026"
    assert wib(None) == "—"
    assert wib("not a time") == "not a time"
    assert wib("2026-11-26T20:27:05") == "2026-11-26T20:27:05"  # naive: left as it is


def test_numbers_and_sizes_follow_the_active_language() -> None:
    with translation.override("id"):
        assert number(23.7) == "23,7"
        assert number(1234567.25, 2) == "1.234.567,25"
        assert number(0.0) == "0,0"
        assert number(None) == "—"
        assert filesize(500 * 1024 * 1024) == "500,0 MB"
        assert filesize(77.4 * 1024 ** 3) == "77,4 GB"
        assert filesize(3 * 1024 ** 4) == "3,0 TB"
        assert filesize(900) == "900 B"
        assert filesize(None) == "—"
    with translation.override("en"):
        assert number(23.7) == "23.7"
        assert number(1234567.25, 2) == "1,234,567.25"
        assert filesize(500 * 1024 * 1024) == "500.0 MB"


class _Table(tables.Table):
    at = WibColumn(verbose_name="At")
    precise = WibColumn(accessor="at", verbose_name="Precise", fmt="%d-%m-%Y %H:%M:%S")


def test_wib_column_formats_like_the_filter() -> None:
    table = _Table([{"at": MOMENT}, {"at": None}])
    rows = list(table.rows)
    assert rows[0].get_cell("at") == "27-11-2026 03:27 WIB"
    assert rows[0].get_cell("precise") == "27-11-2026 03:27:05 WIB"
    assert rows[1].get_cell("at") == "—"
