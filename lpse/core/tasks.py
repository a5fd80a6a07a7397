from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from lpse.core import mail

logger = logging.getLogger(__name__)
MAIL_ATTEMPTS = 6


@task(queue_name="mail")
def deliver_email(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    reply_to: Sequence[str] = (),
    attachments: Sequence[Sequence[str]] = (),
    attempt: int = 1,
) -> int:
    """Send one rendered message (see lpse.core.mail.send_mail_on_commit).

    When the mail server is unreachable the message is queued again with a growing
    delay (2, 4, 8… minutes) before this attempt is marked failed.
    """
    try:
        return mail.deliver(
            subject=subject,
            body=body,
            to=to,
            reply_to=reply_to,
            attachments=[(a[0], a[1], a[2]) for a in attachments],
        )
    except OSError:
        if attempt < MAIL_ATTEMPTS and deliver_email.get_backend().supports_defer:
            logger.warning("Mail to %s failed (attempt %s); retrying", to, attempt)
            deliver_email.using(
                run_after=timezone.now() + timedelta(minutes=2**attempt)
            ).enqueue(
                subject=subject, body=body, to=list(to), reply_to=list(reply_to),
                attachments=[list(a) for a in attachments], attempt=attempt + 1,
            )
        raise
