"""The committee's side: the personal opening key, the opening ceremony, opened documents
(decrypted on the fly), technical results of two-envelope methods, filing a case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import perm_required, request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.bids import crypto, sealing, selectors, services
from lpse.bids.access import can_view_opened, is_opener
from lpse.bids.bidsource import unresolved_files
from lpse.bids.envelopes import envelope_count, envelope_label
from lpse.bids.forms import (
    CaseForm,
    ChangePassphraseForm,
    EnrolForm,
    TechnicalResultForm,
    UnlockForm,
)
from lpse.bids.models import Bid, BidFile, KeyShare, MemberKey, Opening
from lpse.bids.services.keys import active_key_of
from lpse.bids.services.opening import opened_private_key, opening_problems
from lpse.bids.views.common import ip_of
from lpse.core.forms import add_service_errors
from lpse.tenders.models import Tender
from lpse.tenders.selectors import tenders_visible_to


@perm_required(Perm.OPEN_BIDS)
def opening_key(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    key = active_key_of(user)
    enrol_form = EnrolForm(request.POST if request.POST.get("action") == "enrol" else None,
                           prefix="enrol")
    change_form = ChangePassphraseForm(
        request.POST if request.POST.get("action") == "change" else None, prefix="change")
    if request.method == "POST":
        form: Any = enrol_form if request.POST.get("action") == "enrol" else change_form
        if form.is_valid():
            try:
                if form is enrol_form:
                    services.member_key_enrol(actor=user, **form.cleaned_data)
                    messages.success(request, _("Your opening key is ready. Remember your "
                                                "passphrase: nobody can recover it."))
                else:
                    services.member_key_change_passphrase(actor=user, **form.cleaned_data)
                    messages.success(request, _("Your passphrase has been changed."))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("bids:opening_key")
    shares = KeyShare.objects.filter(member=user, member_key=key).select_related(
        "tender_key__tender").order_by("-tender_key__created_at")[:20] if key else []
    return render(request, "bids/opening_key.html", {
        "key": key, "enrol_form": enrol_form, "change_form": change_form, "shares": shares,
        "revoked": MemberKey.objects.filter(user=user, revoked_at__isnull=False).count()})


def _tender_for_opening(request: HttpRequest, pk: int) -> Tender:
    user = request_user(request)
    tender = tenders_visible_to(user).filter(pk=pk).prefetch_related(
        "stages", "committee__members__user").first()
    if tender is None or not (can_view_opened(user, tender) or
                              has_perm(user, Perm.VIEW_ALL_TENDERS)):
        raise Http404
    return tender


def _opening_context(request: HttpRequest, tender: Tender) -> dict[str, Any]:
    user = request_user(request)
    openings = selectors.openings_of(tender)
    member = is_opener(user, tender)
    envelopes = []
    for key in selectors.tender_keys(tender):
        opening = openings.get(key.envelope)
        unlocked = list(opening.unlocks.all()) if opening else []
        envelopes.append({
            "number": key.envelope, "label": envelope_label(tender, key.envelope), "key": key,
            "opening": opening, "unlocked": unlocked,
            "i_unlocked": any(u.member_id == user.pk for u in unlocked),
            "i_hold_share": member and key.shares.filter(member=user).exists(),
            "problems": opening_problems(tender, key.envelope),
            "done": opening is not None and opening.status == Opening.Status.DONE,
        })
    bids = selectors.opened_bids(tender)
    first_done = bool(envelopes) and envelopes[0]["done"]
    return {
        "tender": tender, "envelopes": envelopes, "bids": bids, "member": member,
        "can_read": can_view_opened(user, tender), "unlock_form": UnlockForm(),
        "two_envelopes": envelope_count(tender) == 2,
        "flags": selectors.integrity_flags(tender) if first_done else [],
        "unresolved": unresolved_files(tender) if first_done else [],
        "withdrawn": Bid.objects.filter(tender=tender, status=Bid.Status.WITHDRAWN).count(),
        "superseded": Bid.objects.filter(tender=tender, status=Bid.Status.SUPERSEDED).count(),
    }


@login_required
def opening(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender_for_opening(request, pk)
    context = _opening_context(request, tender)
    htmx = getattr(request, "htmx", None)
    template = "bids/opening.html#envelopes" if htmx and not htmx.boosted else \
        "bids/opening.html"
    return render(request, template, context)


@require_POST
@perm_required(Perm.OPEN_BIDS)
def opening_unlock(request: HttpRequest, pk: int, envelope: int) -> HttpResponse:
    tender = _tender_for_opening(request, pk)
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            result = services.opening_unlock(
                actor=request_user(request), tender=tender, envelope=envelope,
                passphrase=form.cleaned_data["passphrase"], ip_address=ip_of(request))
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        else:
            if result.key_rebuilt:
                messages.success(request, _("The key has been rebuilt from %(k)s shares: the "
                                            "bids are being decrypted and checked.")
                                 % {"k": result.threshold})
            else:
                messages.success(request, _("Your share is unlocked (%(n)s of %(k)s). The "
                                            "other members unlock theirs in their own "
                                            "sessions.") % {"n": result.unlocked,
                                                            "k": result.threshold})
    else:
        messages.error(request, _("Enter your passphrase."))
    return redirect("bids:opening", pk=tender.pk)


@require_POST
@perm_required(Perm.OPEN_BIDS)
def technical_result(request: HttpRequest, pk: int, bid_uuid: str) -> HttpResponse:
    tender = _tender_for_opening(request, pk)
    bid = Bid.objects.filter(tender=tender, uuid=bid_uuid).select_related(
        "participant").first()
    if bid is None:
        raise Http404
    form = TechnicalResultForm(request.POST)
    if form.is_valid():
        try:
            services.technical_result_record(actor=request_user(request), bid=bid,
                                             passed=form.cleaned_data["passed"],
                                             notes=form.cleaned_data["notes"])
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        else:
            messages.success(request, _("Technical result recorded."))
    return redirect("bids:opening", pk=tender.pk)


def opened_file(request: HttpRequest, file_uuid: str) -> StreamingHttpResponse:
    """An opened document, decrypted segment by segment as it is sent (never written)."""
    if not request.user.is_authenticated:
        raise Http404
    user = request_user(request)
    file = selectors.opened_file_for(user, file_uuid)
    tender_key = file.bid.tender.bid_keys.get(envelope=file.envelope)
    names = list(file.segments.order_by("index").values_list("storage_name", flat=True))
    audit_record(action="bids.document_viewed", actor=user, target=file.bid,
                 data={"file": file.name, "tender": file.bid.tender.code})

    def stream() -> Iterator[bytes]:
        private = opened_private_key(tender_key)
        try:
            for name in names:
                yield crypto.age_decrypt(sealing.read_sealed(name), private)
        finally:
            del private

    response = StreamingHttpResponse(stream(), content_type=file.detected_type
                                     or "application/octet-stream")
    response["Content-Length"] = str(file.size)
    inline = file.detected_type == "application/pdf" and request.GET.get("inline") == "1"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(not inline, file.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@perm_required(Perm.OPEN_BIDS)
def case_new(request: HttpRequest, pk: int, bid_uuid: str) -> HttpResponse:
    tender = _tender_for_opening(request, pk)
    if not is_opener(request_user(request), tender):
        raise Http404
    bid = Bid.objects.filter(tender=tender, uuid=bid_uuid,
                             status=Bid.Status.SUBMITTED).select_related(
        "participant__vendor").first()
    if bid is None:
        raise Http404
    files = BidFile.objects.filter(bid=bid).exclude(open_status=BidFile.OpenStatus.SEALED)
    form = CaseForm(request.POST or None, files=files,
                    initial={"bid_files": files.filter(open_status=BidFile.OpenStatus.FAILED)})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_file(actor=request_user(request), bid=bid,
                                      files=form.cleaned_data["bid_files"],
                                      description=form.cleaned_data["description"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request has been sent to the LPSE."))
            return redirect("bids:case_detail", pk=case.pk)
    return render(request, "bids/case_new.html", {"tender": tender, "bid": bid, "form": form})
