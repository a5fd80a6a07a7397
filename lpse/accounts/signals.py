"""Authentication events go to the audit log; logins register the session."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from lpse.accounts.models import User
from lpse.accounts.services import session_register
from lpse.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(action="auth.login", actor=user, target=user)
        if request is not None and hasattr(request, "session"):
            session_register(user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(action="auth.logout", actor=user, target=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        audit_record(
            action="auth.login_failed", actor=None, object_type="accounts.user",
            object_id=username[:64], object_repr=username,
        )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str, ip_address: str,
                **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(
            action="auth.locked_out", actor=None, object_type="accounts.user",
            object_id=(username or "")[:64], object_repr=username or "",
            data={"ip": ip_address},
        )
