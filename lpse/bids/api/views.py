"""API of sealed bids: the receipt signing key and receipt verification (public), the
opened bids of a tender (its committee and the LKPP auditor), upload attempts (helpdesk)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.access import api_perm
from lpse.accounts.roles import Perm
from lpse.bids import receipts, selectors, serverkeys
from lpse.bids.access import can_view_opened
from lpse.bids.views.public import bid_status, on_record
from lpse.tenders.models import Tender

KeySerializer = inline_serializer("ReceiptKey", {
    "algorithm": serializers.CharField(), "key_id": serializers.CharField(),
    "public_key": serializers.CharField(help_text="raw 32-byte key, base64"),
    "pem": serializers.CharField()})
VerifySerializer = inline_serializer("ReceiptVerification", {
    "valid": serializers.BooleanField(), "reasons": serializers.ListField(
        child=serializers.CharField()),
    "on_record": serializers.BooleanField(allow_null=True),
    "bid_status": serializers.CharField(
        allow_null=True, help_text="the bid's status now: submitted (it counts), superseded or "
                                   "withdrawn (it no longer counts); null when unknown")})


@extend_schema(summary="The server's receipt signing key (Ed25519)", responses=KeySerializer,
               tags=["bids"])
@api_view(["GET"])
@permission_classes([AllowAny])
def receipt_key(request: Request) -> Response:
    return Response({"algorithm": "Ed25519", "key_id": serverkeys.key_id(),
                     "public_key": serverkeys.public_key_b64(),
                     "pem": serverkeys.public_key_pem()})


@extend_schema(summary="Verify a bid receipt", request={"application/json": dict},
               responses=VerifySerializer, tags=["bids"])
@api_view(["POST"])
@permission_classes([AllowAny])
def receipt_verify(request: Request) -> Response:
    document: Any = request.data
    result = receipts.verify(document)
    return Response({"valid": result.valid, "reasons": result.reasons,
                     "on_record": on_record(document) if result.valid else None,
                     "bid_status": bid_status(document) if result.valid else None})


FILE_FIELDS: dict[str, serializers.Field] = {  # type: ignore[type-arg]
    "id": serializers.UUIDField(), "name": serializers.CharField(),
    "envelope": serializers.IntegerField(), "size": serializers.IntegerField(),
    "sha256": serializers.CharField(), "sealed_sha256": serializers.CharField(),
    "result": serializers.CharField(), "problem": serializers.CharField(),
    "metadata": serializers.DictField()}
BidSerializer = inline_serializer("OpenedBid", {
    "id": serializers.UUIDField(), "vendor": serializers.CharField(),
    "submitted_at": serializers.DateTimeField(),
    "offer_price": serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True),
    "offer_status": serializers.CharField(),
    "files": inline_serializer("OpenedFile", FILE_FIELDS, many=True)}, many=True)


@extend_schema(summary="Bids of a tender and their opening results (committee, auditor)",
               responses=BidSerializer, tags=["bids"])
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def tender_bids(request: Request, code: str) -> Response:
    tender = Tender.objects.filter(code=code, published_at__isnull=False).first()
    if tender is None or not can_view_opened(request.user, tender):  # type: ignore[arg-type]
        raise Http404
    data = []
    for bid in selectors.opened_bids(tender):
        data.append({
            "id": bid.uuid, "vendor": bid.participant.vendor.name,
            "submitted_at": bid.submitted_at, "offer_price": bid.offer_amount,
            "offer_status": bid.offer_status,
            "files": [{"id": f.uuid, "name": f.name, "envelope": f.envelope, "size": f.size,
                       "sha256": f.sha256, "sealed_sha256": f.sealed_sha256,
                       "result": f.open_status, "problem": f.open_error,
                       "metadata": f.metadata} for f in bid.files.all()]})
    return Response(data)


AttemptSerializer = inline_serializer("UploadAttempt", {
    "started_at": serializers.DateTimeField(), "finished_at": serializers.DateTimeField(),
    "user": serializers.CharField(), "vendor": serializers.CharField(),
    "tender": serializers.CharField(), "action": serializers.CharField(),
    "file": serializers.CharField(), "segment": serializers.IntegerField(allow_null=True),
    "bytes_expected": serializers.IntegerField(allow_null=True),
    "bytes_received": serializers.IntegerField(), "ok": serializers.BooleanField(),
    "stage": serializers.CharField(), "code": serializers.CharField(),
    "message": serializers.CharField(), "client_ip": serializers.CharField(),
    "user_agent": serializers.CharField()}, many=True)


@extend_schema(summary="Recent upload attempts (helpdesk diagnostics, SOP 3.7)",
               responses=AttemptSerializer, tags=["bids"])
@api_view(["GET"])
@permission_classes([api_perm(Perm.VIEW_UPLOAD_ATTEMPTS)])
def upload_attempts(request: Request) -> Response:
    qs = selectors.upload_attempts_visible_to(request.user)  # type: ignore[arg-type]
    if request.query_params.get("vendor"):
        qs = qs.filter(vendor__name__icontains=request.query_params["vendor"])
    if request.query_params.get("tender"):
        qs = qs.filter(tender__code=request.query_params["tender"])
    if request.query_params.get("failed") in ("1", "true"):
        qs = qs.filter(ok=False)
    return Response([{
        "started_at": a.started_at, "finished_at": a.finished_at,
        "user": a.user.get_username() if a.user else "",
        "vendor": a.vendor.name if a.vendor else "", "tender": a.tender.code if a.tender else "",
        "action": a.action, "file": a.file_name, "segment": a.segment_index,
        "bytes_expected": a.bytes_expected, "bytes_received": a.bytes_received, "ok": a.ok,
        "stage": a.stage, "code": a.code, "message": a.message,
        "client_ip": a.client_ip or "", "user_agent": a.user_agent}
        for a in qs.order_by("-started_at", "-pk")[:200]])
