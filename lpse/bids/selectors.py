"""Reads that depend on who is asking, and the integrity warnings of an opening."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lpse.accounts.roles import Perm, has_perm
from lpse.bids.access import can_view_opened
from lpse.bids.models import Bid, BidFile, Opening, TenderKey, UnopenableCase, UploadAttempt
from lpse.tenders.models import Participant, Tender
from lpse.vendors.models import Vendor

if TYPE_CHECKING:
    from lpse.accounts.models import User


def current_bid(participant: Participant) -> Bid | None:
    return Bid.objects.filter(participant=participant, status=Bid.Status.SUBMITTED).select_related(
        "receipt", "receipt__pdf").first()


def draft_bid(participant: Participant) -> Bid | None:
    return Bid.objects.filter(participant=participant, status=Bid.Status.DRAFT).prefetch_related(
        Prefetch("files", queryset=BidFile.objects.prefetch_related("segments"))).first()


def bid_history(participant: Participant) -> QuerySet[Bid]:
    return Bid.objects.filter(participant=participant).exclude(
        status=Bid.Status.DRAFT).select_related("receipt").order_by("-created_at")


def _remember_vendor(user: User, bid: Bid) -> None:
    """`user.vendor` is the bid's vendor (the lookup checked it): cache it on the user so
    later checks and the upload record do not query it again."""
    Vendor.account.field.remote_field.set_cached_value(user, bid.participant.vendor)


def bid_of_vendor(user: User, bid_uuid: str) -> Bid:
    """The vendor's own bid (404 for anyone else's, or for a user who is not a vendor)."""
    if not has_perm(user, Perm.SUBMIT_BIDS):
        raise Http404
    try:
        bid = Bid.objects.select_related(
            "tender", "tender__file_method", "participant", "participant__vendor").get(
            uuid=bid_uuid, participant__vendor__account=user)
    except Bid.DoesNotExist:
        raise Http404 from None
    _remember_vendor(user, bid)
    return bid


def file_of_vendor(user: User, bid_uuid: str, file_uuid: str) -> BidFile:
    """A file of the vendor's own bid, with its bid (one query)."""
    if not has_perm(user, Perm.SUBMIT_BIDS):
        raise Http404
    try:
        file = BidFile.objects.select_related(
            "bid", "bid__tender", "bid__tender__file_method", "bid__participant",
            "bid__participant__vendor").get(
            uuid=file_uuid, bid__uuid=bid_uuid, bid__participant__vendor__account=user)
    except BidFile.DoesNotExist:
        raise Http404 from None
    _remember_vendor(user, file.bid)
    return file


def tender_keys(tender: Tender) -> list[TenderKey]:
    return list(TenderKey.objects.filter(tender=tender).select_related("opening").order_by(
        "envelope"))


def openings_of(tender: Tender) -> dict[int, Opening]:
    return {o.tender_key.envelope: o for o in Opening.objects.filter(
        tender_key__tender=tender).select_related("tender_key", "minutes").prefetch_related(
        "unlocks__member")}


def opened_bids(tender: Tender) -> list[Bid]:
    """Bids that are or will be opened (submitted at the deadline), with their files."""
    return list(Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).select_related(
        "participant__vendor", "receipt", "technical_result").prefetch_related(
        Prefetch("files", queryset=BidFile.objects.order_by("envelope", "pk")),
        "cases").order_by("submitted_at", "pk"))


def opened_file_for(user: User, file_uuid: str) -> BidFile:
    """A file of an opened envelope that `user` may read (404 otherwise)."""
    file = BidFile.objects.select_related("bid", "bid__tender", "bid__tender__committee").filter(
        uuid=file_uuid).first()
    if file is None or file.bid.status != Bid.Status.SUBMITTED or \
            not can_view_opened(user, file.bid.tender):
        raise Http404
    opened = Opening.objects.filter(tender_key__tender=file.bid.tender,
                                    tender_key__envelope=file.envelope,
                                    status=Opening.Status.DONE).exists()
    if not opened or file.open_status != BidFile.OpenStatus.OK:
        raise Http404
    return file


def cases_visible_to(user: User) -> QuerySet[UnopenableCase]:
    qs = UnopenableCase.objects.select_related("tender", "bid__participant__vendor",
                                               "filed_by", "examiner")
    if has_perm(user, Perm.EXAMINE_BID_FILES) or has_perm(user, Perm.VIEW_BID_CASES):
        return qs
    if has_perm(user, Perm.OPEN_BIDS):
        return qs.filter(tender__committee__members__user=user)
    return qs.none()


def case_for(user: User, pk: int) -> UnopenableCase:
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def upload_attempts_visible_to(user: User) -> QuerySet[UploadAttempt]:
    if not has_perm(user, Perm.VIEW_UPLOAD_ATTEMPTS):
        return UploadAttempt.objects.none()
    return UploadAttempt.objects.select_related("user", "vendor", "tender")


# --- Integrity warnings ------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegrityFlag:
    kind: str
    detail: str
    vendors: tuple[str, ...]


def _network(ip: str) -> str:
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def integrity_flags(tender: Tender) -> list[IntegrityFlag]:
    """Warnings for the committee and the auditor, not verdicts: the same IP address, the
    same file in different vendors' bids, the same document author, submissions seconds
    apart from one network."""
    bids = list(opened_bids(tender))
    flags: list[IntegrityFlag] = []
    by_ip: dict[str, set[str]] = defaultdict(set)
    for bid in bids:
        if bid.submitted_ip:
            by_ip[bid.submitted_ip].add(bid.participant.vendor.name)
    for ip, vendors in sorted(by_ip.items()):
        if len(vendors) > 1:
            flags.append(IntegrityFlag("same_ip", ip, tuple(sorted(vendors))))
    by_hash: dict[str, set[str]] = defaultdict(set)
    by_author: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for bid in bids:
        for file in bid.files.all():
            if file.sha256:
                by_hash[file.sha256].add(bid.participant.vendor.name)
                names.setdefault(file.sha256, file.name)
            author = (file.metadata or {}).get("author", "").strip()
            if author:
                by_author[author.casefold()].add(bid.participant.vendor.name)
                names.setdefault("author:" + author.casefold(), author)
    for digest, vendors in sorted(by_hash.items()):
        if len(vendors) > 1:
            flags.append(IntegrityFlag("same_file", f"{names[digest]} ({digest[:16]}…)",
                                       tuple(sorted(vendors))))
    for author, vendors in sorted(by_author.items()):
        if len(vendors) > 1:
            flags.append(IntegrityFlag("same_author", names["author:" + author],
                                       tuple(sorted(vendors))))
    timed = sorted((b for b in bids if b.submitted_ip and b.submitted_at),
                   key=lambda b: b.submitted_at)  # type: ignore[arg-type, return-value]
    seen: set[tuple[str, str]] = set()
    for i, first in enumerate(timed):
        for second in timed[i + 1:]:
            assert first.submitted_at
            assert second.submitted_at
            gap = (second.submitted_at - first.submitted_at).total_seconds()
            if gap > settings.BIDS_FLAG_SECONDS_APART:
                break
            if first.participant_id == second.participant_id or \
                    first.submitted_ip == second.submitted_ip:
                continue
            net = _network(str(first.submitted_ip))
            if net != _network(str(second.submitted_ip)):
                continue
            pair = tuple(sorted((first.participant.vendor.name,
                                 second.participant.vendor.name)))
            if pair in seen:
                continue
            seen.add(pair)  # type: ignore[arg-type]
            flags.append(IntegrityFlag("close_in_time", f"{net}, {int(gap)} s", pair))
    return flags
