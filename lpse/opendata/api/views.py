"""Public OCDS API: release packages, record packages, one record by ocid.

Read-only and anonymous. Pages are keyset pages in date order (`after` cursor, next page in
the `Link` header: rel="next"), filtered by release date (`since` inclusive, `until`
exclusive). Answers carry an ETag and `Cache-Control: public`; the server keeps each answer
until a new release is published (the newest release is part of the cache key), so caching
never serves stale data beyond OPENDATA_CACHE_SECONDS in shared HTTP caches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from lpse.core.calendar import WIB
from lpse.opendata import ocds, packages, selectors
from lpse.opendata.api.serializers import RecordPackageSerializer, ReleasePackageSerializer

TAG = "open data (OCDS)"

DATE_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATETIME, description=(
        "Only releases dated at or after this moment (RFC 3339, or a date: midnight WIB). "
        "For records: processes whose latest release is this recent.")),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description=(
        "Only releases dated before this moment (RFC 3339, or a date: midnight WIB).")),
    OpenApiParameter("after", str, description="Cursor of the next page (from the Link "
                                               "header)."),
    OpenApiParameter("page_size", int, description=(
        f"1–{selectors.MAX_PAGE_SIZE}, default {selectors.DEFAULT_PAGE_SIZE}.")),
]
# 400, 404 and 429 are added to every operation by lpse.opendata.openapi.
NOT_MODIFIED = OpenApiResponse(description="Not modified (If-None-Match matched the ETag).")
HEADERS = [
    OpenApiParameter("ETag", str, location=OpenApiParameter.HEADER, response=True,
                     description="Changes whenever a new release is published."),
    OpenApiParameter("Link", str, location=OpenApiParameter.HEADER, response=True,
                     description='`<next page URL>; rel="next"` when there are more.'),
]

_EXAMPLE_META = {
    "uri": "https://lpse.example.go.id/api/v1/ocds/releases/",
    "version": "1.1",
    "extensions": [ocds.BID_EXTENSION_URL],
    "publisher": {"name": "UPTD LPSE Kabupaten Sumedang", "uri": "https://lpse.example.go.id/"},
    "license": "https://creativecommons.org/licenses/by/4.0/",
    "publishedDate": "2025-03-04T03:00:00Z",
}
_EXAMPLE_RELEASE = {
    "ocid": "ocds-xxxxxx-sumedang-2025000001",
    "id": "ocds-xxxxxx-sumedang-2025000001-tender",
    "date": "2025-03-03T02:00:00Z",
    "tag": ["tender"],
    "initiationType": "tender",
    "language": "id",
    "parties": [
        {"id": "agency-DPUTR", "name": "Dinas Pekerjaan Umum dan Tata Ruang",
         "roles": ["buyer"]},
        {"id": "committee-1", "name": "Pokja Pemilihan I", "roles": ["procuringEntity"]},
    ],
    "buyer": {"id": "agency-DPUTR", "name": "Dinas Pekerjaan Umum dan Tata Ruang"},
    "tender": {
        "id": "2025000001", "title": "Rehabilitasi Jalan Desa Cimalaka",
        "status": "active", "value": {"amount": 1500000000, "currency": "IDR"},
        "procurementMethod": "open",
        "procurementMethodDetails": "Tender, Pascakualifikasi, Satu File",
        "mainProcurementCategory": "works",
        "tenderPeriod": {"startDate": "2025-03-10T02:00:00Z",
                         "endDate": "2025-03-14T08:00:00Z"},
    },
}


def _moment(request: Request, name: str) -> dt.datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    moment = parse_datetime(raw) if "T" in raw or " " in raw else None
    if moment is None:
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise serializers.ValidationError({name: ["Give a date-time (RFC 3339) or a date."]})
        moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=WIB)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=WIB)
    try:
        # UTC: the database accepts any instant, not any UTC offset (e.g. -19:58).
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise serializers.ValidationError({name: ["Out of range."]}) from exc


def _size(request: Request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return selectors.DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError as exc:
        raise serializers.ValidationError({"page_size": ["Must be a number."]}) from exc
    return max(1, min(selectors.MAX_PAGE_SIZE, size))


def _uri(request: Request) -> str:
    return f"{settings.SITE_URL}{request.get_full_path()}"


def _next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.query_params.copy()
    query["after"] = cursor
    return f'<{settings.SITE_URL}{request.path}?{query.urlencode()}>; rel="next"'


def cached_answer(request: Request, compute: Callable[[], tuple[dict[str, Any], str | None]]
                  ) -> Response:
    """Serve `compute()` (data, Link header) through the cache and HTTP validators. The key
    holds the newest release's id: publishing a release invalidates every cached answer."""
    latest, published = selectors.latest_change()
    digest = hashlib.sha256(f"{latest}:{request.get_full_path()}".encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    ttl = int(settings.OPENDATA_CACHE_SECONDS)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={ttl}"}
    if published is not None:
        headers["Last-Modified"] = http_date(published.timestamp())
    if request.headers.get("If-None-Match") == etag:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    key = f"opendata:api:{digest}"
    answer: tuple[dict[str, Any], str | None] | None = cache.get(key) if ttl > 0 else None
    if answer is None:
        answer = compute()
        if ttl > 0:
            cache.set(key, answer, ttl)
    data, link = answer
    if link:
        headers["Link"] = link
    return Response(data, headers=headers)


class _Public(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "opendata"


class ReleasePackageView(_Public):
    @extend_schema(
        operation_id="ocds_releases", tags=[TAG],
        summary="OCDS release packages (every change of every tender)",
        description=(
            "Each published tender is an OCDS contracting process (`ocid` = prefix + tender "
            "code). Every change (announcement, addendum, schedule change, bid opening, "
            "award, letter of award, contract, failure, cancellation) is an immutable release "
            "with its tags, oldest first. Filter by date and by `ocid`; page with the "
            "`after` cursor from the `Link` header."),
        parameters=[*DATE_PARAMETERS, OpenApiParameter("ocid", str, description=(
            "Only the releases of this contracting process.")), *HEADERS],
        responses={200: ReleasePackageSerializer, 304: NOT_MODIFIED},
        examples=[OpenApiExample("Release package", response_only=True, status_codes=["200"],
                                 value={**_EXAMPLE_META, "releases": [_EXAMPLE_RELEASE]})],
    )
    def get(self, request: Request) -> Response:
        since, until, size = _moment(request, "since"), _moment(request, "until"), _size(request)
        ocid, after = request.query_params.get("ocid"), request.query_params.get("after")

        def compute() -> tuple[dict[str, Any], str | None]:
            page = selectors.releases_page(since=since, until=until, ocid=ocid, after=after,
                                           size=size)
            published = max((r.published_at for r in page.items), default=None)
            package = packages.release_package([r.data for r in page.items], uri=_uri(request),
                                               published=published)
            return package, _next_link(request, page.next_cursor)

        return cached_answer(request, compute)


class RecordPackageView(_Public):
    @extend_schema(
        operation_id="ocds_records", tags=[TAG],
        summary="OCDS record packages (one record per tender, with its compiled release)",
        description=(
            "One record per contracting process, in the order of its latest change: the "
            "releases (linked: url, date, tag) and the compiled release, merged with the OCDS "
            "reference routine. `since`/`until` select processes by the date of their latest "
            "release."),
        parameters=[*DATE_PARAMETERS, *HEADERS],
        responses={200: RecordPackageSerializer, 304: NOT_MODIFIED},
        examples=[OpenApiExample("Record package", response_only=True, status_codes=["200"],
                                 value={**_EXAMPLE_META, "records": [{
                                     "ocid": _EXAMPLE_RELEASE["ocid"],
                                     "releases": [{
                                         "url": "https://lpse.example.go.id/api/v1/ocds/"
                                                "releases/?ocid=ocds-xxxxxx-sumedang-"
                                                "2025000001#ocds-xxxxxx-sumedang-2025000001-"
                                                "tender",
                                         "date": "2025-03-03T02:00:00Z", "tag": ["tender"]}],
                                     "compiledRelease": {
                                         **_EXAMPLE_RELEASE, "tag": ["compiled"],
                                         "id": "ocds-xxxxxx-sumedang-2025000001-"
                                               "2025-03-03T02:00:00Z"}}]})],
    )
    def get(self, request: Request) -> Response:
        since, until, size = _moment(request, "since"), _moment(request, "until"), _size(request)
        after = request.query_params.get("after")

        def compute() -> tuple[dict[str, Any], str | None]:
            page = selectors.processes_page(since=since, until=until, after=after, size=size)
            grouped = selectors.releases_of(page.items)
            records = [selectors.record(p, grouped[p.pk], embed=False) for p in page.items]
            published = max((p.updated_at for p in page.items), default=None)
            package = packages.record_package(records, uri=_uri(request), published=published)
            return package, _next_link(request, page.next_cursor)

        return cached_answer(request, compute)


class RecordView(_Public):
    @extend_schema(
        operation_id="ocds_record", tags=[TAG],
        summary="One OCDS record by ocid (every release embedded, and the compiled release)",
        parameters=[OpenApiParameter("ocid", str, location=OpenApiParameter.PATH,
                                     description="The ocid: OCDS prefix + tender code."),
                    *HEADERS[:1]],
        responses={200: RecordPackageSerializer, 304: NOT_MODIFIED},
    )
    def get(self, request: Request, ocid: str) -> Response:
        process = selectors.process_by_ocid(ocid)

        def compute() -> tuple[dict[str, Any], str | None]:
            releases = selectors.releases_of([process])[process.pk]
            package = packages.record_package(
                [selectors.record(process, releases, embed=True)], uri=_uri(request),
                published=process.updated_at)
            return package, None

        return cached_answer(request, compute)
