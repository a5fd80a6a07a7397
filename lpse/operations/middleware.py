"""Operations middleware: read-only roles, maintenance mode, security watch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, Role, roles_of
from lpse.core.request_context import client_ip
from lpse.operations import security

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

#: A read-only user (the LKPP auditor) may still manage their own session and account:
#: log in and out, two-factor, password, language, API tokens. Nothing else accepts a write.
READ_ONLY_ALLOWED_VIEWS = frozenset({
    "accounts:login", "accounts:logout", "accounts:2fa_setup", "accounts:2fa_verify",
    "accounts:2fa_backup_codes", "accounts:password_change", "accounts:password_set",
    "accounts:password_reset", "accounts:profile", "accounts:api_token_create",
    "accounts:api_token_revoke", "set_language",
    # Public checks that change nothing: a copy of a document or a receipt is compared.
    "core:document_verify", "bids:receipt_verify",
})

#: Administrators keep working during maintenance (Pasal 12 d).
MAINTENANCE_ROLES = frozenset({Role.SYSADMIN, Role.APPADMIN})
#: What everyone still reaches during maintenance: logging in, static files, health.
MAINTENANCE_OPEN_PREFIXES = (
    "/static/", "/health/", "/accounts/login/", "/accounts/logout/", "/accounts/2fa/",
    "/i18n/", "/jsi18n/", "/operations/metrics/",
)


def is_read_only(roles: frozenset[Role]) -> bool:
    """True when every permission the roles hold is a read permission (the auditor)."""
    if not roles:
        return False
    return all(not perm.writes for perm in Perm if perm.roles & roles)


def _api_token_user(request: HttpRequest) -> Any:
    """The user of an `Authorization: Token …` API request (DRF authenticates later)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    from rest_framework.exceptions import AuthenticationFailed

    from lpse.accounts.api.authentication import ApiTokenAuthentication

    try:
        user, _token = ApiTokenAuthentication().authenticate_credentials(parts[1])
    except AuthenticationFailed:
        return None
    return user


def _acting_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if request.path.startswith("/api/"):
        return _api_token_user(request)
    return None


class ReadOnlyRoleMiddleware:
    """Refuse every write by a user whose roles only read (Pasal 12 f: LKPP monitors).

    Defence in depth: each view checks its own permission too, but this guarantees that an
    endpoint added later without the right check still cannot be used by the auditor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any,
                     kwargs: Any) -> HttpResponseBase | None:
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in READ_ONLY_ALLOWED_VIEWS:
            return None
        user = _acting_user(request)
        if user is None or not is_read_only(roles_of(user)):
            return None
        from lpse.audit.services import audit_record

        with transaction.atomic():
            audit_record(action=security.DENIED, actor=user, object_type="url",
                         object_id=request.path[:64], object_repr=request.path,
                         data={"method": request.method, "reason": "read-only role"})
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Your role may read but not change anything.")}, status=403)
        from django.core.exceptions import PermissionDenied

        from lpse.core.views import permission_denied

        return permission_denied(request, PermissionDenied("read-only role"))


def maintenance_response(request: HttpRequest, window: Any) -> HttpResponse:
    seconds = max(60, math.ceil((window.ends_at - timezone.now()).total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("The portal is under maintenance."), "until": window.ends_at.isoformat(),
             "message": window.message}, status=503)
    else:
        # Rendered without the context processors: nothing but the window is needed.
        # The helpdesk serves in and out of working hours: its phone and e-mail are shown.
        body = loader.get_template("503.html").render(
            {"window": window, "request_path": request.path,
             "helpdesk_phone": settings.LPSE_UNIT_PHONE,
             "helpdesk_email": settings.LPSE_UNIT_EMAIL})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class MaintenanceModeMiddleware:
    """While a maintenance window is in progress the public gets the 503 page; system and
    application administrators keep working (and can log in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(MAINTENANCE_OPEN_PREFIXES):
            from lpse.operations.services import maintenance_active

            window = maintenance_active()
            if window is not None:
                user = _acting_user(request)
                if user is None or not (roles_of(user) & MAINTENANCE_ROLES):
                    return maintenance_response(request, window)
        return self.get_response(request)


class SecurityWatchMiddleware:
    """Counts 404 answers per client address (a burst is a security event) and records
    uploads refused during the request once the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = security.begin_request()
        try:
            response = self.get_response(request)
        finally:
            rejected = security.end_request(token)
        ip = client_ip(request)
        if rejected:
            security.record_upload_rejections(rejected, ip=ip)
        if response.status_code == 404 and ip:
            security.count_not_found(ip, request.path, timezone.now())
        return response
