"""The public tender API: list (filters, keyset pages), detail, schedule history, results."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.tenders import services
from lpse.tenders.schedule import StageWindow
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    committee_member,
    inside,
    join,
    make_package,
    make_tender,
)

pytestmark = pytest.mark.django_db


def test_list_filters_and_pages(clock, client, django_assert_max_num_queries):
    first = make_tender(name="Pembangunan Puskesmas Tanjungsari")
    for i in range(4):
        package = make_package(ppk=first.package.ppk, committee=first.committee,
                               name=f"Rehabilitasi Saluran {i}",
                               owner_estimate=Decimal(100_000_000 * (i + 1)),
                               budget_ceiling=Decimal(100_000_000 * (i + 1)))
        make_tender(package=package)
    with django_assert_max_num_queries(5):
        page = client.get("/api/v1/tenders/", {"page_size": 2}).json()
    assert len(page["results"]) == 2
    assert page["next"]
    assert page["previous"] is None
    second = client.get(page["next"]).json()
    third = client.get(second["next"]).json()
    codes = [r["code"] for p in (page, second, third) for r in p["results"]]
    assert len(codes) == 5 == len(set(codes))
    assert third["next"] is None
    back = client.get(third["previous"]).json()
    assert [r["code"] for r in back["results"]] == [r["code"] for r in second["results"]]
    found = client.get("/api/v1/tenders/", {"q": "puskesmas"}).json()["results"]
    assert [r["code"] for r in found] == [first.code]
    cheap = client.get("/api/v1/tenders/", {"value_max": "250000000", "sort": "value_asc",
                                            "agency": first.agency.code,
                                            "category": "konstruksi"}).json()["results"]
    assert [Decimal(r["owner_estimate"]) for r in cheap] == [Decimal(100_000_000),
                                                             Decimal(200_000_000)]
    assert client.get("/api/v1/tenders/", {"year": "abc"}).status_code == 400
    assert client.get("/api/v1/tenders/", {"stage": "nope"}).status_code == 400


def test_detail_schedule_history_and_results(clock, client):
    tender = make_tender()
    a, b = join(tender), join(tender)
    member = committee_member(tender)
    detail = client.get(f"/api/v1/tenders/{tender.code}/").json()
    assert detail["owner_estimate"] == "950000000.00"
    assert len(detail["stages"]) == 12
    assert detail["documents"][0]["sha256"]
    contract = tender.stage_window(StageCode.CONTRACT_SIGNING)
    request = services.schedule_change_request(
        actor=member, tender=tender, reason="Penyesuaian jadwal penandatanganan",
        windows={StageCode.CONTRACT_SIGNING: StageWindow(
            contract.starts_at, contract.ends_at + timedelta(days=2))})
    services.schedule_change_apply(actor=make_user(Role.APPADMIN), request=request)
    schedule = client.get(f"/api/v1/tenders/{tender.code}/schedule/").json()
    signing = next(s for s in schedule if s["code"] == "contract_signing")
    assert signing["change_count"] == 1
    assert signing["history"][0]["reason"] == "Penyesuaian jadwal penandatanganan"
    assert client.get(f"/api/v1/tenders/{tender.code}/results/").json()["evaluations"] == []
    clock.move_to(inside(tender, StageCode.OPENING))
    for participant, amount in ((a, 700), (b, 600)):
        services.offer_record(actor=member, tender=tender, participant=participant,
                              amount=Decimal(amount))
    services.evaluation_start(actor=member, tender=tender)
    for evaluation in tender.evaluations.all():
        services.evaluation_record(actor=member, evaluation=evaluation,
                                   administrative_passed=True, technical_passed=True,
                                   price_passed=True, qualification_passed=True)
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=member, tender=tender)
    services.evaluation_minutes_issue(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=member, tender=tender)
    results = client.get(f"/api/v1/tenders/{tender.code}/results/").json()
    assert [(r["vendor"], r["award"]) for r in results["evaluations"]] == [
        (b.vendor.name, "winner"), (a.vendor.name, "reserve_1")]
    assert client.get("/api/v1/tenders/9999999999/").status_code == 404
