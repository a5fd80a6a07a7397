"""The restore drill's sealed-bid check (registered with lpse.backups.drills).

A drill restores an archive into a scratch database and directory; this check proves on
that copy that the sealed bids came back usable:

- an envelope already opened: its key (sealed at the opening with the server's vault key,
  which a backup never contains) opens one submitted bid of it from the restored
  ciphertext, and every file matches the signed receipt — the opening's own check;
- an envelope still sealed: nothing decrypts it without k committee members' passphrases,
  by design not even a drill. The check proves everything up to them: the tender key still
  has its n shares, each sealed to an enrolled member key, k ≤ n; every segment of every
  submitted bid is in the restored storage with its recorded size, and one bid per envelope
  is read back in full: each segment an age file with the SHA-256 recorded at upload.
"""

from __future__ import annotations

import hashlib

from django.db.models import Prefetch

from lpse.backups.drills import DrillCheckResult, DrillContext
from lpse.bids import crypto
from lpse.bids.models import Bid, BidFile, BidSegment, TenderKey
from lpse.bids.services.opening import check_file, opened_private_key
from lpse.core.age import AGE_HEADER

NAME = "bids.sealed_bid_opens"


def _submitted_files(key: TenderKey, alias: str) -> list[BidFile]:
    return list(BidFile.objects.using(alias).filter(
        bid__tender_id=key.tender_id, bid__status=Bid.Status.SUBMITTED,
        envelope=key.envelope).select_related("bid", "bid__receipt").prefetch_related(
        Prefetch("segments", queryset=BidSegment.objects.order_by("index"))
    ).order_by("bid_id", "pk"))


def _segment_problems(segment: BidSegment, context: DrillContext, *, read: bool) -> list[str]:
    where = f"segment {segment.index + 1} of {segment.storage_name}"
    try:
        if not read:
            size = context.storage.size(segment.storage_name)
            return [] if size == segment.sealed_size else [f"{where}: {size} bytes instead "
                                                           f"of {segment.sealed_size}"]
        with context.storage.open(segment.storage_name, "rb") as handle:
            data = handle.read()
    except OSError:
        return [f"{where}: missing from the restored storage"]
    if not data.startswith(AGE_HEADER):
        return [f"{where}: not an age file"]
    if hashlib.sha256(data).hexdigest() != segment.sealed_sha256:
        return [f"{where}: differs from the SHA-256 recorded at upload"]
    return []


def _check_sealed(key: TenderKey, files: list[BidFile], context: DrillContext) -> list[str]:
    problems = []
    shares = list(key.shares.select_related("member_key"))
    if not 2 <= key.threshold <= key.share_count == len(shares):
        problems.append(f"tender {key.tender_id} envelope {key.envelope}: {len(shares)} "
                        f"shares of {key.share_count}, {key.threshold} needed")
    problems += [f"tender {key.tender_id}: the share of member {s.member_id} is not sealed to "
                 "an enrolled key" for s in shares
                 if s.member_key.user_id != s.member_id or not s.sealed_share]
    first_bid = files[0].bid_id if files else None
    for file in files:
        for segment in file.segments.all():
            problems += _segment_problems(segment, context, read=file.bid_id == first_bid)
    return problems


def sealed_bids_check(context: DrillContext) -> DrillCheckResult:
    opened = sealed = bids = 0
    problems: list[str] = []
    for key in TenderKey.objects.using(context.alias).order_by("pk"):
        files = _submitted_files(key, context.alias)
        bids += len({f.bid_id for f in files})
        if key.opened_identity is None:
            sealed += 1
            problems += _check_sealed(key, files, context)
            continue
        opened += 1
        try:
            private = opened_private_key(key)
        except crypto.CryptoError:
            problems.append(f"tender {key.tender_id} envelope {key.envelope}: its opened key "
                            "does not open with this server's vault key")
            continue
        first = [f for f in files if f.bid_id == files[0].bid_id] if files else []
        for file in first:
            result = check_file(file, private, storage=context.storage)
            if not result.ok:
                problems.append(f"{file.name} (bid {file.bid.uuid}): {result.message}")
        del private
    if not opened and not sealed:
        return DrillCheckResult(True, "no sealed bids in this backup")
    detail = (f"{bids} submitted bids; {opened} opened envelopes (one bid of each decrypted "
              f"and matched its receipt), {sealed} sealed envelopes (shares and ciphertext "
              f"intact; opening them needs k members' passphrases)")
    if problems:
        detail += ". Problems: " + "; ".join(problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
    return DrillCheckResult(not problems, detail)
