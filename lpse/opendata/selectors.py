"""Reads of the published OCDS data (public: nothing here depends on who asks)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404

from lpse.opendata import ocds
from lpse.opendata.models import ContractingProcess, Release
from lpse.opendata.schema import release_schema

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


@dataclass
class Page[T]:
    items: list[T]
    next_cursor: str | None


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    raw = json.dumps([moment.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        parsed = dt.datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            return None
        return parsed, int(pk)
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def _keyset(qs: QuerySet[Any], field: str, cursor: str | None, size: int) -> Page[Any]:
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, pk = position
        qs = qs.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    rows = list(qs.order_by(field, "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more else None
    return Page(items=rows, next_cursor=next_cursor)


def releases_filtered(*, since: dt.datetime | None = None, until: dt.datetime | None = None,
                      ocid: str | None = None) -> QuerySet[Release]:
    """Releases dated in [since, until), optionally of one process."""
    qs = Release.objects.all()
    if since is not None:
        qs = qs.filter(date__gte=since)
    if until is not None:
        qs = qs.filter(date__lt=until)
    if ocid:
        qs = qs.filter(ocid=ocid)
    return qs


def releases_page(*, since: dt.datetime | None = None, until: dt.datetime | None = None,
                  ocid: str | None = None, after: str | None = None,
                  size: int = DEFAULT_PAGE_SIZE) -> Page[Release]:
    """Keyset pages in release date order (no OFFSET, no COUNT)."""
    return _keyset(releases_filtered(since=since, until=until, ocid=ocid), "date", after, size)


def processes_page(*, since: dt.datetime | None = None, until: dt.datetime | None = None,
                   after: str | None = None, size: int = DEFAULT_PAGE_SIZE
                   ) -> Page[ContractingProcess]:
    """Processes whose latest release is dated in [since, until), oldest change first."""
    qs = ContractingProcess.objects.all()
    if since is not None:
        qs = qs.filter(last_release_at__gte=since)
    if until is not None:
        qs = qs.filter(last_release_at__lt=until)
    return _keyset(qs, "last_release_at", after, size)


def process_by_ocid(ocid: str) -> ContractingProcess:
    process = ContractingProcess.objects.filter(ocid=ocid).first()
    if process is None:
        raise Http404
    return process


def releases_of(processes: list[ContractingProcess]) -> dict[int, list[dict[str, Any]]]:
    """The releases of some processes, oldest first, as stored."""
    grouped: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in processes}
    for process_id, data in Release.objects.filter(process__in=processes).order_by(
            "date", "pk").values_list("process_id", "data"):
        grouped[process_id].append(data)
    return grouped


def compiled_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release by the OCDS reference merge routine (ocdsmerge)."""
    return _merger().create_compiled_release(releases)


def _merger() -> Any:
    global _MERGER
    if _MERGER is None:
        import ocdsmerge

        _MERGER = ocdsmerge.Merger(schema=release_schema())
    return _MERGER


_MERGER: Any = None


def record(process: ContractingProcess, releases: list[dict[str, Any]], *,
           embed: bool) -> dict[str, Any]:
    """An OCDS record: the releases (embedded, or linked by URL) and the compiled release."""
    if embed:
        listed: list[dict[str, Any]] = releases
    else:
        base = ocds.absolute("api-ocds-releases")
        listed = [{"url": f"{base}?ocid={process.ocid}#{r['id']}", "date": r["date"],
                   "tag": r["tag"]} for r in releases]
    return {"ocid": process.ocid, "releases": listed,
            "compiledRelease": compiled_release(releases)}


def latest_change() -> tuple[int, dt.datetime | None]:
    """The newest release (id, publication time): the validator of every cached answer."""
    row = Release.objects.aggregate(pk=Max("pk"), at=Max("published_at"))
    return int(row["pk"] or 0), row["at"]


def iter_releases(chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every release, oldest first, in constant memory (the bulk export)."""
    last: tuple[dt.datetime, int] | None = None
    while True:
        qs = Release.objects.order_by("date", "pk")
        if last is not None:
            qs = qs.filter(Q(date__gt=last[0]) | Q(date=last[0], pk__gt=last[1]))
        rows = list(qs.values_list("date", "pk", "data")[:chunk])
        if not rows:
            return
        for _date, _pk, data in rows:
            yield data
        last = (rows[-1][0], rows[-1][1])


def iter_records(chunk: int = 200) -> Iterator[dict[str, Any]]:
    """Every record (embedded releases and compiled release), in constant memory."""
    last_pk = 0
    while True:
        processes = list(ContractingProcess.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not processes:
            return
        grouped = releases_of(processes)
        for process in processes:
            yield record(process, grouped[process.pk], embed=True)
        last_pk = processes[-1].pk
