"""The tender services against the real database, clock moved with time_machine."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.audit.models import AuditEvent
from lpse.core.models import IssuedDocument
from lpse.tenders import hooks, services
from lpse.tenders.models import (
    Committee,
    CommitteeMember,
    Evaluation,
    Objection,
    Package,
    SopStepTiming,
    Tender,
)
from lpse.tenders.schedule import StageWindow
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    after,
    committee_member,
    inside,
    join,
    make_committee,
    make_package,
    make_tender,
    make_vendor,
    pdf_file,
    window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the pages are tested in Indonesian)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- Committees and packages --------------------------------------------------------------


def test_committee_needs_an_odd_number_of_at_least_three_members(clock):
    agency = AgencyFactory()
    admin = make_user(Role.AGENCY_ADMIN, agency=agency)
    users = [make_user(Role.COMMITTEE, agency=agency) for _ in range(4)]
    chair, member = CommitteeMember.Position.CHAIR, CommitteeMember.Position.MEMBER
    for members in ([(users[0], chair)], [(users[0], chair), (users[1], member)],
                    [(u, chair if i == 0 else member) for i, u in enumerate(users)]):
        with pytest.raises(ValidationError, match="odd number"):
            services.committee_create(actor=admin, kind=Committee.Kind.COMMITTEE, name="Pokja",
                                      members=members)
    committee = services.committee_create(
        actor=admin, kind=Committee.Kind.COMMITTEE, name="Pokja",
        members=[(users[0], chair), (users[1], member), (users[2], member)])
    assert committee.member_users() == users[:3]
    other_agency_user = make_user(Role.COMMITTEE)
    with pytest.raises(ValidationError, match="not an active"):
        services.committee_create(actor=admin, kind=Committee.Kind.COMMITTEE, name="Pokja 2",
                                  members=[(users[0], chair), (users[1], member),
                                           (other_agency_user, member)])
    officer = make_user(Role.PROCUREMENT_OFFICER, agency=agency)
    single = services.committee_create(actor=admin, kind=Committee.Kind.OFFICER,
                                       name="Pejabat Pengadaan", members=[(officer, member)])
    assert single.members.get().position == CommitteeMember.Position.OFFICER
    with pytest.raises(PermissionDenied):
        services.committee_create(actor=users[0], kind=Committee.Kind.COMMITTEE, name="X",
                                  members=[])


def test_members_are_frozen_while_a_tender_runs(clock):
    tender = make_tender()
    committee = tender.committee
    admin = Committee.objects.get(pk=committee.pk).created_by
    agency = committee.agency
    others = [make_user(Role.COMMITTEE, agency=agency) for _ in range(3)]
    members = [(u, CommitteeMember.Position.CHAIR if i == 0 else CommitteeMember.Position.MEMBER)
               for i, u in enumerate(others)]
    with pytest.raises(ValidationError, match="cannot change"):
        services.committee_update(actor=admin, committee=committee, name=committee.name,
                                  members=members)
    services.committee_update(actor=admin, committee=committee, name="Pokja Baru",
                              members=[(m.user, m.position) for m in committee.members.all()])


def test_package_hps_cannot_exceed_pagu_and_is_locked_after_hand_over(clock):
    with pytest.raises(ValidationError) as caught:
        make_package(owner_estimate=Decimal("1000000001"), budget_ceiling=Decimal("1000000000"))
    assert "owner_estimate" in caught.value.message_dict
    assert not Package.objects.exists()
    package = make_package()
    assert package.code.startswith("PKT-2026-")
    assert package.status == Package.Status.HANDED_OVER
    with pytest.raises(ValidationError, match="no longer be edited"):
        services.package_update(actor=package.ppk, package=package, name="X")
    stranger = make_user(Role.PPK, agency=package.agency)
    with pytest.raises(PermissionDenied):
        services.package_cancel(actor=stranger, package=package, reason="x")


def test_hand_over_only_to_a_committee_of_the_agency(clock, smtp,
                                                     django_capture_on_commit_callbacks):
    package = make_package(hand_over=False)
    foreign = make_committee(AgencyFactory())
    with pytest.raises(ValidationError):
        services.package_hand_over(actor=package.ppk, package=package, committee=foreign)
    own = make_committee(package.agency)
    with django_capture_on_commit_callbacks(execute=True):
        services.package_hand_over(actor=package.ppk, package=package, committee=own)
    for user in own.member_users():
        assert smtp.to(user.email), "every committee member is told"


# --- Preparation and publication ----------------------------------------------------------


def test_tender_code_is_unique_and_stable_and_publication_needs_documents(clock):
    package = make_package()
    member = package.committee.members.first().user
    tender = services.tender_create(actor=member, package=package)
    assert tender.code == "2026000001"
    problems = services.publication_problems(tender)
    assert any("documents" in p for p in problems)
    assert any("schedule" in p for p in problems)
    with pytest.raises(ValidationError):
        services.tender_publish(actor=member, tender=tender)
    with pytest.raises(ValidationError, match="already has a tender"):
        services.tender_create(actor=member, package=package)
    second = make_tender()
    assert second.code == "2026000002"
    assert second.status == Tender.Status.PUBLISHED
    assert second.published_at is not None
    assert second.upload_ends_at == window(second, StageCode.UPLOAD).ends_at


def test_publish_hooks_can_refuse_and_run_inside_the_transaction(clock):
    package = make_package()
    tender = make_tender(package=package, publish=False)
    member = committee_member(tender)
    seen = []

    def refuse(t):
        return ["Member X has no opening key."]

    def callback(t, actor):
        seen.append((t.pk, t.status, actor.pk))

    hooks.register_publish_check(refuse)
    hooks.register_publish_callback(callback)
    try:
        with pytest.raises(ValidationError, match="opening key"):
            services.tender_publish(actor=member, tender=tender)
        hooks.unregister(refuse)
        services.tender_publish(actor=member, tender=tender)
    finally:
        hooks.unregister(refuse)
        hooks.unregister(callback)
    assert seen == [(tender.pk, Tender.Status.PUBLISHED, member.pk)]


def test_failing_callback_rolls_publication_back(clock):
    tender = make_tender(publish=False)

    def explode(t, actor):
        raise ValidationError("no key pair")

    hooks.register_publish_callback(explode)
    try:
        with pytest.raises(ValidationError):
            services.tender_publish(actor=committee_member(tender), tender=tender)
    finally:
        hooks.unregister(explode)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.DRAFT
    assert tender.published_at is None


def test_only_the_committee_of_the_tender_prepares_it(clock):
    tender = make_tender(publish=False)
    outsider = make_user(Role.COMMITTEE, agency=tender.agency)
    with pytest.raises(PermissionDenied):
        services.tender_publish(actor=outsider, tender=tender)


# --- Participation and clarification -------------------------------------------------------


def test_vendor_joins_with_the_integrity_pact_once(clock):
    tender = make_tender()
    vendor = make_vendor()
    with pytest.raises(ValidationError):
        services.tender_join(actor=vendor.account, tender=tender, accept_pact=False)
    participant = services.tender_join(actor=vendor.account, tender=tender, accept_pact=True,
                                       ip_address="10.0.0.5")
    pact = participant.integrity_pact
    assert "KKN" in pact.text
    assert len(pact.sha256) == 64
    assert pact.ip_address == "10.0.0.5"
    with pytest.raises(ValidationError, match="already joined"):
        services.tender_join(actor=vendor.account, tender=tender, accept_pact=True)
    pending = make_vendor(status="pending")
    with pytest.raises(PermissionDenied):
        services.tender_join(actor=pending.account, tender=tender, accept_pact=True)
    clock.move_to(after(tender, StageCode.UPLOAD))
    with pytest.raises(ValidationError, match="closed"):
        join(tender)


def test_questions_only_during_clarification_and_answers_reach_everyone(
        clock, smtp, django_capture_on_commit_callbacks):
    tender = make_tender()
    asker, other = join(tender), join(tender)
    with pytest.raises(ValidationError, match="only during"):
        services.question_ask(actor=asker.vendor.account, tender=tender, text="Kapan?")
    clock.move_to(inside(tender, StageCode.CLARIFICATION))
    question = services.question_ask(actor=asker.vendor.account, tender=tender,
                                     text="Apakah boleh sub-kontrak?")
    member = committee_member(tender)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(actor=member, question=question, answer="Boleh sebagian.")
    for participant in (asker, other):
        body = smtp.body(smtp.to(participant.vendor.email)[-1])
        assert "Boleh sebagian." in body
        assert asker.vendor.name not in body or participant == asker
    with pytest.raises(ValidationError, match="after the clarification"):
        services.clarification_minutes_issue(actor=member, tender=tender)
    clock.move_to(after(tender, StageCode.CLARIFICATION))
    document = services.clarification_minutes_issue(actor=member, tender=tender)
    assert document.letter_type == "tenders.ba_clarification"
    assert document.file.content_type == "application/pdf"
    from django.utils import formats
    from pypdf import PdfReader

    from lpse.core.calendar import localdate_wib
    from lpse.core.files import open_stored

    text = " ".join(p.extract_text() for p in PdfReader(open_stored(document.file)).pages)
    text = " ".join(text.split())
    assert f"On this day, {formats.date_format(localdate_wib(), 'l, j F Y')}," in text
    assert f"/{tender.agency.code}/" in document.number  # the agency's letter
    with pytest.raises(ValidationError, match="minutes have been issued"):
        services.question_answer(actor=member, question=question, answer="Ralat")


# --- Schedule changes (Lampiran III 3.5–3.6) ---------------------------------------------


def _extend_upload(tender):
    """Move the upload deadline and everything after it one or more weeks later."""
    from django.utils import timezone

    from lpse.tenders.schedule import change_issues

    schedule = tender.schedule()
    for weeks in (1, 2, 3, 4):
        shift = timedelta(weeks=weeks)
        upload = schedule[StageCode.UPLOAD]
        changes = {StageCode.UPLOAD: StageWindow(upload.starts_at, upload.ends_at + shift),
                   StageCode.DOWNLOAD: StageWindow(schedule[StageCode.DOWNLOAD].starts_at,
                                                   upload.ends_at + shift)}
        for stage in tender.plan.stages[tender.plan.stages.index(StageCode.OPENING):]:
            old = schedule[stage]
            changes[stage] = StageWindow(old.starts_at + shift, old.ends_at + shift)
        if not change_issues(schedule, changes, tender.plan, now=timezone.now()):
            return changes
    raise AssertionError("no valid extension found")


def test_schedule_change_request_receive_apply_with_timings_and_mail(
        clock, smtp, django_capture_on_commit_callbacks):
    tender = make_tender()
    participants = [join(tender), join(tender)]
    appadmin = make_user(Role.APPADMIN)
    member = committee_member(tender)
    changes = _extend_upload(tender)
    clock.shift(timedelta(hours=2))  # 10:00 WIB: within service hours
    with pytest.raises(ValidationError, match="reason"):
        services.schedule_change_request(actor=member, tender=tender, windows=changes,
                                         reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.schedule_change_request(
            actor=member, tender=tender, windows=changes,
            reason="Perbaikan spesifikasi teknis pada dokumen pemilihan")
    assert smtp.to(appadmin.email), "the application administrator is told"
    assert request.items.count() == len(changes)
    with pytest.raises(ValidationError, match="already waiting"):
        services.schedule_change_request(actor=member, tender=tender, windows=changes,
                                         reason="lagi")
    with pytest.raises(PermissionDenied):
        services.schedule_change_apply(actor=member, request=request)
    clock.shift(timedelta(minutes=40))
    services.schedule_change_receive(actor=appadmin, request=request)
    clock.shift(timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_change_apply(actor=appadmin, request=request)
    tender.refresh_from_db()
    assert tender.upload_ends_at == changes[StageCode.UPLOAD].ends_at
    stage = tender.stages.get(code=StageCode.UPLOAD)
    assert stage.change_count == 1
    for participant in participants:
        body = smtp.body(smtp.to(participant.vendor.email)[-1])
        assert "Perbaikan spesifikasi teknis" in body
    steps = {s.step: s for s in SopStepTiming.objects.filter(subject_id=str(request.pk))}
    assert sorted(steps) == [1, 2, 3]
    assert steps[1].actor == member
    assert steps[2].actor == appadmin
    assert steps[3].working_minutes == 20
    assert steps[3].standard_max_minutes == 30
    assert steps[3].within_standard is True
    assert AuditEvent.objects.filter(action="tenders.schedule_changed").exists()


def test_direct_schedule_change_where_configured(clock, settings):
    settings.TENDER_SCHEDULE_CHANGE_DIRECT = True
    tender = make_tender()
    request = services.schedule_change_request(
        actor=committee_member(tender), tender=tender, windows=_extend_upload(tender),
        reason="Hari libur daerah")
    assert request.status == "applied"
    assert request.applied_directly
    assert list(SopStepTiming.objects.filter(subject_id=str(request.pk)).values_list(
        "step", flat=True)) == [1]


def test_upload_deadline_can_only_be_extended_once_upload_began(clock):
    tender = make_tender()
    upload = window(tender, StageCode.UPLOAD)
    clock.move_to(upload.starts_at + timedelta(minutes=5))
    earlier = upload.ends_at - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.schedule_change_request(
            actor=committee_member(tender), tender=tender, reason="Dipercepat",
            windows={StageCode.UPLOAD: StageWindow(upload.starts_at, earlier)})
    assert "extended" in str(caught.value)


def test_apply_rechecks_the_clock(clock):
    tender = make_tender()
    request = services.schedule_change_request(
        actor=committee_member(tender), tender=tender, windows=_extend_upload(tender),
        reason="Perpanjangan")
    appadmin = make_user(Role.APPADMIN)
    # The administrator waits until the announcement has ended: still fine for the upload…
    clock.move_to(after(tender, StageCode.UPLOAD, minutes=30))
    # …but by now the old upload window has ended, so it cannot be changed any more.
    with pytest.raises(ValidationError, match="already ended"):
        services.schedule_change_apply(actor=appadmin, request=request)
    services.schedule_change_reject(actor=appadmin, request=request, reason="Terlambat")
    request.refresh_from_db()
    assert request.status == "rejected"


def test_addendum_during_upload_requires_minimum_remaining_time(
        clock, smtp, django_capture_on_commit_callbacks, settings):
    settings.TENDER_ADDENDUM_MIN_UPLOAD_DAYS = 2
    tender = make_tender()
    early, late = join(tender), join(tender)
    member = committee_member(tender)
    upload = window(tender, StageCode.UPLOAD)
    clock.move_to(upload.ends_at - timedelta(hours=3))
    source, name = pdf_file()
    with pytest.raises(ValidationError, match="working days"):
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Adendum 1", reason="Perubahan BoQ")
    clock.move_to(upload.starts_at + timedelta(minutes=10))
    source, name = pdf_file()
    with pytest.raises(ValidationError, match="reason"):
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Adendum 1")
    # The interim bid source knows of no upload until the opening: both get the general mail.
    source, name = pdf_file()
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_add(actor=member, tender=tender, source=source,
                                          filename=name, title="Adendum 1",
                                          reason="Perubahan BoQ")
    assert document.version == 2
    assert document.is_addendum
    assert "Perubahan BoQ" in smtp.body(smtp.to(early.vendor.email)[-1])
    assert smtp.to(late.vendor.email)


# --- Evaluation to contract -----------------------------------------------------------------


def _opened(clock, bids):
    tender = make_tender()
    participants = [join(tender) for _ in bids]
    member = committee_member(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    for participant, amount in zip(participants, bids, strict=True):
        services.offer_record(actor=member, tender=tender, participant=participant,
                              amount=Decimal(amount))
    services.evaluation_start(actor=member, tender=tender)
    return tender, participants, member


def _pass_all(member, tender, overrides=None):
    for evaluation in tender.evaluations.all():
        values = {"administrative_passed": True, "technical_passed": True,
                  "price_passed": True, "qualification_passed": True,
                  "corrected_price": evaluation.offer_amount}
        values.update((overrides or {}).get(evaluation.participant_id, {}))
        services.evaluation_record(actor=member, evaluation=evaluation, **values)


def test_offers_are_recorded_only_from_the_opening(clock):
    tender = make_tender()
    participant = join(tender)
    with pytest.raises(ValidationError, match="not before"):
        services.offer_record(actor=committee_member(tender), tender=tender,
                              participant=participant, amount=Decimal(1))


def test_lowest_price_ranking_winner_reserves_bahp_announcement(clock, smtp,
                                                                django_capture_on_commit_callbacks):
    tender, (a, b, c, d), member = _opened(
        clock, ["900000000", "850000000", "870000000", "990000000"])
    # c fails the technical evaluation: under the knockout system its price and
    # qualification are not evaluated. d is above the HPS (950,000,000): it fails on price.
    _pass_all(member, tender, {a.pk: {"corrected_price": Decimal("880000000")},
                               c.pk: {"technical_passed": False, "technical_notes": "x",
                                      "price_passed": None, "qualification_passed": None},
                               d.pk: {"price_passed": False, "price_notes": "Above the HPS",
                                      "qualification_passed": None}})
    ranks = {e.participant_id: e.rank for e in Evaluation.objects.filter(tender=tender)}
    assert ranks == {b.pk: 1, a.pk: 2, c.pk: None, d.pk: None}
    with pytest.raises(ValidationError, match="winner determination"):
        services.tender_winner_set(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    chosen = services.tender_winner_set(actor=member, tender=tender)
    assert [e.participant_id for e in chosen] == [b.pk, a.pk]
    with pytest.raises(ValidationError, match="BAHP"):
        services.tender_winner_announce(actor=member, tender=tender)
    bahp = services.evaluation_minutes_issue(actor=member, tender=tender)
    assert bahp.letter_type == "tenders.bahp"
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    with django_capture_on_commit_callbacks(execute=True):
        services.tender_winner_announce(actor=member, tender=tender)
    assert b.vendor.name in smtp.body(smtp.to(d.vendor.email)[-1])


def _announced(clock):
    tender, participants, member = _opened(clock, ["900000000", "850000000"])
    _pass_all(member, tender)
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=member, tender=tender)
    services.evaluation_minutes_issue(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=member, tender=tender)
    return tender, participants, member


def test_objection_period_answer_then_award_and_contract(clock, smtp,
                                                         django_capture_on_commit_callbacks):
    tender, (loser, winner), member = _announced(clock)
    ppk = tender.package.ppk
    clock.move_to(inside(tender, StageCode.OBJECTION, minutes=60))
    outsider = make_vendor()
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=outsider.account, tender=tender, text="x")
    objection = services.objection_file(actor=loser.vendor.account, tender=tender,
                                        text="Harga pemenang tidak wajar")
    with pytest.raises(ValidationError, match="already filed"):
        services.objection_file(actor=loser.vendor.account, tender=tender, text="lagi")
    assert "objection period has not ended" in " ".join(services.award_problems(tender))
    clock.move_to(after(tender, StageCode.OBJECTION))
    with pytest.raises(ValidationError, match="objection period"):
        services.objection_file(actor=winner.vendor.account, tender=tender, text="x")
    assert "not been answered" in " ".join(services.award_problems(tender))
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_answer(actor=member, objection=objection,
                                  answer="Harga telah diklarifikasi wajar.",
                                  outcome=Objection.Outcome.REJECTED)
    assert "diklarifikasi" in smtp.body(smtp.to(loser.vendor.email)[-1])
    with pytest.raises(PermissionDenied):
        services.award_letter_issue(actor=member, tender=tender)
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.award_letter_issue(actor=ppk, tender=tender)
    assert letter.participant == winner
    assert letter.amount == Decimal("850000000")
    mail = smtp.to(winner.vendor.email)[-1]
    assert any(part.get_content_type() == "application/pdf" for part in mail.iter_attachments())
    with pytest.raises(ValidationError) as caught:
        services.contract_record(actor=ppk, tender=tender, number="K-1",
                                 signed_on=letter.issued_at.date() - timedelta(days=1),
                                 value=Decimal("2000000000"), starts_on=letter.issued_at.date(),
                                 ends_on=letter.issued_at.date())
    assert {"value", "signed_on"} <= set(caught.value.message_dict)
    day = letter.issued_at.date() + timedelta(days=1)
    services.contract_record(actor=ppk, tender=tender, number="602/01/KONTRAK/2026",
                             signed_on=day, value=Decimal("850000000"), starts_on=day,
                             ends_on=day + timedelta(days=90))
    tender.refresh_from_db()
    assert tender.status == Tender.Status.COMPLETED
    assert tender.package.status == Package.Status.COMPLETED


def test_upheld_objection_blocks_the_award(clock):
    tender, (loser, _winner), member = _announced(clock)
    clock.move_to(inside(tender, StageCode.OBJECTION))
    objection = services.objection_file(actor=loser.vendor.account, tender=tender, text="x")
    services.objection_answer(actor=member, objection=objection, answer="Benar",
                              outcome=Objection.Outcome.ACCEPTED)
    clock.move_to(after(tender, StageCode.OBJECTION))
    with pytest.raises(ValidationError, match="upheld"):
        services.award_letter_issue(actor=tender.package.ppk, tender=tender)
    services.tender_fail(actor=member, tender=tender, reason="Sanggah diterima")
    retender = services.tender_retender(actor=member, tender=tender)
    assert retender.previous == tender
    assert retender.status == Tender.Status.DRAFT
    assert retender.code != tender.code


def test_quality_and_cost_ranking(clock):
    package = make_package(category="konsultansi_bu", method="seleksi")
    tender = make_tender(package=package, publish=False)
    member = committee_member(tender)
    from lpse.catalog.models import EvaluationMethod

    method = EvaluationMethod.objects.get(code="kualitas_biaya")
    services.tender_update_settings(
        actor=member, tender=tender, name=tender.name, qualification=tender.qualification,
        file_method=tender.file_method, evaluation_method=method, requirements="",
        technical_weight=Decimal(80), technical_threshold=Decimal(70))
    services.tender_publish(actor=member, tender=tender)
    a, b = join(tender), join(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    services.offer_record(actor=member, tender=tender, participant=a, amount=Decimal(900))
    services.offer_record(actor=member, tender=tender, participant=b, amount=Decimal(600))
    services.evaluation_start(actor=member, tender=tender)
    tender.refresh_from_db()
    _pass_all(member, tender, {a.pk: {"technical_score": Decimal(90)},
                               b.pk: {"technical_score": Decimal(72)}})
    scores = {e.participant_id: (e.final_score, e.rank) for e in tender.evaluations.all()}
    # a: 90*0.8 + (600/900*100)*0.2 = 72 + 13.333 = 85.333; b: 72*0.8 + 100*0.2 = 77.6
    assert scores[a.pk] == (Decimal("85.333"), 1)
    assert scores[b.pk] == (Decimal("77.600"), 2)
    low = tender.evaluations.get(participant=b)
    services.evaluation_record(actor=member, evaluation=low, technical_score=Decimal(65),
                               technical_notes="Metodologi tidak memadai")
    low.refresh_from_db()
    assert low.technical_passed is False
    # Knockout system: the steps after the failed technical evaluation are cleared.
    assert (low.price_passed, low.qualification_passed) == (None, None)
    assert low.rank is None


def test_cancel_by_ppk_closes_the_package(clock, smtp, django_capture_on_commit_callbacks):
    tender = make_tender()
    participant = join(tender)
    with pytest.raises(PermissionDenied):
        services.tender_cancel(actor=committee_member(tender), tender=tender, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.tender_cancel(actor=tender.package.ppk, tender=tender,
                               reason="Anggaran dialihkan")
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CANCELLED
    assert tender.package.status == Package.Status.CANCELLED
    assert "Anggaran dialihkan" in smtp.body(smtp.to(participant.vendor.email)[-1])


def test_documents_issued_are_verifiable_records(clock):
    tender, _participants, _member = _announced(clock)
    assert IssuedDocument.objects.filter(subject_id=str(tender.pk)).count() == 1


def test_stage_notices_tell_participants_once(clock, smtp, django_capture_on_commit_callbacks):
    from lpse.tenders.jobs import stage_notices_send

    tender = make_tender()
    participant = join(tender)
    clock.move_to(inside(tender, StageCode.UPLOAD, minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        sent = stage_notices_send()
    assert sent >= 1
    subjects = [m["subject"] for m in smtp.to(participant.vendor.email)]
    assert any("Bid submission (upload)" in s or "Upload Dokumen Penawaran" in s
               for s in subjects)
    before = len(smtp.to(participant.vendor.email))
    with django_capture_on_commit_callbacks(execute=True):
        assert stage_notices_send() == 0
    assert len(smtp.to(participant.vendor.email)) == before
    # Long after a stage started (worker down), it is marked without mail.
    clock.move_to(inside(tender, StageCode.EVALUATION, minutes=60 * 20))
    with django_capture_on_commit_callbacks(execute=True):
        stage_notices_send()
    assert not smtp.to(committee_member(tender).email) or all(
        "Evaluasi" not in m["subject"] and "Evaluation" not in m["subject"]
        for m in smtp.to(committee_member(tender).email))


def test_blacklisted_vendor_cannot_join(clock):
    from datetime import date

    from lpse.vendors.services.blacklist import blacklist_add

    tender = make_tender()
    vendor = make_vendor()
    blacklist_add(actor=make_user(Role.APPADMIN), company_name=vendor.name, npwp=vendor.npwp,
                  nik="", source_reference="SK LKPP 12/2026", starts_on=date(2020, 1, 1),
                  ends_on=None)
    with pytest.raises(PermissionDenied, match="daftar hitam"):
        services.tender_join(actor=vendor.account, tender=tender, accept_pact=True)
    assert not tender.participants.exists()
