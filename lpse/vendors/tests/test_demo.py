"""seed_demo: vendors in every state, created through the procedure, idempotent."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from lpse.core.demodata import DEFAULT_DEMO_PASSWORD
from lpse.vendors.models import EmailChangeRequest, Vendor
from lpse.vendors.selectors import blacklist_hits

pytestmark = pytest.mark.django_db


def test_seed_demo_has_vendors_in_every_state():
    call_command("seed_demo", "--quiet")
    by_user_id = {v.registered_user_id: v for v in Vendor.objects.all()}
    states = {user_id: vendor.status for user_id, vendor in by_user_id.items()}
    assert {states[u] for u in ("cv.mitra", "pt.tatar", "pt.medika")} == {"active"}
    assert states["cv.sinar"] == states["cv.cadas"] == "pending"
    assert states["cv.lingga"] == "expired"
    assert states["cv.tomo"] == "rejected"
    assert states["pt.jatinangor"] == "needs_reverification"
    assert states["cv.paseh"] == "deactivated"
    assert states["pt.darmaraja"] == "active"
    assert blacklist_hits(by_user_id["pt.darmaraja"])
    assert by_user_id["cv.cadas"].verification_sessions.get().outcome == "incomplete"
    assert by_user_id["cv.mitra"].licences.get().business_fields.count() == 3
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    assert by_user_id["cv.mitra"].account.check_password(password)
    assert EmailChangeRequest.objects.filter(vendor=by_user_id["cv.mitra"]).exists()
    count = Vendor.objects.count()
    call_command("seed_demo", "--quiet")
    assert Vendor.objects.count() == count
