"""Tenders plugged into operations: upload deadlines, people to notify, SOP 3.6 timings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.operations.hooks import Period, deadlines_between, participants_between, sop_source
from lpse.tenders import selectors, services
from lpse.tenders.schedule import StageWindow
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import committee_member, join, make_tender

pytestmark = pytest.mark.django_db


def test_upload_deadlines_and_people_in_a_maintenance_window(clock):
    tender = make_tender()
    participant = join(tender)
    deadline = tender.upload_ends_at
    inside = selectors.upload_deadlines_between(deadline - timedelta(hours=1),
                                                deadline + timedelta(hours=1))
    assert [d.code for d in inside] == [tender.code]
    assert selectors.upload_deadlines_between(deadline + timedelta(minutes=1),
                                              deadline + timedelta(hours=5)) == []
    overlapping = selectors.upload_windows_overlapping(tender.upload_starts_at,
                                                       tender.upload_starts_at
                                                       + timedelta(hours=1))
    assert [d.code for d in overlapping] == [tender.code]
    found = deadlines_between(deadline - timedelta(hours=1), deadline + timedelta(hours=1))
    assert [d.at for d in found] == [deadline]
    people = {p.email for p in participants_between(deadline - timedelta(hours=1), deadline)}
    assert participant.vendor.email in people
    assert committee_member(tender).email in people


def test_schedule_change_steps_feed_the_sop_report(clock):
    tender = make_tender()
    clock.shift(timedelta(hours=2))
    window = tender.stage_window(StageCode.CONTRACT_SIGNING)
    request = services.schedule_change_request(
        actor=committee_member(tender), tender=tender, reason="Libur daerah",
        windows={StageCode.CONTRACT_SIGNING: StageWindow(window.starts_at,
                                                         window.ends_at + timedelta(days=1))})
    admin = make_user(Role.APPADMIN)
    clock.shift(timedelta(minutes=50))
    services.schedule_change_receive(actor=admin, request=request)
    clock.shift(timedelta(minutes=25))
    services.schedule_change_apply(actor=admin, request=request)
    from django.utils import timezone

    period = Period(timezone.now() - timedelta(days=1), timezone.now() + timedelta(minutes=1))
    cases = {step: sop_source("3.6", step)(period) for step in ("1", "2", "3")}
    assert all(len(c) == 1 for c in cases.values())
    assert (cases["2"][0].finished_at - cases["2"][0].started_at) == timedelta(minutes=50)
    assert (cases["3"][0].finished_at - cases["3"][0].started_at) == timedelta(minutes=25)
    assert cases["3"][0].actor == admin.username
