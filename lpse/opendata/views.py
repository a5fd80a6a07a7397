"""Public pages of the open data: what is published and how to get it, and the exports of
the public tender list (same filters as /tenders/)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lpse.opendata import exports, ocds, selectors
from lpse.opendata.models import ContractingProcess, Release
from lpse.tenders.views.public import PublicFilterForm


def _filters(request: HttpRequest) -> tuple[dict[str, Any], str]:
    form = PublicFilterForm(request.GET or None)
    params = form.params() if request.GET else {}
    sort = params.pop("sort", None) or "newest"
    return params, sort


def _filename(extension: str) -> str:
    return f"tender-{timezone.localdate():%Y%m%d}.{extension}"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _latest, published = selectors.latest_change()
    form = PublicFilterForm(request.GET or None)
    return render(request, "opendata/index.html", {
        "form": form,
        "query": request.GET.urlencode(),
        "releases": Release.objects.count(),
        "processes": ContractingProcess.objects.count(),
        "published": published,
        "prefix": ocds.ocid_prefix(),
        "extension": ocds.BID_EXTENSION_URL,
        "license": settings.OCDS_LICENSE,
        "site": settings.SITE_URL,
    })


@require_GET
def tenders_csv(request: HttpRequest) -> StreamingHttpResponse:
    params, sort = _filters(request)
    response = StreamingHttpResponse(exports.csv_stream(params, sort),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def tenders_xlsx(request: HttpRequest) -> HttpResponse:
    params, sort = _filters(request)
    response = HttpResponse(
        exports.xlsx_bytes(params, sort),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
