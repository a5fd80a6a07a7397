from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lpse.core.request_context import client_ip


def ip_of(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def run_service(request: HttpRequest, action: Callable[[], Any], success: str,
                redirect_to: str) -> HttpResponse:
    """Call a service from a POST button; show its errors as messages, then redirect."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(redirect_to)
