"""Public pages: the receipt signing key and the receipt verification page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lpse.bids import receipts, serverkeys
from lpse.bids.forms import VerifyReceiptForm
from lpse.bids.models import Bid, Receipt
from lpse.core.templatetags.lpse import wib

MAX_RECEIPT_BYTES = 2 * 1024 * 1024


def receipt_key(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "pem":
        return HttpResponse(serverkeys.public_key_pem(), content_type="text/plain")
    return render(request, "bids/receipt_key.html", {
        "pem": serverkeys.public_key_pem(), "b64": serverkeys.public_key_b64(),
        "key_id": serverkeys.key_id()})


def _stored(document: object) -> Receipt | None:
    if not isinstance(document, dict) or not isinstance(document.get("receipt"), dict):
        return None
    bid = document["receipt"].get("bid")
    bid_id = bid.get("id") if isinstance(bid, dict) else None
    if not isinstance(bid_id, str) or not bid_id:
        return None
    try:
        return Receipt.objects.select_related("bid").filter(bid__uuid=bid_id).first()
    except ValidationError:  # not a UUID
        return None


def bid_status(document: object) -> str | None:
    """The current status of the receipt's bid (submitted, superseded, withdrawn; None:
    unknown bid)."""
    stored = _stored(document)
    return stored.bid.status if stored is not None else None


def on_record(document: object) -> bool | None:
    """Whether this exact receipt is the one the server issued (None: unknown bid)."""
    stored = _stored(document)
    if stored is None:
        return None
    return bool(stored.document == document)


def bid_standing(bid: Bid) -> str:
    """What the bid of a valid receipt counts for now: a superseded or withdrawn bid is
    never opened, however genuine its receipt."""
    when = wib(bid.ended_at, "%d-%m-%Y %H:%M:%S")
    if bid.status == Bid.Status.SUPERSEDED:
        return _("This bid no longer counts: the vendor replaced it with a later bid on "
                 "%(time)s. Only the latest bid is opened.") % {"time": when}
    if bid.status == Bid.Status.WITHDRAWN:
        return _("This bid no longer counts: the vendor withdrew it on %(time)s. It will "
                 "not be opened.") % {"time": when}
    return _("This is the vendor's current bid.")


def receipt_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyReceiptForm(request.POST or None, request.FILES or None)
    result = None
    recorded = None
    bid = None
    standing = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["receipt"]
        raw = upload.read(MAX_RECEIPT_BYTES + 1)
        document = receipts.parse(raw) if len(raw) <= MAX_RECEIPT_BYTES else None
        result = receipts.verify(document)
        if result.valid:
            stored = _stored(document)
            if stored is not None:
                recorded = bool(stored.document == document)
                bid = stored.bid
                standing = bid_standing(bid)
    return render(request, "bids/receipt_verify.html", {
        "form": form, "result": result, "recorded": recorded, "bid": bid,
        "standing": standing, "counts": bid is None or bid.status == Bid.Status.SUBMITTED,
        "key_id": serverkeys.key_id()})
