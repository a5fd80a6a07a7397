from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse

from lpse.bids.services.upload import UploadRefused
from lpse.core.request_context import client_ip

STATUS_BY_STAGE = {"access": 403, "deadline": 409, "limits": 413, "type": 415,
                   "transfer": 400, "integrity": 422, "storage": 503, "database": 503,
                   "server": 500, "validation": 400}


def ip_of(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("invalid JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("invalid JSON")
    return data


def error_response(exc: Exception) -> JsonResponse:
    if isinstance(exc, UploadRefused):
        return JsonResponse({"error": " ".join(exc.messages), "stage": exc.stage,
                             "code": exc.error_code},
                            status=STATUS_BY_STAGE.get(exc.stage, 400))
    if isinstance(exc, PermissionDenied):
        return JsonResponse({"error": str(exc), "stage": "access", "code": "forbidden"},
                            status=403)
    if isinstance(exc, ValidationError):
        return JsonResponse({"error": " ".join(exc.messages), "stage": "validation",
                             "code": "invalid"}, status=400)
    raise exc
