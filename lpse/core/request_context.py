"""Per-request facts (client address, user agent) that services need for the audit log."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str
    path: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "lpse_request", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only behind known proxies."""
    from django.conf import settings

    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def set_current(request: HttpRequest) -> contextvars.Token[RequestInfo | None]:
    info = RequestInfo(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        path=request.path[:300],
    )
    return _current.set(info)


def reset_current(token: contextvars.Token[RequestInfo | None]) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()


def current_ip() -> str | None:
    info = _current.get()
    return info.ip if info else None
