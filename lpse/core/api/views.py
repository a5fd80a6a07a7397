from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.core import calendar
from lpse.core.models import Holiday

HolidaySerializer = inline_serializer(
    "Holiday",
    {"date": serializers.DateField(), "name": serializers.CharField(),
     "source": serializers.CharField()},
    many=True,
)


@extend_schema(
    summary="Non-working days of a year",
    description="National holidays (from the `holidays` package) plus local holidays and "
                "collective leave maintained by the unit. Days an administrator marked as "
                "working days are left out.",
    parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=False)],
    responses=HolidaySerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def holidays(request: Request) -> Response:
    try:
        year = int(request.query_params.get("year") or calendar.localdate_wib().year)
    except ValueError:
        return Response({"year": ["Must be a year, e.g. 2026."]}, status=400)
    if not 1990 <= year <= 2100:
        return Response({"year": ["Must be between 1990 and 2100."]}, status=400)
    days: dict[date, dict[str, str]] = {
        day: {"date": day.isoformat(), "name": name, "source": "national"}
        for day, name in calendar.national_holidays(year).items()
    }
    for holiday in Holiday.objects.filter(date__year=year):
        if holiday.kind == Holiday.Kind.WORKING_DAY:
            days.pop(holiday.date, None)
        else:
            days[holiday.date] = {"date": holiday.date.isoformat(), "name": holiday.name,
                                  "source": holiday.kind}
    return Response([days[d] for d in sorted(days)])
