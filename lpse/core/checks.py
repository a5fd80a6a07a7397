"""System checks for settings that matter in production."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Info, Tags, register


@register(Tags.security, deploy=True)
def mail_configured(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    from lpse.core.mail import outbox_enabled

    if outbox_enabled():
        return [Info(
            "E-mail is kept in the file outbox (var/outbox) instead of being sent.",
            hint="Set EMAIL_URL to your SMTP relay so vendors and officials receive mail.",
            id="lpse.I001",
        )]
    return []


@register(Tags.security, deploy=True)
def site_url_https(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    if not settings.DEBUG and not settings.SITE_URL.startswith("https://"):
        return [Info(
            "SITE_URL does not start with https://; links in e-mails and PDFs will use it.",
            hint="Set SITE_URL to the public https:// address of the portal.",
            id="lpse.I002",
        )]
    return []
