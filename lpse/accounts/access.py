"""Guards for views and API endpoints: one permission each, from lpse.accounts.roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from lpse.accounts.roles import Perm, has_perm

if TYPE_CHECKING:
    from lpse.accounts.models import User

def request_user(request: HttpRequest) -> User:
    """The authenticated user of a request (views behind login only)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def is_two_factor_verified(user: object) -> bool:
    """True when the session passed two-factor (django-otp adds is_verified to users)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def perm_required(perm: Perm) -> Callable[[View], View]:
    """Anonymous users go to the login page; logged-in users without `perm` get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):  # type: ignore[arg-type]
                raise PermissionDenied(perm.value)
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return cast(View, wrapped)

    return decorator


class PermRequiredMixin(LoginRequiredMixin):
    required_perm: Perm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_perm(
            request.user, self.required_perm  # type: ignore[arg-type]
        ):
            raise PermissionDenied(self.required_perm.value)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]


def api_perm(perm: Perm) -> type[BasePermission]:
    """A DRF permission class requiring `perm`: `permission_classes = [api_perm(Perm.X)]`."""

    class HasPerm(BasePermission):
        message = f"Requires permission {perm.value}."

        def has_permission(self, request: Request, view: APIView) -> bool:
            return bool(request.user and has_perm(request.user, perm))  # type: ignore[arg-type]

    HasPerm.__name__ = f"Has_{perm.name}"
    return HasPerm
