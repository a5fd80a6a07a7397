from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lpse.core import registry


def site(request: HttpRequest) -> dict[str, Any]:
    # Memoised per request: django-tables2 renders TemplateColumns with a fresh context per
    # row, which would otherwise rebuild the menu and banners (queries) for every row.
    cached: dict[str, Any] | None = getattr(request, "_lpse_site_context", None)
    if cached is not None:
        return cached
    context = _site(request)
    request._lpse_site_context = context  # type: ignore[attr-defined]
    return context


def _site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "unit": {
            "name": settings.LPSE_UNIT_NAME,
            "parent": settings.LPSE_UNIT_PARENT,
            "address": settings.LPSE_UNIT_ADDRESS,
            "phone": settings.LPSE_UNIT_PHONE,
            "email": settings.LPSE_UNIT_EMAIL,
            "region": settings.LPSE_REGION_NAME,
            "hours_start": settings.SERVICE_HOURS_START,
            "hours_end": settings.SERVICE_HOURS_END,
        },
        "menu": registry.menu_for(user) if user is not None else [],  # type: ignore[arg-type]
        "site_banners": registry.banners_for(request),
    }
