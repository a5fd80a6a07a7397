"""Building blocks for sealed-bid tests: enrolled committees, sealed tenders, uploads,
openings — all through the real services."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lpse.accounts.models import User
from lpse.bids import services
from lpse.bids.models import Bid, MemberKey, Receipt
from lpse.catalog.models import FileMethod
from lpse.tenders.models import Committee, Tender
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import join, make_package, make_tender, make_vendor, window
from lpse.vendors.models import Vendor

PASSPHRASE = "kunci pembukaan rahasia 2026"


def committed() -> Any:
    """Run the on-commit callbacks (tasks, mail, storage clean-up) registered inside, as a
    real commit would (tests run inside one transaction)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def passphrase_of(user: User) -> str:
    return f"{PASSPHRASE} {user.pk}"


def enrol(user: User, passphrase: str | None = None) -> MemberKey:
    phrase = passphrase or passphrase_of(user)
    return services.member_key_enrol(actor=user, passphrase=phrase, passphrase_again=phrase)


def enrol_committee(committee: Committee) -> None:
    for user in committee.member_users():
        enrol(user)


def sealed_tender(*, file_method: str = "satu_file", start: datetime | None = None,
                  members: int = 3, **package_kwargs: Any) -> Tender:
    """A published tender whose committee enrolled its opening keys."""
    from lpse.accounts.tests.factories import AgencyFactory
    from lpse.tenders.tests.factories import make_committee

    agency = package_kwargs.pop("agency", None) or AgencyFactory()
    committee = make_committee(agency, size=members)
    enrol_committee(committee)
    package = make_package(agency=agency, committee=committee, **package_kwargs)
    tender = make_tender(package=package, start=start, publish=False)
    if file_method != "satu_file":
        member = committee.member_users()[0]
        from lpse.tenders import services as tender_services

        tender_services.tender_update_settings(
            actor=member, tender=tender, name=tender.name, qualification=tender.qualification,
            file_method=FileMethod.objects.get(code=file_method),
            evaluation_method=tender.evaluation_method, requirements=tender.requirements)
    from lpse.tenders import services as tender_services

    tender_services.tender_publish(actor=committee.member_users()[0], tender=tender)
    tender.refresh_from_db()
    return tender


def pdf_bytes(text: str = "", *, author: str = "", size: int = 3000) -> bytes:
    """A small valid PDF (pypdf), with an author in its metadata when given."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if author:
        writer.add_metadata({"/Author": author})
    writer.add_metadata({"/Subject": text or os.urandom(8).hex()})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if len(data) < size:
        data += b"\n%" + os.urandom((size - len(data)) // 2).hex().encode()
    return data


def in_upload(tender: Tender, minutes: int = 5) -> datetime:
    return window(tender, StageCode.UPLOAD).starts_at + timedelta(minutes=minutes)


def in_opening(tender: Tender, minutes: int = 5) -> datetime:
    return window(tender, StageCode.OPENING).starts_at + timedelta(minutes=minutes)


def send_file(bid: Bid, user: User, name: str, data: bytes, envelope: int = 1) -> None:
    file = services.bid_file_declare(actor=user, bid=bid, name=name, size=len(data),
                                     envelope=envelope)
    for index in range(file.segment_count):
        start = index * file.segment_size
        chunk = data[start:start + file.segment_size]
        services.segment_receive(actor=user, file=file, index=index, source=io.BytesIO(chunk),
                                 length=len(chunk),
                                 declared_sha256=hashlib.sha256(chunk).hexdigest())
    services.bid_file_complete(actor=user, file=file, sha256=hashlib.sha256(data).hexdigest(),
                               md5=hashlib.md5(data, usedforsecurity=False).hexdigest())


def upload_bid(tender: Tender, vendor: Vendor | None = None, *,
               files: Mapping[str, bytes] | Sequence[tuple[str, bytes, int]] | None = None,
               amount: Decimal = Decimal("900000000"), ip: str = "10.0.0.1") -> Receipt:
    """Join (if needed) and submit a bid; the clock must be in the upload stage."""
    vendor = vendor or make_vendor()
    if not tender.participants.filter(vendor=vendor).exists():
        join(tender, vendor)
    user = vendor.account
    bid = services.bid_start(actor=user, tender=tender)
    items = files if files is not None else {"penawaran.pdf": pdf_bytes()}
    entries = list(items.items()) if isinstance(items, Mapping) else list(items)
    for entry in entries:
        if len(entry) == 2:
            name, data = entry
            envelope = 1
        else:
            name, data, envelope = entry
        send_file(bid, user, name, data, envelope)
    with committed():
        return services.bid_submit(actor=user, bid=bid, offer_amount=amount, ip_address=ip)


def open_envelope(tender: Tender, envelope: int = 1, members: Sequence[User] | None = None
                  ) -> None:
    chosen = list(members) if members is not None else tender.committee.member_users()
    for user in chosen:
        with committed():
            result = services.opening_unlock(actor=user, tender=tender, envelope=envelope,
                                             passphrase=passphrase_of(user))
        if result.key_rebuilt:
            return
