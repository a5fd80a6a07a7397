"""Races that matter, with real concurrency (threads, each on its own connection)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lpse.tenders import services
from lpse.tenders.models import Participant, ScheduleChangeRequest, Tender
from lpse.tenders.schedule import StageWindow
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import committee_member, make_package, make_tender, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls):
    """Run the calls at the same moment; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what is asserted
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_double_submitted_join_creates_one_participant(clock):
    tender = make_tender()
    vendor = make_vendor()
    join = lambda: services.tender_join(actor=vendor.account, tender=tender,  # noqa: E731
                                        accept_pact=True)
    results = _race(join, join, join)
    assert sum(isinstance(r, Participant) for r in results) == 1
    assert all(isinstance(r, Participant | ValidationError) for r in results)
    assert Participant.objects.filter(tender=tender, vendor=vendor).count() == 1


def test_two_schedule_change_requests_at_once_leave_one_open(clock):
    tender = make_tender()
    member = committee_member(tender)
    contract = tender.stage_window(StageCode.CONTRACT_SIGNING)

    def ask(days):
        return lambda: services.schedule_change_request(
            actor=member, tender=tender, reason=f"Perpanjangan {days} hari",
            windows={StageCode.CONTRACT_SIGNING: StageWindow(
                contract.starts_at, contract.ends_at + timedelta(days=days))})

    results = _race(ask(1), ask(2))
    assert sum(isinstance(r, ScheduleChangeRequest) for r in results) == 1
    assert ScheduleChangeRequest.objects.filter(tender=tender).count() == 1


def test_tender_codes_stay_unique_when_created_at_once(clock):
    packages = [make_package(name=f"Paket {i}") for i in range(3)]
    members = [committee_member_of(p) for p in packages]
    results = _race(*[lambda p=p, m=m: services.tender_create(actor=m, package=p)
                      for p, m in zip(packages, members, strict=True)])
    assert all(isinstance(r, Tender) for r in results), results
    assert len({r.code for r in results}) == 3


def committee_member_of(package):
    return package.committee.members.order_by("pk").first().user
