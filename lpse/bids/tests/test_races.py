"""Races that matter, with real threads and real transactions."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from lpse.bids import services
from lpse.bids.models import Bid, BidSegment, Receipt
from lpse.bids.tests.factories import in_upload, pdf_bytes, sealed_tender, send_file
from lpse.tenders.tests.factories import join, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 — the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_submissions_of_one_vendor_at_once(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    user = vendor.account
    # Two browser tabs start at once: one draft.
    starts = _together(lambda: services.bid_start(actor=user, tender=tender),
                       lambda: services.bid_start(actor=user, tender=tender))
    assert all(isinstance(s, Bid) for s in starts), starts
    assert starts[0].pk == starts[1].pk
    bid = starts[0]
    send_file(bid, user, "penawaran.pdf", pdf_bytes())
    # Both tabs press "submit" at once: one submission, one receipt.
    results = _together(
        lambda: services.bid_submit(actor=user, bid=bid, offer_amount="900000000"),
        lambda: services.bid_submit(actor=user, bid=bid, offer_amount="890000000"))
    assert all(isinstance(r, Receipt) for r in results), results
    assert results[0].pk == results[1].pk
    assert Receipt.objects.count() == 1
    assert Bid.objects.filter(status=Bid.Status.SUBMITTED).count() == 1


def test_same_segment_twice_at_once(clock: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    user = vendor.account
    bid = services.bid_start(actor=user, tender=tender)
    data = pdf_bytes(size=40_000)
    file = services.bid_file_declare(actor=user, bid=bid, name="a.pdf", size=len(data),
                                     envelope=1)

    def send() -> Any:
        return services.segment_receive(actor=user, file=file, index=0,
                                        source=io.BytesIO(data), length=len(data),
                                        declared_sha256=hashlib.sha256(data).hexdigest())

    results = _together(send, send)
    assert not any(isinstance(r, Exception) for r in results), results
    assert BidSegment.objects.count() == 1
    stored = default_storage.listdir(f"bids/{tender.pk}/{bid.uuid.hex}")[1]
    assert len(stored) == 1  # the loser's ciphertext was removed


def test_new_bid_and_withdrawal_at_once(clock: Any) -> None:
    """A vendor submits a replacement while withdrawing the old bid: the two serialise on
    the participant; at most one bid stays submitted."""
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    user = vendor.account
    first = services.bid_start(actor=user, tender=tender)
    send_file(first, user, "lama.pdf", pdf_bytes())
    services.bid_submit(actor=user, bid=first, offer_amount="1000")
    second = services.bid_start(actor=user, tender=tender)
    send_file(second, user, "baru.pdf", pdf_bytes())
    results = _together(
        lambda: services.bid_submit(actor=user, bid=second, offer_amount="900"),
        lambda: services.bid_withdraw(actor=user, bid=first))
    assert Bid.objects.filter(status=Bid.Status.SUBMITTED).count() <= 1
    statuses = set(Bid.objects.values_list("status", flat=True))
    assert Bid.Status.SUBMITTED in statuses
    assert isinstance(results[0], Receipt)
