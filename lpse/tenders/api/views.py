"""Public API of tenders: list (filters, keyset pages), detail, schedule with its change
history, results. Read-only, anonymous, throttled like every anonymous API call."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.models import Agency
from lpse.catalog.models import ProcurementCategory
from lpse.tenders import selectors, services
from lpse.tenders.api.serializers import (
    ResultsSerializer,
    ScheduleStageHistorySerializer,
    TenderDetailSerializer,
    TenderRowSerializer,
)
from lpse.tenders.models import Objection
from lpse.tenders.stages import StageCode

LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Search terms (name, code, agency, location)."),
    OpenApiParameter("category", str, description="Procurement category code."),
    OpenApiParameter("agency", str, description="Agency code."),
    OpenApiParameter("stage", str, enum=StageCode.values, description="Stage running now."),
    OpenApiParameter("status", str, enum=["published", "completed", "failed", "cancelled"]),
    OpenApiParameter("year", int, description="Fiscal year."),
    OpenApiParameter("value_min", OpenApiTypes.DECIMAL, description="HPS at least (Rp)."),
    OpenApiParameter("value_max", OpenApiTypes.DECIMAL, description="HPS at most (Rp)."),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
    OpenApiParameter("after", str, description="Cursor of the next page."),
    OpenApiParameter("before", str, description="Cursor of the previous page."),
    OpenApiParameter("page_size", int, description="1–100, default 25."),
]


def _params(request: Request) -> dict[str, Any]:
    query = request.query_params
    params: dict[str, Any] = {key: query.get(key) for key in (
        "q", "stage", "status", "year", "value_min", "value_max") if query.get(key)}
    if query.get("category"):
        params["category"] = ProcurementCategory.objects.filter(
            code=query["category"]).values_list("pk", flat=True).first() or -1
    if query.get("agency"):
        params["agency"] = Agency.objects.filter(code=query["agency"]).values_list(
            "pk", flat=True).first() or -1
    for key in ("year",):
        if key in params and not str(params[key]).isdigit():
            raise serializers.ValidationError({key: "Must be a number."})
    for key in ("value_min", "value_max"):
        if key in params:
            try:
                float(params[key])
            except ValueError as exc:
                raise serializers.ValidationError({key: "Must be a number."}) from exc
    if params.get("stage") and params["stage"] not in StageCode.values:
        raise serializers.ValidationError({"stage": "Unknown stage."})
    return params


@extend_schema(parameters=LIST_PARAMETERS, summary="Public tender list",
               operation_id="tenders_list",
               responses=inline_serializer("TenderPage", {
                   "results": TenderRowSerializer(many=True),
                   "next": serializers.CharField(allow_null=True),
                   "previous": serializers.CharField(allow_null=True)}))
@api_view(["GET"])
@permission_classes([AllowAny])
def tender_list(request: Request) -> Response:
    try:
        size = max(1, min(100, int(request.query_params.get("page_size", 25))))
    except ValueError:
        size = 25
    page = selectors.public_tender_page_cached(
        _params(request), sort=request.query_params.get("sort", "newest"),
        after=request.query_params.get("after"), before=request.query_params.get("before"),
        size=size)

    def link(key: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        query = request.query_params.copy()
        query.pop("after", None)
        query.pop("before", None)
        query[key] = cursor
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    data = TenderRowSerializer(page.items, many=True, context={"request": request}).data
    return Response({"results": data, "next": link("after", page.next_cursor),
                     "previous": link("before", page.prev_cursor)})


@extend_schema(responses=TenderDetailSerializer, summary="Public tender detail",
               operation_id="tenders_detail")
@api_view(["GET"])
@permission_classes([AllowAny])
def tender_detail(request: Request, code: str) -> Response:
    tender = selectors.tender_public(code)
    return Response(TenderDetailSerializer(tender, context={"request": request}).data)


@extend_schema(responses=ScheduleStageHistorySerializer(many=True),
               summary="Schedule of a tender with the history of every change",
               operation_id="tenders_schedule")
@api_view(["GET"])
@permission_classes([AllowAny])
def tender_schedule(request: Request, code: str) -> Response:
    tender = selectors.tender_public(code)
    history = selectors.schedule_history(tender)
    return Response(ScheduleStageHistorySerializer(
        tender.stages.all(), many=True, context={"history": history}).data)


@extend_schema(responses=ResultsSerializer,
               summary="Prequalification result, evaluation results and objections",
               operation_id="tenders_results")
@api_view(["GET"])
@permission_classes([AllowAny])
def tender_results(request: Request, code: str) -> Response:
    """Each part appears when it is public: the prequalification result once the shortlist
    is decided; every bidder's corrected price and marks once the winner is announced."""
    tender = selectors.tender_public(code)
    announced = tender.winner_announced_at is not None
    result = services.result_of(tender) if tender.is_prequalification else None
    phases = ([Objection.Phase.QUALIFICATION] if result else []) + (
        [Objection.Phase.AWARD] if announced or tender.evaluation_round > 1 else [])
    return Response(ResultsSerializer({
        "code": tender.code,
        "prequalification": {
            "decided_at": result.decided_at, "document": result.document,
            "qualified_count": result.qualified_count,
            "vendors": list(selectors.qualification_submissions_of(tender)),
        } if result else None,
        "announced_at": tender.winner_announced_at,
        "evaluation_round": tender.evaluation_round,
        "evaluations": list(selectors.evaluations_of(tender)) if announced else [],
        "objections": list(selectors.objections_of(tender).filter(phase__in=phases)),
    }).data)
