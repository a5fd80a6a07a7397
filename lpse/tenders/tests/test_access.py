"""Every role × every tender page: who gets in, who gets 403/404 (DESIGN.md §4 Access)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.testing.access import Access, check_matrix
from lpse.tenders import services
from lpse.tenders.models import Committee, CommitteeMember, Tender
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    make_package,
    make_tender,
    make_vendor,
    submit_qualification,
)

pytestmark = pytest.mark.django_db

R = Role
EVERYONE_OFFICIAL = set(Role) - {Role.VENDOR}
SEE_ALL = {R.AUDITOR, R.HEAD, R.APPADMIN, R.SYSADMIN}
AGENCY_VIEW = {R.BUDGET_OWNER, R.AGENCY_ADMIN}


@pytest.fixture
def objects(users_by_role, clock):
    agency = users_by_role[R.COMMITTEE].agency
    member = users_by_role[R.COMMITTEE]
    others = [make_user(R.COMMITTEE, agency=agency) for _ in range(2)]
    committee = services.committee_create(
        actor=users_by_role[R.AGENCY_ADMIN], kind=Committee.Kind.COMMITTEE, name="Pokja Matriks",
        members=[(member, CommitteeMember.Position.CHAIR),
                 *[(u, CommitteeMember.Position.MEMBER) for u in others]])
    ppk = users_by_role[R.PPK]
    published = make_tender(package=make_package(ppk=ppk, committee=committee))
    draft = make_tender(package=make_package(ppk=ppk, committee=committee,
                                             name="Pengadaan Alat Berat"), publish=False)
    vendor_user = users_by_role[R.VENDOR]
    vendor = make_vendor("CV Matriks", user=vendor_user)
    services.tender_join(actor=vendor_user, tender=published, accept_pact=True)
    change = services.schedule_change_request(
        actor=member, tender=published, reason="Uji matriks",
        windows={StageCode.CONTRACT_SIGNING: type(published.stage_window(
            StageCode.CONTRACT_SIGNING))(published.stage_window(StageCode.CONTRACT_SIGNING)
                                         .starts_at, published.stage_window(
            StageCode.CONTRACT_SIGNING).ends_at + timezone.timedelta(days=1))})
    prequalified = make_tender(package=make_package(ppk=ppk, committee=committee,
                                                    name="Pembangunan Gedung RSUD"),
                               prequalification=True)
    participant = services.tender_join(actor=vendor_user, tender=prequalified,
                                       accept_pact=True)
    clock.move_to(prequalified.stage_window(StageCode.QUALIFICATION_SUBMISSION).starts_at
                  + timezone.timedelta(minutes=5))
    submission = submit_qualification(prequalified, participant)
    return {"published": published, "draft": draft, "committee": committee,
            "package": published.package, "change": change, "vendor": vendor,
            "prequalified": prequalified, "submission": submission}


def test_access_matrix(objects, users_by_role, client_for):
    published: Tender = objects["published"]
    workspace_viewers = {R.COMMITTEE, R.PPK} | SEE_ALL | AGENCY_VIEW
    matrix = [
        Access("/tenders/", allowed=set(Role), public=True),
        Access("/tenders/feed/", allowed=set(Role), public=True),
        Access(lambda o: f"/tenders/{o['published'].code}/", allowed=set(Role), public=True),
        Access(lambda o: f"/tenders/{o['published'].code}/schedule/", allowed=set(Role),
               public=True),
        # A draft is not public.
        Access(lambda o: f"/tenders/{o['draft'].code}/", allowed=set(), denied=404, public=False),
        Access("/tenders/mine/", allowed={R.VENDOR}, denied=403),
        Access(lambda o: f"/tenders/{o['published'].code}/join/", allowed={R.VENDOR},
               denied=403),
        Access(lambda o: f"/tenders/{o['published'].code}/documents/1/",
               allowed={R.VENDOR} | workspace_viewers, denied=404),
        Access("/tenders/workspace/", allowed=workspace_viewers | {R.PROCUREMENT_OFFICER},
               denied=403),
        Access(lambda o: f"/tenders/workspace/{o['published'].pk}/",
               allowed=workspace_viewers, denied=404),
        Access(lambda o: f"/tenders/workspace/{o['draft'].pk}/",
               allowed=workspace_viewers, denied=404),
        Access(lambda o: f"/tenders/workspace/{o['draft'].pk}/settings/",
               allowed={R.COMMITTEE}, denied=(403, 404)),
        Access(lambda o: f"/tenders/workspace/{o['published'].pk}/schedule/",
               allowed={R.COMMITTEE}, denied=(403, 404)),
        Access(lambda o: f"/tenders/workspace/{o['published'].pk}/contract/",
               allowed={R.PPK}, denied=(403, 404)),
        Access("/tenders/packages/", allowed=workspace_viewers | {R.PROCUREMENT_OFFICER},
               denied=403),
        Access("/tenders/packages/new/", allowed={R.PPK}, denied=403),
        Access(lambda o: f"/tenders/packages/{o['package'].pk}/",
               allowed=workspace_viewers, denied=404),
        Access(lambda o: f"/tenders/packages/{o['package'].pk}/edit/",
               allowed={R.PPK}, denied=(403, 404)),
        Access("/tenders/committees/", allowed=workspace_viewers | {R.PROCUREMENT_OFFICER},
               denied=403),
        Access("/tenders/committees/new/", allowed={R.AGENCY_ADMIN}, denied=403),
        Access(lambda o: f"/tenders/committees/{o['committee'].pk}/",
               allowed=workspace_viewers, denied=404),
        Access(lambda o: f"/tenders/committees/{o['committee'].pk}/edit/",
               allowed={R.AGENCY_ADMIN}, denied=(403, 404)),
        Access("/tenders/schedule-changes/", allowed={R.APPADMIN, R.SYSADMIN}, denied=403),
        Access(lambda o: f"/tenders/schedule-changes/{o['change'].pk}/",
               allowed=workspace_viewers, denied=404),
        # Prequalification: the vendor's qualification data; the committee's evaluation.
        Access(lambda o: f"/tenders/{o['prequalified'].code}/qualification/",
               allowed={R.VENDOR}, denied=403),
        Access(lambda o: f"/tenders/workspace/{o['prequalified'].pk}/qualification/"
                         f"{o['submission'].pk}/",
               allowed={R.COMMITTEE}, denied=(403, 404)),
        Access(lambda o: f"/files/{o['submission'].file_id}/",
               allowed={R.VENDOR} | workspace_viewers, denied=(403, 404)),
        # Writes: only the committee publishes; the auditor (read-only) is refused.
        Access(lambda o: f"/tenders/workspace/{o['draft'].pk}/publish/", method="post",
               allowed={R.COMMITTEE}, denied=(403, 404, 405)),
    ]
    check_matrix(matrix, users_by_role, client_for, objects)
    published.refresh_from_db()
    objects["draft"].refresh_from_db()
    assert objects["draft"].status == Tender.Status.PUBLISHED
