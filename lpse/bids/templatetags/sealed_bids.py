"""Panels the tender pages include (`{% load sealed_bids %}`): the sealing key fingerprints
and the vendor's bid link on the announcement, the opening link in the workspace."""

from __future__ import annotations

from typing import Any

from django import template

from lpse.bids.access import can_view_opened, is_opener
from lpse.bids.models import Bid, Opening, TenderKey
from lpse.bids.services.keys import members_without_key
from lpse.tenders.services.prequalification import bid_problem

register = template.Library()


@register.inclusion_tag("bids/includes/public_panel.html", takes_context=True)
def sealed_bids_public(context: dict[str, Any], tender: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    keys = list(TenderKey.objects.filter(tender=tender).order_by("envelope"))
    bid = None
    participant = None
    invited = False
    vendor = getattr(user, "vendor", None) if user is not None and user.is_authenticated \
        else None
    if vendor is not None:
        participant = tender.participants.filter(vendor=vendor).first()
        if participant is not None:
            bid = Bid.objects.filter(participant=participant,
                                     status=Bid.Status.SUBMITTED).first()
            # After a prequalification only the shortlist is invited to bid.
            invited = bid_problem(participant) is None
    return {"tender": tender, "keys": keys, "participant": participant, "bid": bid,
            "invited": invited}


@register.inclusion_tag("bids/includes/workspace_panel.html", takes_context=True)
def sealed_bids_workspace(context: dict[str, Any], tender: Any) -> dict[str, Any]:
    user = context["request"].user
    openings = {o.tender_key.envelope: o for o in Opening.objects.filter(
        tender_key__tender=tender).select_related("tender_key")}
    return {
        "tender": tender, "keys": list(TenderKey.objects.filter(tender=tender)),
        "openings": openings, "member": is_opener(user, tender),
        "can_open_page": can_view_opened(user, tender),
        "missing": members_without_key(tender) if tender.status == "draft" else [],
        "submitted": Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).count(),
    }
