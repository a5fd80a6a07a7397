"""Public pages: the receipt signing key and the receipt verification page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lpse.bids import receipts, serverkeys
from lpse.bids.forms import VerifyReceiptForm
from lpse.bids.models import Receipt

MAX_RECEIPT_BYTES = 2 * 1024 * 1024


def receipt_key(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "pem":
        return HttpResponse(serverkeys.public_key_pem(), content_type="text/plain")
    return render(request, "bids/receipt_key.html", {
        "pem": serverkeys.public_key_pem(), "b64": serverkeys.public_key_b64(),
        "key_id": serverkeys.key_id()})


def on_record(document: object) -> bool | None:
    """Whether this exact receipt is the one the server issued (None: unknown bid)."""
    if not isinstance(document, dict):
        return None
    bid_id = (document.get("receipt") or {}).get("bid", {}).get("id") \
        if isinstance(document.get("receipt"), dict) else None
    stored = Receipt.objects.filter(bid__uuid=bid_id).first() if bid_id else None
    if stored is None:
        return None
    return bool(stored.document == document)


def receipt_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyReceiptForm(request.POST or None, request.FILES or None)
    result = None
    recorded = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["receipt"]
        raw = upload.read(MAX_RECEIPT_BYTES + 1)
        document = receipts.parse(raw) if len(raw) <= MAX_RECEIPT_BYTES else None
        result = receipts.verify(document)
        if result.valid:
            recorded = on_record(document)
    return render(request, "bids/receipt_verify.html", {
        "form": form, "result": result, "recorded": recorded, "key_id": serverkeys.key_id()})
