from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from lpse.accounts.access import is_two_factor_verified
from lpse.accounts.roles import is_official

#: Rewrite the last-activity time at most this often (seconds) to spare session writes.
ACTIVITY_WRITE_INTERVAL = 30


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


class SessionPolicyMiddleware:
    """Idle timeout (officials 15 min, vendors 30 min) and a 12-hour absolute limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            session = request.session
            now = time.time()
            login_at = float(session.setdefault("login_at", now))
            last = float(session.setdefault("last_activity", now))
            idle = (
                settings.SESSION_IDLE_TIMEOUT_OFFICIAL
                if is_official(user)  # type: ignore[arg-type]
                else settings.SESSION_IDLE_TIMEOUT_VENDOR
            )
            expired_idle = now - last > idle.total_seconds()
            expired_abs = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if expired_idle or expired_abs:
                logout(request)
                messages.info(
                    request,
                    _("Your session ended after a period of inactivity. Please log in again.")
                    if expired_idle
                    else _("Your session reached its maximum length. Please log in again."),
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Session expired.")}, status=401)
                login_url = reverse(settings.LOGIN_URL)
                if getattr(request, "htmx", False):
                    return _redirect(request, login_url)
                return redirect_to_login(request.get_full_path(), login_url)
            if now - last > ACTIVITY_WRITE_INTERVAL:
                session["last_activity"] = now
        return self.get_response(request)


TWO_FACTOR_EXEMPT = {
    "accounts:2fa_setup",
    "accounts:2fa_verify",
    "accounts:logout",
    "set_language",
    "javascript-catalog",
    "core:home",
}


class TwoFactorRequiredMiddleware:
    """Every official must pass two-factor authentication before using the portal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_two_factor_verified(user)
            and is_official(user)  # type: ignore[arg-type]
            and not self._exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor authentication is required.")}, status=403
                )
            from lpse.accounts.services import has_two_factor

            name = "accounts:2fa_verify" if has_two_factor(user) else "accounts:2fa_setup"  # type: ignore[arg-type]
            url = reverse(name) + "?" + urlencode({"next": request.get_full_path()})
            return _redirect(request, url)
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in TWO_FACTOR_EXEMPT
