from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def audited_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus an audit event for every authorization failure (HTTP 403)."""
    response = exception_handler(exc, context)
    if isinstance(exc, exceptions.PermissionDenied):
        from lpse.audit.services import audit_record

        request = context.get("request")
        user = getattr(request, "user", None)
        path = getattr(request, "path", "")
        with transaction.atomic():
            audit_record(
                action="auth.denied",
                actor=user if user is not None and user.is_authenticated else None,
                object_type="url", object_id=path[:64], object_repr=path,
                data={"method": getattr(request, "method", ""), "api": True},
            )
    return response
