"""The diagnostic record of upload attempts (model `UploadAttempt`): one row per upload
request, written after the request's own transaction, whatever its outcome."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.utils import timezone

from lpse.bids.models import UploadAttempt
from lpse.bids.sealing import SegmentError
from lpse.bids.services.upload import UploadRefused
from lpse.core.request_context import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)


@contextmanager
def upload_attempt(request: HttpRequest, action: str, **fields: Any) -> Iterator[UploadAttempt]:
    """Record one upload request. The body of the `with` fills in bid/file/etc.; an
    exception is classified (stage, code, message) and re-raised."""
    user = request.user if request.user.is_authenticated else None
    attempt = UploadAttempt(
        action=action, user=user, vendor=getattr(user, "vendor", None) if user else None,
        client_ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:300],
        declared_type=request.headers.get("Content-Type", "")[:100], **fields)
    length = request.headers.get("Content-Length")
    if length and length.isdigit():
        attempt.bytes_expected = int(length)
    try:
        yield attempt
        attempt.ok = True
    except UploadRefused as exc:
        attempt.stage, attempt.code, attempt.message = exc.stage, exc.error_code, \
            " ".join(exc.messages)[:500]
        raise
    except SegmentError as exc:
        attempt.stage, attempt.code, attempt.message = exc.stage, exc.code, exc.message[:500]
        raise
    except ValidationError as exc:
        attempt.stage, attempt.code = UploadAttempt.Stage.VALIDATION, "invalid"
        attempt.message = " ".join(exc.messages)[:500]
        raise
    except (PermissionDenied, Http404) as exc:
        attempt.stage, attempt.code, attempt.message = (UploadAttempt.Stage.ACCESS,
                                                        "forbidden", str(exc)[:500])
        raise
    except DatabaseError as exc:
        attempt.stage, attempt.code, attempt.message = (UploadAttempt.Stage.DATABASE,
                                                        type(exc).__name__, str(exc)[:500])
        raise
    except Exception as exc:
        attempt.stage, attempt.code, attempt.message = (UploadAttempt.Stage.SERVER,
                                                        type(exc).__name__, str(exc)[:500])
        raise
    finally:
        attempt.finished_at = timezone.now()
        try:
            if attempt.file is not None and not attempt.file_name:
                attempt.file_name = attempt.file.name
            if attempt.bid is not None and attempt.tender_id is None:
                attempt.tender_id = attempt.bid.tender_id
            attempt.save()
        except DatabaseError:
            # The database itself is what failed: the web server's log keeps the trace.
            logger.warning("upload attempt not recorded: %s %s %s", action, attempt.stage,
                           attempt.code)
