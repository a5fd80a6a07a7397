"""Benchmark only (BIDS_BENCH_ENDPOINTS=true): the raw-upload ceiling, a request body
streamed to disk and nothing else, to compare the sealed upload against on the same server."""

from __future__ import annotations

import hashlib
import os
import tempfile

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from lpse.bids.sealing import READ_SIZE, spool_dir


@csrf_exempt
def raw_upload(request: HttpRequest) -> JsonResponse:
    if not settings.BIDS_BENCH_ENDPOINTS or request.method not in ("PUT", "POST"):
        raise Http404
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    digest = hashlib.sha256()
    received = 0
    fd, path = tempfile.mkstemp(prefix="raw-", dir=spool_dir())
    try:
        with os.fdopen(fd, "wb") as handle:
            while received < length:
                chunk = request.read(min(READ_SIZE, length - received))
                if not chunk:
                    break
                handle.write(chunk)
                digest.update(chunk)
                received += len(chunk)
    finally:
        os.unlink(path)
    return JsonResponse({"received": received, "sha256": digest.hexdigest()})
