"""Outgoing e-mail: rendered in the recipient's language, sent by the task worker.

`send_mail_on_commit` renders the message at once (so the text matches the state being
committed) and enqueues its delivery when the transaction commits. In development,
`OutboxEmailBackend` keeps every message as a .eml file under var/outbox, readable at
/outbox/ so that a newcomer can follow e-mailed links.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

OUTBOX_BACKEND = "lpse.core.mail.OutboxEmailBackend"
#: How much of an outbox file is read to search its headers (the headers come first).
HEADER_READ_BYTES = 16 * 1024


def _default_mailer() -> dict[str, Any]:
    mailers: dict[str, dict[str, Any]] = getattr(settings, "MAILERS", {})
    return mailers.get("default", {})


def outbox_enabled() -> bool:
    return bool(_default_mailer().get("BACKEND") == OUTBOX_BACKEND)


def outbox_directory() -> Path:
    return Path(_default_mailer().get("OPTIONS", {}).get("directory", "var/outbox"))


class OutboxEmailBackend(BaseEmailBackend):
    """Write each message as one RFC 5322 file in the configured directory."""

    def __init__(self, directory: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = Path(directory or "var/outbox")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = self.directory
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def render_mail(
    template: str, context: Mapping[str, Any], language: str | None = None
) -> tuple[str, str]:
    """Render `<template>_subject.txt` and `<template>_body.txt` in `language`."""
    ctx = {
        "site_url": settings.SITE_URL,
        "unit_name": settings.LPSE_UNIT_NAME,
        "unit_email": settings.LPSE_UNIT_EMAIL,
        "unit_phone": settings.LPSE_UNIT_PHONE,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", ctx).strip().replace("\n", " ")
        body = render_to_string(f"{template}_body.txt", ctx)
    return settings.EMAIL_SUBJECT_PREFIX + subject, body


def send_mail_on_commit(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    reply_to: Sequence[str] = (),
) -> None:
    """Render now, deliver through the task worker after the transaction commits."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    subject, body = render_mail(template, context, language)
    payload: dict[str, Any] = {
        "subject": subject,
        "body": body,
        "to": recipients,
        "reply_to": list(reply_to),
        "attachments": [(name, data.hex(), mime) for name, data, mime in attachments],
    }

    def enqueue() -> None:
        from lpse.core.tasks import deliver_email

        deliver_email.enqueue(**payload)

    transaction.on_commit(enqueue)


def deliver(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    reply_to: Sequence[str] = (),
    attachments: Sequence[tuple[str, str, str]] = (),
) -> int:
    message = EmailMessage(subject=subject, body=body, to=list(to), reply_to=list(reply_to))
    for name, data_hex, mime in attachments:
        message.attach(name, bytes.fromhex(data_hex), mime)
    return message.send()


def _sent_at(header: Any) -> datetime | str:
    """The Date header as an aware datetime (shown in WIB with |wib), else its text."""
    moment = getattr(header, "datetime", None)
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment
    return str(header or "")


def _outbox_message(path: Path) -> dict[str, Any]:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body_part = parsed.get_body(preferencelist=("plain", "html"))
    return {
        "id": path.stem,
        "subject": str(parsed["subject"] or ""),
        "to": str(parsed["to"] or ""),
        "date": _sent_at(parsed["date"]),
        "body": body_part.get_content() if body_part is not None else "",
        "attachments": [part.get_filename() for part in parsed.iter_attachments()],
    }


def outbox_paths(query: str = "") -> list[Path]:
    """The outbox's message files, newest first; with `query`, only those whose recipient or
    subject contains it (case-insensitive; only the headers are read)."""
    directory = outbox_directory()
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.eml"), reverse=True)
    needle = query.strip().casefold()
    if not needle:
        return paths
    parser = BytesHeaderParser(policy=policy.default)
    found = []
    for path in paths:
        with path.open("rb") as handle:
            headers = parser.parsebytes(handle.read(HEADER_READ_BYTES))
        text = f"{headers['to'] or ''} {headers['subject'] or ''}".casefold()
        if needle in text:
            found.append(path)
    return found


def outbox_messages(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The messages of these outbox files (e.g. one page of `outbox_paths()`)."""
    return [_outbox_message(path) for path in paths]


def read_outbox(limit: int = 200) -> list[dict[str, Any]]:
    """Messages in the development outbox, newest first."""
    return outbox_messages(outbox_paths()[:limit])
