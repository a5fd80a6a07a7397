"""The vendor's side: the bid page (countdown, resumable upload, receipt, withdrawal) and
the JSON endpoints the upload script talks to. Segments arrive as raw request bodies (PUT)
and are encrypted while they are read: Django's upload handlers are never involved, so no
temporary plaintext file is ever written."""

from __future__ import annotations

import json
from typing import IO, Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lpse.accounts.access import perm_required, request_user
from lpse.accounts.roles import Perm
from lpse.bids import selectors, services
from lpse.bids.attempts import upload_attempt
from lpse.bids.envelopes import envelope_count, envelope_label
from lpse.bids.models import Bid, BidFile, UploadAttempt
from lpse.bids.views.common import error_response, ip_of, json_body
from lpse.tenders import selectors as tender_selectors
from lpse.tenders.services.prequalification import bid_problem
from lpse.tenders.stages import StageCode

A = UploadAttempt.Action


def _file_json(file: BidFile, *, new: bool = False) -> dict[str, Any]:
    """A file as the upload script sees it; `new`: just declared, so nothing received."""
    return {"id": str(file.uuid), "name": file.name, "size": file.size,
            "envelope": file.envelope, "last_modified": file.last_modified,
            "status": file.status, "segment_size": file.segment_size,
            "segment_count": file.segment_count,
            "received": [] if new else sorted(s.index for s in file.segments.all())}


def _bid_urls(bid: Bid) -> dict[str, str]:
    return {"files": reverse("bids:file_declare", args=[bid.uuid]),
            "submit": reverse("bids:bid_submit", args=[bid.uuid])}


@perm_required(Perm.SUBMIT_BIDS)
def bid_page(request: HttpRequest, code: str) -> HttpResponse:
    tender = tender_selectors.tender_public(code)
    user = request_user(request)
    participant = tender_selectors.participant_of(user, tender)
    now = timezone.now()
    window = tender.stage_window(StageCode.UPLOAD)
    context: dict[str, Any] = {
        "tender": tender, "participant": participant, "window": window,
        "upload_open": bool(window and window.contains(now) and tender.is_running),
        "server_now_ms": int(now.timestamp() * 1000),
        "envelopes": [(n, envelope_label(tender, n)) for n in
                      range(1, envelope_count(tender) + 1)],
        "keys": list(tender.bid_keys.all()),
        "max_files": settings.BIDS_MAX_FILES, "max_bytes": settings.BIDS_MAX_BYTES,
        "segment_bytes": settings.BIDS_SEGMENT_BYTES,
    }
    if participant is not None:
        context["shortlist_problem"] = bid_problem(participant)
        # A vendor awaiting re-verification or blacklisted after joining keeps its submitted
        # bid but may not upload or submit (the services refuse it too).
        context["vendor_problem"] = services.participation_problem(participant.vendor)
        context["current"] = current = selectors.current_bid(participant)
        context["draft"] = selectors.draft_bid(participant)
        # Earlier submissions: superseded and withdrawn bids (the current one is shown above).
        history = selectors.bid_history(participant)
        context["history"] = history.exclude(pk=current.pk) if current else history
    return render(request, "bids/bid.html", context)


@require_GET
def server_time(request: HttpRequest) -> JsonResponse:
    """The server clock (the countdown synchronises with it)."""
    return JsonResponse({"now_ms": int(timezone.now().timestamp() * 1000)})


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def upload_start(request: HttpRequest, code: str) -> JsonResponse:
    tender = tender_selectors.tender_public_row(code)
    user = request_user(request)
    try:
        with upload_attempt(request, A.START, tender=tender) as attempt:
            bid = services.bid_start(actor=user, tender=tender)
            attempt.bid = bid
    except (ValidationError, PermissionDenied) as exc:
        return error_response(exc)
    files = [_file_json(f) for f in bid.files.prefetch_related("segments").order_by("pk")]
    return JsonResponse({"bid": str(bid.uuid), "files": files, "urls": _bid_urls(bid),
                         "deadline_ms": int(tender.upload_ends_at.timestamp() * 1000)
                         if tender.upload_ends_at else None})


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def file_declare(request: HttpRequest, bid_uuid: str) -> JsonResponse:
    user = request_user(request)
    bid = selectors.bid_of_vendor(user, bid_uuid)
    try:
        with upload_attempt(request, A.DECLARE, bid=bid) as attempt:
            data = json_body(request)
            attempt.file_name = str(data.get("name", ""))[:200]
            try:
                size, envelope = int(data.get("size", 0)), int(data.get("envelope", 1))
                modified = data.get("last_modified")
                modified = int(modified) if modified is not None else None
            except (TypeError, ValueError):
                raise ValidationError(_("Invalid file description.")) from None
            attempt.bytes_expected = size
            file = services.bid_file_declare(actor=user, bid=bid, name=attempt.file_name,
                                             size=size, envelope=envelope,
                                             last_modified=modified)
            attempt.file = file
    except (ValidationError, PermissionDenied) as exc:
        return error_response(exc)
    return JsonResponse(_file_json(file, new=True), status=201)


@require_http_methods(["PUT"])
@perm_required(Perm.SUBMIT_BIDS)
def segment_put(request: HttpRequest, bid_uuid: str, file_uuid: str, index: int
                ) -> JsonResponse:
    user = request_user(request)
    file = selectors.file_of_vendor(user, bid_uuid, file_uuid)
    try:
        with upload_attempt(request, A.SEGMENT, bid=file.bid, file=file,
                            segment_index=index) as attempt:
            raw_length = request.META.get("CONTENT_LENGTH") or ""
            if not raw_length.isdigit():
                raise services.UploadRefused(_("The request has no length."),
                                             stage="validation", code="no_length")
            segment = services.segment_receive(
                actor=user, file=file, index=index, source=cast(IO[bytes], request),
                length=int(raw_length),
                declared_sha256=request.headers.get("X-Segment-SHA256", ""))
            attempt.bytes_received = segment.size
            if index == 0:
                attempt.detected_type = segment.file.content_type
    except (ValidationError, PermissionDenied) as exc:
        return error_response(exc)
    answer: dict[str, Any] = {"index": segment.index, "sha256": segment.sha256,
                              "sealed_sha256": segment.sealed_sha256,
                              "file_status": file.status}
    whole_sha256 = request.headers.get("X-File-SHA256", "")
    whole_md5 = request.headers.get("X-File-MD5", "")
    if whole_sha256 and index == file.segment_count - 1:
        # The last segment carries the whole file's hashes (the browser has them by then):
        # the file is completed in the same request, saving the separate `complete` call.
        # A refusal here leaves the segment stored; the client then calls `complete` itself
        # and gets the refusal there.
        try:
            with upload_attempt(request, A.COMPLETE, bid=file.bid, file=file) as attempt:
                attempt.bytes_expected = None
                file = services.bid_file_complete(actor=user, file=file, sha256=whole_sha256,
                                                  md5=whole_md5)
            answer["file_status"] = file.status
        except (ValidationError, PermissionDenied) as exc:
            answer["complete_error"] = " ".join(getattr(exc, "messages", [str(exc)]))
    return JsonResponse(answer)


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def file_complete(request: HttpRequest, bid_uuid: str, file_uuid: str) -> JsonResponse:
    user = request_user(request)
    file = selectors.file_of_vendor(user, bid_uuid, file_uuid)
    try:
        with upload_attempt(request, A.COMPLETE, bid=file.bid, file=file):
            data = json_body(request)
            file = services.bid_file_complete(actor=user, file=file,
                                              sha256=str(data.get("sha256", "")),
                                              md5=str(data.get("md5", "")))
    except (ValidationError, PermissionDenied) as exc:
        return error_response(exc)
    return JsonResponse(_file_json(file))


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def file_remove(request: HttpRequest, bid_uuid: str, file_uuid: str) -> JsonResponse:
    user = request_user(request)
    file = selectors.file_of_vendor(user, bid_uuid, file_uuid)
    try:
        with upload_attempt(request, A.REMOVE, bid=file.bid, file_name=file.name):
            services.bid_file_remove(actor=user, file=file)
    except (ValidationError, PermissionDenied) as exc:
        return error_response(exc)
    return JsonResponse({"removed": True})


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def bid_submit(request: HttpRequest, bid_uuid: str) -> HttpResponseBase:
    user = request_user(request)
    bid = selectors.bid_of_vendor(user, bid_uuid)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        with upload_attempt(request, A.SUBMIT, bid=bid):
            if request.content_type == "application/json":
                amount = json_body(request).get("offer_amount", "")
            else:
                amount = request.POST.get("offer_amount", "")
            receipt = services.bid_submit(actor=user, bid=bid, offer_amount=amount,
                                          ip_address=ip_of(request))
    except (ValidationError, PermissionDenied) as exc:
        if wants_json:
            return error_response(exc)
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("bids:bid", code=bid.tender.code)
    url = reverse("bids:bid", args=[bid.tender.code])
    messages.success(request, _("Your bid has been received and sealed. Keep the receipt."))
    if wants_json:
        return JsonResponse({"receipt": reverse("bids:receipt_json", args=[bid.uuid]),
                             "page": url, "audit_seq": receipt.audit_seq})
    return redirect(url)


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def bid_withdraw(request: HttpRequest, bid_uuid: str) -> HttpResponse:
    user = request_user(request)
    bid = selectors.bid_of_vendor(user, bid_uuid)
    try:
        with upload_attempt(request, A.WITHDRAW, bid=bid):
            services.bid_withdraw(actor=user, bid=bid, ip_address=ip_of(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your bid has been withdrawn. You may submit a new one "
                                    "before the deadline."))
    return redirect("bids:bid", code=bid.tender.code)


@require_POST
@perm_required(Perm.SUBMIT_BIDS)
def draft_discard(request: HttpRequest, bid_uuid: str) -> HttpResponse:
    user = request_user(request)
    bid = selectors.bid_of_vendor(user, bid_uuid)
    try:
        services.bid_draft_discard(actor=user, bid=bid)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The unfinished upload has been discarded."))
    return redirect("bids:bid", code=bid.tender.code)


@perm_required(Perm.SUBMIT_BIDS)
def receipt_json(request: HttpRequest, bid_uuid: str) -> HttpResponse:
    bid = selectors.bid_of_vendor(request_user(request), bid_uuid)
    receipt = getattr(bid, "receipt", None)
    if receipt is None:
        raise Http404
    response = HttpResponse(json.dumps(receipt.document, indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="bukti-penerimaan-'
                                       f'{bid.tender.code}-{bid.uuid}.json"')
    response["Cache-Control"] = "private, no-store"
    return response
