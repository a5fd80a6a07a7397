"""Demo data: the committee members' opening keys (before the tenders demo publishes its
tenders), and helpers the tenders demo calls to submit and open sealed bids.

Demo opening passphrase of every committee member: "buka sampul penawaran sumedang".
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.bids import services
from lpse.bids.models import Bid, MemberKey, Opening
from lpse.core.demodata import DemoContext

if TYPE_CHECKING:
    from lpse.tenders.models import Participant, Tender

ORDER = 35
MEMBERS = ("pokja1", "pokja2", "pokja3", "pp.dinkes")


DEMO_PASSPHRASE = "buka sampul penawaran sumedang"  # noqa: S105 — documented demo value


def demo_passphrase(user: User) -> str:
    return DEMO_PASSPHRASE


def seed(context: DemoContext) -> None:
    for username in MEMBERS:
        user = context.users.get(username) or User.objects.filter(username=username).first()
        if user is None or not has_perm(user, Perm.OPEN_BIDS):
            continue
        if MemberKey.objects.filter(user=user, revoked_at__isnull=True).exists():
            continue
        phrase = demo_passphrase(user)
        services.member_key_enrol(actor=user, passphrase=phrase, passphrase_again=phrase)
    if context.stdout is not None:
        context.stdout.write(f'Opening passphrase of the committee members: "{DEMO_PASSPHRASE}".')


def _demo_pdf(title: str) -> bytes:
    from lpse.core.pdf import PdfDocument

    doc = PdfDocument(title=title)
    doc.paragraph("Dokumen penawaran contoh (data demo).")
    return doc.render()


def submit_bids(tender: Tender, participants: Sequence[Participant],
                amounts: Sequence[Decimal]) -> None:
    """Each participant uploads and submits a sealed bid (the clock is in the upload stage)."""
    for participant, amount in zip(participants, amounts, strict=False):
        user = participant.vendor.account
        bid = services.bid_start(actor=user, tender=tender)
        for envelope in range(1, tender.bid_keys.count() + 1):
            data = _demo_pdf(f"PENAWARAN {participant.vendor.name.upper()}")
            file = services.bid_file_declare(actor=user, bid=bid, name=f"penawaran-{envelope}.pdf",
                                             size=len(data), envelope=envelope)
            services.segment_receive(actor=user, file=file, index=0, source=io.BytesIO(data),
                                     length=len(data))
            services.bid_file_complete(
                actor=user, file=file, sha256=hashlib.sha256(data).hexdigest(),
                md5=hashlib.md5(data, usedforsecurity=False).hexdigest())
        services.bid_submit(actor=user, bid=bid, offer_amount=amount,
                            ip_address="10.20.30.40")


def open_bids(tender: Tender) -> None:
    """Two members unlock their shares; the check runs at once (no worker needed)."""
    members = tender.committee.member_users()
    for key in tender.bid_keys.order_by("envelope"):
        if key.envelope == 2:
            for bid in Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED):
                services.technical_result_record(actor=members[0], bid=bid, passed=True)
        for user in members:
            result = services.opening_unlock(actor=user, tender=tender, envelope=key.envelope,
                                             passphrase=demo_passphrase(user))
            if result.key_rebuilt:
                break
        opening = Opening.objects.get(tender_key=key)
        services.opening_verify(opening_id=opening.pk)
