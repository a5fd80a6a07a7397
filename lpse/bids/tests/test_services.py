"""The sealed-bid services against the real database, storage and cryptography."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.audit.models import AuditEvent
from lpse.bids import receipts, services
from lpse.bids.bidsource import SealedBidSource
from lpse.bids.models import (
    Bid,
    BidFile,
    BidSegment,
    KeyShare,
    MemberKey,
    Opening,
    OpeningUnlock,
    TenderKey,
)
from lpse.bids.services.upload import UploadRefused
from lpse.bids.tests.factories import (
    committed,
    enrol,
    in_opening,
    in_upload,
    open_envelope,
    passphrase_of,
    pdf_bytes,
    sealed_tender,
    send_file,
    upload_bid,
)
from lpse.core.models import IssuedDocument
from lpse.tenders import services as tender_services
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    join,
    make_committee,
    make_package,
    make_tender,
    make_vendor,
    window,
)

pytestmark = pytest.mark.django_db


# --- Keys and publication --------------------------------------------------------------------


def test_passphrase_rules() -> None:
    user = make_user(Role.COMMITTEE)
    for bad in ("too short", "qwerty123456", f"x{user.username}xyz12345"):
        with pytest.raises(ValidationError):
            services.member_key_enrol(actor=user, passphrase=bad, passphrase_again=bad)
    with pytest.raises(ValidationError):
        services.member_key_enrol(actor=user, passphrase="a long enough phrase",
                                  passphrase_again="a long enough phrasE")
    key = enrol(user)
    assert key.is_active
    assert len(bytes(key.public_key)) == 32
    assert passphrase_of(user).encode() not in bytes(key.sealed_private_key)


def test_vendor_cannot_enrol() -> None:
    vendor = make_vendor()
    with pytest.raises(Exception, match="committee"):
        enrol(vendor.account)


def test_publication_refused_until_every_member_enrolled(clock: Any) -> None:
    agency = AgencyFactory()
    committee = make_committee(agency)
    package = make_package(agency=agency, committee=committee)
    tender = make_tender(package=package, publish=False)
    member = committee.member_users()[0]
    enrol(member)
    with pytest.raises(ValidationError, match="opening key"):
        tender_services.tender_publish(actor=member, tender=tender)
    assert not TenderKey.objects.exists()
    for user in committee.member_users()[1:]:
        enrol(user)
    tender_services.tender_publish(actor=member, tender=tender)
    key = TenderKey.objects.get(tender=tender)
    assert (key.threshold, key.share_count) == (2, 3)
    assert KeyShare.objects.filter(tender_key=key).count() == 3
    assert key.opened_identity is None
    assert AuditEvent.objects.filter(action="bids.tender_key_created").exists()


def test_two_file_method_has_two_keys(clock: Any) -> None:
    tender = sealed_tender(file_method="dua_file")
    assert list(tender.bid_keys.values_list("envelope", flat=True)) == [1, 2]
    recipients = set(tender.bid_keys.values_list("recipient", flat=True))
    assert len(recipients) == 2


def test_passphrase_change_keeps_shares(clock: Any) -> None:
    tender = sealed_tender()
    member = tender.committee.member_users()[0]
    new = "another long passphrase 77"
    services.member_key_change_passphrase(actor=member, passphrase=passphrase_of(member),
                                          new_passphrase=new, new_passphrase_again=new)
    with pytest.raises(ValidationError):
        services.member_key_change_passphrase(actor=member, passphrase="wrong wrong wrong",
                                              new_passphrase=new, new_passphrase_again=new)
    clock.move_to(in_upload(tender))
    upload_bid(tender)
    clock.move_to(in_opening(tender))
    others = tender.committee.member_users()[1]
    services.opening_unlock(actor=member, tender=tender, envelope=1, passphrase=new)
    result = services.opening_unlock(actor=others, tender=tender, envelope=1,
                                     passphrase=passphrase_of(others))
    assert result.key_rebuilt


# --- Upload ------------------------------------------------------------------------------------


def test_upload_submit_receipt(clock: Any, smtp: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    data = pdf_bytes(size=20000)
    receipt = upload_bid(tender, vendor, files={"surat penawaran.pdf": data,
                                                "teknis.pdf": pdf_bytes()})
    bid = receipt.bid
    assert bid.status == Bid.Status.SUBMITTED
    body = receipt.document["receipt"]
    assert body["tender"]["code"] == tender.code
    assert body["audit_seq"] == AuditEvent.objects.get(action="bids.bid_submitted").seq
    entry = body["envelopes"][0]["files"][0]
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["sha256_checked_by"] == "server"
    assert body["server_time"]["wib"].endswith("+07:00")
    assert receipts.verify(receipt.document).valid
    # The plaintext is nowhere in storage: every stored segment is an age file.
    for segment in BidSegment.objects.filter(file__bid=bid):
        with default_storage.open(segment.storage_name, "rb") as handle:
            stored = handle.read()
        assert stored.startswith(b"age-encryption.org/v1\n")
        assert data[:200] not in stored
    # The offer price is sealed too.
    assert b"900000000" not in bytes(bid.sealed_offer or b"")
    assert bid.offer_amount is None
    # The PDF receipt is issued (task run immediately in tests) and mailed with the JSON.
    receipt.refresh_from_db()
    assert receipt.pdf is not None
    assert receipt.pdf.letter_type == "bids.receipt"
    message = smtp.to(vendor.email)[-1]
    assert any(part.get_filename().endswith(".json") for part in message.iter_attachments())


def test_multi_segment_file_and_resume(clock: Any, settings: Any) -> None:
    settings.BIDS_SEGMENT_BYTES = 64 * 1024
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    user = vendor.account
    bid = services.bid_start(actor=user, tender=tender)
    data = pdf_bytes(size=200_000)
    file = services.bid_file_declare(actor=user, bid=bid, name="besar.pdf", size=len(data),
                                     envelope=1)
    assert file.segment_count == 4

    def send(index: int) -> None:
        chunk = data[index * file.segment_size:(index + 1) * file.segment_size]
        services.segment_receive(actor=user, file=file, index=index, source=io.BytesIO(chunk),
                                 length=len(chunk))

    send(0)
    send(2)
    # Resuming: the bid page asks which segments are in, and sends the others.
    assert services.bid_start(actor=user, tender=tender) == bid
    with pytest.raises(UploadRefused, match="missing"):
        services.bid_file_complete(actor=user, file=file, sha256="0" * 64, md5="0" * 32)
    send(1)
    send(1)  # a retry after a lost answer: accepted, nothing duplicated
    send(3)
    assert file.segments.count() == 4
    services.bid_file_complete(actor=user, file=file, sha256=hashlib.sha256(data).hexdigest(),
                               md5=hashlib.md5(data, usedforsecurity=False).hexdigest())
    file.refresh_from_db()
    assert file.status == BidFile.Status.COMPLETE
    assert not file.sha256_server_checked
    receipt = services.bid_submit(actor=user, bid=bid, offer_amount="750000000")
    assert receipt.document["receipt"]["envelopes"][0]["files"][0]["sha256_checked_by"] == \
        "browser"
    assert len(receipt.document["receipt"]["envelopes"][0]["files"][0]["sealed"]
               ["segments"]) == 4


def test_segment_checks(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    user = vendor.account
    bid = services.bid_start(actor=user, tender=tender)
    data = pdf_bytes()
    file = services.bid_file_declare(actor=user, bid=bid, name="a.pdf", size=len(data),
                                     envelope=1)
    # A body shorter than announced (connection cut): refused, nothing stored.
    with pytest.raises(UploadRefused) as short:
        services.segment_receive(actor=user, file=file, index=0,
                                 source=io.BytesIO(data[:100]), length=len(data))
    assert short.value.stage == "transfer"
    # Damaged on the way: the browser's hash differs.
    with pytest.raises(UploadRefused) as damaged:
        services.segment_receive(actor=user, file=file, index=0, source=io.BytesIO(data),
                                 length=len(data), declared_sha256="ab" * 32)
    assert damaged.value.stage == "integrity"
    # The type comes from the content, not the name.
    exe = b"MZ\x90\x00" + b"\x00" * 5000
    other = services.bid_file_declare(actor=user, bid=bid, name="ok.pdf", size=len(exe),
                                      envelope=1)
    with pytest.raises(UploadRefused) as typed:
        services.segment_receive(actor=user, file=other, index=0, source=io.BytesIO(exe),
                                 length=len(exe))
    assert typed.value.stage == "type"
    assert not BidSegment.objects.exists()
    spool = list((__import__("django.conf").conf.settings.BIDS_SPOOL_DIR).iterdir())
    assert spool == []


def test_limits(clock: Any, settings: Any) -> None:
    settings.BIDS_MAX_FILES = 2
    settings.BIDS_MAX_BYTES = 10_000
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    bid = services.bid_start(actor=vendor.account, tender=tender)
    services.bid_file_declare(actor=vendor.account, bid=bid, name="a", size=4000, envelope=1)
    with pytest.raises(UploadRefused, match="MB"):
        services.bid_file_declare(actor=vendor.account, bid=bid, name="b", size=7000,
                                  envelope=1)
    services.bid_file_declare(actor=vendor.account, bid=bid, name="b", size=4000, envelope=1)
    with pytest.raises(UploadRefused, match="at most 2"):
        services.bid_file_declare(actor=vendor.account, bid=bid, name="c", size=1, envelope=1)


def test_only_participants_with_pact_during_upload(clock: Any) -> None:
    tender = sealed_tender()
    vendor = make_vendor()
    clock.move_to(in_upload(tender))
    with pytest.raises(UploadRefused) as refused:
        services.bid_start(actor=vendor.account, tender=tender)
    assert refused.value.stage == "access"
    join(tender, vendor)
    clock.move_to(window(tender, StageCode.UPLOAD).starts_at - timedelta(seconds=1))
    with pytest.raises(UploadRefused, match="not started"):
        services.bid_start(actor=vendor.account, tender=tender)


def test_supersede_and_withdraw(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    first = upload_bid(tender, vendor, amount=Decimal("910000000")).bid
    second = upload_bid(tender, vendor, amount=Decimal("905000000")).bid
    first.refresh_from_db()
    assert first.status == Bid.Status.SUPERSEDED
    assert first.superseded_by == second
    assert second.receipt.document["receipt"]["bid"]["supersedes"] == str(first.uuid)
    services.bid_withdraw(actor=vendor.account, bid=second)
    second.refresh_from_db()
    assert second.status == Bid.Status.WITHDRAWN
    assert SealedBidSource().submitted_participant_ids(tender) == set()
    # Another vendor cannot touch the bid.
    with pytest.raises(Exception):  # noqa: B017, PT011 — Http404
        services.bid_withdraw(actor=make_vendor().account, bid=second)


def test_submit_one_second_after_deadline_is_refused(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    earlier = upload_bid(tender, vendor).bid
    join_user = vendor.account
    bid = services.bid_start(actor=join_user, tender=tender)
    send_file(bid, join_user, "baru.pdf", pdf_bytes())
    deadline = window(tender, StageCode.UPLOAD).ends_at
    clock.move_to(deadline + timedelta(seconds=1))
    with pytest.raises(UploadRefused) as late:
        services.bid_submit(actor=join_user, bid=bid, offer_amount="1")
    assert late.value.stage == "deadline"
    bid.refresh_from_db()
    earlier.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT
    assert earlier.status == Bid.Status.SUBMITTED
    # A segment arriving after the deadline is refused too.
    data = pdf_bytes()
    with pytest.raises(UploadRefused):
        services.bid_file_declare(actor=join_user, bid=bid, name="x.pdf", size=len(data),
                                  envelope=1)
    # The draft expires; its sealed segments are deleted.
    names = list(BidSegment.objects.filter(file__bid=bid).values_list("storage_name",
                                                                      flat=True))
    with committed():
        assert services.drafts_expire() == 1
    bid.refresh_from_db()
    assert bid.status == Bid.Status.EXPIRED
    assert not any(default_storage.exists(n) for n in names)


def test_deadline_passing_during_a_segment(clock: Any) -> None:
    """An upload still streaming when the deadline falls fails cleanly: nothing stored."""
    tender = sealed_tender()
    deadline = window(tender, StageCode.UPLOAD).ends_at
    clock.move_to(deadline - timedelta(seconds=2))
    vendor = make_vendor()
    join(tender, vendor)
    bid = services.bid_start(actor=vendor.account, tender=tender)
    data = pdf_bytes(size=300_000)
    file = services.bid_file_declare(actor=vendor.account, bid=bid, name="a.pdf",
                                     size=len(data), envelope=1)

    class SlowBody(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            chunk = super().read(n)
            clock.shift(timedelta(seconds=1))  # the network is slow: time passes
            return chunk

    with pytest.raises(UploadRefused) as late:
        services.segment_receive(actor=vendor.account, file=file, index=0,
                                 source=SlowBody(data), length=len(data))
    assert late.value.stage == "deadline"
    assert not BidSegment.objects.exists()
    assert not any(True for _ in default_storage.listdir("bids")[1]) if default_storage.exists(
        "bids") else True


# --- Opening ------------------------------------------------------------------------------------


def test_opening_k_shares(clock: Any) -> None:
    tender = sealed_tender(members=5)
    clock.move_to(in_upload(tender))
    receipts_ = [upload_bid(tender, amount=Decimal(900000000 + i)) for i in range(3)]
    members = tender.committee.member_users()
    clock.move_to(in_opening(tender))
    key = TenderKey.objects.get(tender=tender)
    assert key.threshold == 3
    for member in members[:2]:
        result = services.opening_unlock(actor=member, tender=tender, envelope=1,
                                         passphrase=passphrase_of(member))
        assert not result.key_rebuilt
    # k−1 shares: nothing can be decrypted; shares are stored only sealed.
    key.refresh_from_db()
    assert key.opened_identity is None
    assert all(u.sealed_share for u in OpeningUnlock.objects.all())
    assert SealedBidSource().opened_offers(tender) == []
    with pytest.raises(ValidationError, match="already unlocked"):
        services.opening_unlock(actor=members[0], tender=tender, envelope=1,
                                passphrase=passphrase_of(members[0]))
    with committed():
        result = services.opening_unlock(actor=members[2], tender=tender, envelope=1,
                                         passphrase=passphrase_of(members[2]))
    assert result.key_rebuilt
    opening = Opening.objects.get()
    assert opening.status == Opening.Status.DONE  # the check ran (immediate tasks)
    assert not any(u.sealed_share for u in OpeningUnlock.objects.all())
    assert all(f.open_status == BidFile.OpenStatus.OK for f in BidFile.objects.all())
    offers = SealedBidSource().opened_offers(tender)
    assert sorted(o.amount for o in offers) == [Decimal(900000000 + i) for i in range(3)]
    assert opening.minutes is not None
    assert opening.minutes.letter_type == "bids.ba_opening"
    assert len(receipts_) == 3
    with pytest.raises(ValidationError, match="already been opened"):
        services.opening_unlock(actor=members[3], tender=tender, envelope=1,
                                passphrase=passphrase_of(members[3]))


def test_opening_before_deadline_refused_even_with_k(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    upload_bid(tender)
    for member in tender.committee.member_users():
        with pytest.raises(ValidationError, match="after the upload deadline"):
            services.opening_unlock(actor=member, tender=tender, envelope=1,
                                    passphrase=passphrase_of(member))
    assert not Opening.objects.exists()
    # After the deadline but before the opening stage: still refused.
    clock.move_to(window(tender, StageCode.OPENING).starts_at - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="opening stage"):
        services.opening_unlock(actor=tender.committee.member_users()[0], tender=tender,
                                envelope=1, passphrase=passphrase_of(
                                    tender.committee.member_users()[0]))


def test_wrong_passphrase_and_outsiders(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    upload_bid(tender)
    clock.move_to(in_opening(tender))
    member = tender.committee.member_users()[0]
    with pytest.raises(ValidationError, match="not correct"):
        services.opening_unlock(actor=member, tender=tender, envelope=1,
                                passphrase="not my passphrase at all")
    assert AuditEvent.objects.filter(action="bids.share_unlock_failed").count() == 1
    outsider = make_user(Role.COMMITTEE)
    enrol(outsider)
    with pytest.raises(Exception, match="committee"):
        services.opening_unlock(actor=outsider, tender=tender, envelope=1,
                                passphrase=passphrase_of(outsider))
    for _i in range(4):
        with pytest.raises(ValidationError):
            services.opening_unlock(actor=member, tender=tender, envelope=1,
                                    passphrase="not my passphrase at all")
    with pytest.raises(ValidationError, match="Too many"):
        services.opening_unlock(actor=member, tender=tender, envelope=1,
                                passphrase=passphrase_of(member))


def test_flipped_byte_and_truncation_reported_others_open(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    good = upload_bid(tender, files={"baik.pdf": pdf_bytes()}).bid
    flipped = upload_bid(tender, files={"rusak.pdf": pdf_bytes(), "utuh.pdf": pdf_bytes()}).bid
    truncated = upload_bid(tender, files={"terpotong.pdf": pdf_bytes(size=100_000)}).bid
    segment = BidSegment.objects.get(file__bid=flipped, file__name="rusak.pdf")
    path = default_storage.path(segment.storage_name)
    raw = bytearray(open(path, "rb").read())  # noqa: SIM115
    raw[len(raw) // 2] ^= 0x01
    open(path, "wb").write(bytes(raw))  # noqa: SIM115
    cut = BidSegment.objects.get(file__bid=truncated)
    cut_path = default_storage.path(cut.storage_name)
    whole = open(cut_path, "rb").read()  # noqa: SIM115
    open(cut_path, "wb").write(whole[:-20000])  # noqa: SIM115
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    results = {f.name: f for f in BidFile.objects.all()}
    assert results["baik.pdf"].open_status == BidFile.OpenStatus.OK
    assert results["utuh.pdf"].open_status == BidFile.OpenStatus.OK
    assert results["rusak.pdf"].open_status == BidFile.OpenStatus.FAILED
    assert results["rusak.pdf"].open_error == "decrypt_failed"
    assert results["terpotong.pdf"].open_status == BidFile.OpenStatus.FAILED
    assert results["terpotong.pdf"].open_error == "decrypt_failed"
    # The committee cannot evaluate until the LPSE has examined the failed files.
    source = SealedBidSource()
    assert not source.is_opened(tender)
    assert good.pk
    minutes = Opening.objects.get().minutes
    assert minutes is not None


def test_missing_segment_detected(clock: Any, settings: Any) -> None:
    settings.BIDS_SEGMENT_BYTES = 64 * 1024
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    bid = upload_bid(tender, files={"besar.pdf": pdf_bytes(size=150_000)}).bid
    BidSegment.objects.filter(file__bid=bid, index=2).delete()  # an insider drops the tail
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    file = BidFile.objects.get()
    assert file.open_status == BidFile.OpenStatus.FAILED
    assert file.open_error == "segment_missing"


def test_reordered_segments_detected(clock: Any, settings: Any) -> None:
    settings.BIDS_SEGMENT_BYTES = 64 * 1024
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    bid = upload_bid(tender, files={"besar.pdf": pdf_bytes(size=150_000)}).bid
    first, second = BidSegment.objects.filter(file__bid=bid).order_by("index")[:2]
    # Swap the stored ciphertexts (both are valid age files on their own).
    a, b = first.storage_name, second.storage_name
    BidSegment.objects.filter(pk=first.pk).update(storage_name="tmp-swap")
    BidSegment.objects.filter(pk=second.pk).update(storage_name=a)
    BidSegment.objects.filter(pk=first.pk).update(storage_name=b)
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    file = BidFile.objects.get()
    assert file.open_status == BidFile.OpenStatus.FAILED
    assert file.open_error in {"segment_mismatch", "sealed_mismatch"}


def test_two_envelopes_price_after_technical(clock: Any) -> None:
    tender = sealed_tender(file_method="dua_file")
    clock.move_to(in_upload(tender))
    passing = upload_bid(tender, files=[("teknis.pdf", pdf_bytes(), 1),
                                        ("harga.pdf", pdf_bytes(), 2)],
                         amount=Decimal("800000000")).bid
    failing = upload_bid(tender, files=[("teknis.pdf", pdf_bytes(), 1),
                                        ("harga.pdf", pdf_bytes(), 2)],
                         amount=Decimal("700000000")).bid
    with pytest.raises(UploadRefused, match="Envelope II"):
        upload_bid(tender, files=[("teknis.pdf", pdf_bytes(), 1)])
    clock.move_to(in_opening(tender))
    members = tender.committee.member_users()
    with pytest.raises(ValidationError, match="envelope I first"):
        services.opening_unlock(actor=members[0], tender=tender, envelope=2,
                                passphrase=passphrase_of(members[0]))
    open_envelope(tender, 1)
    assert BidFile.objects.filter(envelope=2, open_status=BidFile.OpenStatus.SEALED).count() == 2
    assert not SealedBidSource().is_opened(tender)
    with pytest.raises(ValidationError, match="technical evaluation result"):
        services.opening_unlock(actor=members[0], tender=tender, envelope=2,
                                passphrase=passphrase_of(members[0]))
    services.technical_result_record(actor=members[0], bid=passing, passed=True)
    with pytest.raises(ValidationError, match="reason"):
        services.technical_result_record(actor=members[0], bid=failing, passed=False)
    services.technical_result_record(actor=members[0], bid=failing, passed=False,
                                     notes="Metode kerja tidak memenuhi")
    open_envelope(tender, 2)
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert passing.offer_amount == Decimal("800000000")
    assert failing.offer_amount is None
    assert failing.offer_status == Bid.OfferStatus.NOT_OPENED
    assert BidFile.objects.get(bid=failing, envelope=2).open_status == \
        BidFile.OpenStatus.SEALED
    offers = SealedBidSource().opened_offers(tender)
    assert [o.participant_id for o in offers] == [passing.participant_id]
    assert IssuedDocument.objects.filter(letter_type="bids.ba_opening").count() == 2


def test_evaluation_starts_from_opened_bids(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    upload_bid(tender, amount=Decimal("930000000"))
    upload_bid(tender, amount=Decimal("920000000"))
    clock.move_to(in_opening(tender))
    member = tender.committee.member_users()[0]
    with pytest.raises(ValidationError, match="not been opened"):
        tender_services.evaluation_start(actor=member, tender=tender)
    open_envelope(tender)
    evaluations = tender_services.evaluation_start(actor=member, tender=tender)
    assert sorted(e.offer_amount for e in evaluations) == [Decimal("920000000"),
                                                           Decimal("930000000")]
    with pytest.raises(ValidationError, match="sealed bids"):
        tender_services.offer_record(actor=member, tender=tender,
                                     participant=evaluations[0].participant, amount=Decimal(1))


def test_superseded_and_withdrawn_never_opened(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    old = upload_bid(tender, vendor, files={"lama.pdf": pdf_bytes()}).bid
    upload_bid(tender, vendor, files={"baru.pdf": pdf_bytes()})
    gone = upload_bid(tender, files={"tarik.pdf": pdf_bytes()}).bid
    services.bid_withdraw(actor=gone.participant.vendor.account, bid=gone)
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    assert BidFile.objects.get(bid=old).open_status == BidFile.OpenStatus.SEALED
    assert BidFile.objects.get(bid=gone).open_status == BidFile.OpenStatus.SEALED
    assert BidFile.objects.get(name="baru.pdf").open_status == BidFile.OpenStatus.OK


def test_revoked_member_key_loses_its_share(clock: Any) -> None:
    tender = sealed_tender()
    member = tender.committee.member_users()[0]
    enrol(member, "a brand new passphrase 99")  # re-enrolled: the old share is lost
    assert MemberKey.objects.filter(user=member).count() == 2
    clock.move_to(in_upload(tender))
    upload_bid(tender)
    clock.move_to(in_opening(tender))
    with pytest.raises(ValidationError, match="replaced"):
        services.opening_unlock(actor=member, tender=tender, envelope=1,
                                passphrase="a brand new passphrase 99")
    open_envelope(tender, members=tender.committee.member_users()[1:])
    assert Opening.objects.get().status == Opening.Status.DONE


def test_spool_sweep_removes_leftovers_of_killed_workers(settings: Any) -> None:
    import os
    import time

    from lpse.bids.sealing import spool_dir, spool_sweep

    old = Path(spool_dir()) / "seg-killed.age"
    fresh = Path(spool_dir()) / "seg-running.age"
    old.write_bytes(b"age-encryption.org/v1\n...")
    fresh.write_bytes(b"age-encryption.org/v1\n...")
    os.utime(old, (time.time() - 7 * 3600, time.time() - 7 * 3600))
    assert spool_sweep() == 1
    assert not old.exists()
    assert fresh.exists()
