from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from lpse.core import request_context


class RejectNulMiddleware:
    """A NUL character has no place in a URL or a cookie, and PostgreSQL refuses it in any
    text value: such a request is answered 400 before it reaches sessions or views (found by
    the API fuzzer as server errors from the database)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
                "\x00" in key or any("\x00" in v for v in values)
                for key, values in request.GET.lists()) or any(
                "\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            message = _("The request contains a null character and cannot be processed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return bad_request(request, SuspiciousOperation(message))
        return self.get_response(request)


class RequestContextMiddleware:
    """Make the client address available to services for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.set_current(request)
        try:
            return self.get_response(request)
        finally:
            request_context.reset_current(token)


class AuthorizationAuditMiddleware:
    """Record every authorization failure (HTTP 403) in the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            from lpse.audit.services import audit_record

            user = getattr(request, "user", None)
            with transaction.atomic():
                audit_record(
                    action="auth.denied",
                    actor=user if user is not None and user.is_authenticated else None,
                    object_type="url",
                    object_id=request.path[:64],
                    object_repr=request.path,
                    data={"method": request.method, "reason": str(exception)[:200]},
                )


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose English.

    The choice is the language cookie (set by the language switch) or, for a logged-in
    user, their saved preference. The browser's Accept-Language is deliberately ignored:
    the portal of an Indonesian government unit speaks Indonesian first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            language = (
                getattr(user, "preferred_language", None)
                if user is not None and user.is_authenticated else None
            )
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
