"""Benchmark only (BIDS_BENCH_ENDPOINTS=true; 404 otherwise). Two ceilings to compare the
sealed upload against on the same server, in the same run:

- raw-upload: a request body streamed to disk and nothing else (no hashing either);
- sealed-upload: the body sealed exactly as a bid segment is (`sealing.seal_segment`:
  SHA-256 of the plaintext, age encryption, SHA-256 of the ciphertext, spool, storage) —
  without session, database, checks or records. The gap between the two is the cost of the
  cryptography; the gap between this one and a real bid is the application's.

Both keep what they wrote, as a bid's segments are kept: a file deleted at once never
reaches the disk (the kernel drops its dirty pages), so such a ceiling would measure the
page cache, not the disk the bids are written to. The benchmark removes the files after
each phase (raw: `bench-raw-*` in the spool directory; sealed: `bench/` in storage).
"""

from __future__ import annotations

import functools
import os
import tempfile
from datetime import timedelta
from typing import IO, cast

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from lpse.bids import crypto
from lpse.bids.sealing import READ_SIZE, seal_segment, spool_dir


def _bench_only(request: HttpRequest) -> int:
    if not settings.BIDS_BENCH_ENDPOINTS or request.method not in ("PUT", "POST"):
        raise Http404
    return int(request.META.get("CONTENT_LENGTH") or 0)


@csrf_exempt
def raw_upload(request: HttpRequest) -> JsonResponse:
    length = _bench_only(request)
    received = 0
    fd, _path = tempfile.mkstemp(prefix="bench-raw-", dir=spool_dir())
    with os.fdopen(fd, "wb") as handle:
        while received < length:
            chunk = request.read(min(READ_SIZE, length - received))
            if not chunk:
                break
            handle.write(chunk)
            received += len(chunk)
    return JsonResponse({"received": received})


@functools.cache
def _bench_recipient() -> str:
    return crypto.TenderKeyPair.generate().recipient


@csrf_exempt
def sealed_upload(request: HttpRequest) -> JsonResponse:
    length = _bench_only(request)
    sealed = seal_segment(source=cast(IO[bytes], request), length=length,
                          recipient=_bench_recipient(),
                          deadline=timezone.now() + timedelta(hours=1), check_type=False,
                          storage_prefix="bench")
    return JsonResponse({"received": sealed.size, "sha256": sealed.sha256,
                         "sealed_sha256": sealed.sealed_sha256})
