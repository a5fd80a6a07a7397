"""OCDS release and record packages: built in memory for an API page, or written as a
stream (the bulk export) one release or record at a time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from lpse.opendata import ocds


def release_package(releases: list[dict[str, Any]], *, uri: str,
                    published: dt.datetime | None) -> dict[str, Any]:
    return {**ocds.package_meta(uri, published), "releases": releases}


def record_package(records: list[dict[str, Any]], *, uri: str,
                   published: dt.datetime | None) -> dict[str, Any]:
    return {**ocds.package_meta(uri, published), "records": records}


def write_package(out: IO[str], items: Iterable[dict[str, Any]], *, key: str, uri: str,
                  published: dt.datetime | None,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write a package whose `key` array ("releases" or "records") streams from `items`;
    memory stays constant whatever the number of items. Returns how many were written."""
    head = json.dumps(ocds.package_meta(uri, published), ensure_ascii=False)
    out.write(head[:-1] + f', "{key}": [')
    count = 0
    for item in items:
        out.write(("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False))
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    out.write("\n]}\n")
    return count
