"""Prequalification (prakualifikasi): submission, evaluation, shortlist with its minutes,
the prequalification objection, and only the shortlist bidding — services and pages,
against the real database and a real SMTP server, the clock moved with time_machine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lpse.audit.models import AuditEvent
from lpse.bids.services.upload import UploadRefused, bid_start
from lpse.core.models import IssuedDocument
from lpse.tenders import services
from lpse.tenders.models import (
    Evaluation,
    Objection,
    QualificationSubmission,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import default_schedule, schedule_issues
from lpse.tenders.stages import StageCode, plan_for
from lpse.tenders.tests.factories import (
    PDF_BYTES,
    START,
    after,
    committee_member,
    inside,
    join,
    make_tender,
    make_vendor,
    pdf_file,
    submit_qualification,
)

pytestmark = pytest.mark.django_db

PREQUALIFICATION_STAGES = [StageCode.QUALIFICATION_SUBMISSION,
                           StageCode.QUALIFICATION_EVALUATION,
                           StageCode.QUALIFICATION_RESULT, StageCode.QUALIFICATION_OBJECTION]


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_the_plan_puts_the_prequalification_before_the_invitation_to_bid():
    plain, prequalified = plan_for("tender"), plan_for("tender", prequalification=True)
    assert not set(PREQUALIFICATION_STAGES) & set(plain.stages)
    assert StageCode.QUALIFICATION_PROOF in plain.stages
    # The qualification is proven in the prequalification, not again after the bids.
    assert StageCode.QUALIFICATION_PROOF not in prequalified.stages
    order = list(prequalified.stages)
    assert order[:6] == [StageCode.ANNOUNCEMENT, *PREQUALIFICATION_STAGES, StageCode.DOWNLOAD]
    windows = default_schedule(prequalified, START)
    assert schedule_issues(windows, prequalified, now=START) == []
    assert windows[StageCode.DOWNLOAD].starts_at >= \
        windows[StageCode.QUALIFICATION_OBJECTION].ends_at
    # The invitation may not start while the result can still be objected to.
    early = dict(windows)
    early[StageCode.DOWNLOAD] = windows[StageCode.QUALIFICATION_RESULT]
    assert ("overlap" in {i.code for i in schedule_issues(early, prequalified, now=START)
                          if i.stage == StageCode.DOWNLOAD})


def test_prequalification_stage_rules_can_be_overridden(settings):
    settings.TENDER_STAGE_RULES = {"prakualifikasi": {
        "qualification_submission": [7, "working_days"],
        "qualification_evaluation": [1, "working_days"],
        "qualification_result": [30, "minutes"],
        "qualification_objection": [5, "calendar_days"]}}
    plan = plan_for("seleksi", prequalification=True)
    assert plan.min_durations[StageCode.QUALIFICATION_SUBMISSION].amount == 7
    assert plan.min_durations[StageCode.QUALIFICATION_OBJECTION].unit == "calendar_days"


def _prequalified(clock, vendors=4):
    tender = make_tender(prequalification=True)
    assert tender.is_prequalification
    assert [s.code for s in tender.stages.all()][:2] == ["announcement",
                                                         "qualification_submission"]
    participants = [join(tender) for _ in range(vendors)]
    return tender, participants, committee_member(tender)


def _decided(clock, settings, notes="Tidak memenuhi"):
    """Two participants submit; the committee qualifies a, not b (`notes`), and decides."""
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender, (a, b), member = _prequalified(clock, vendors=2)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    for participant in (a, b):
        submit_qualification(tender, participant)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    services.qualification_evaluate(actor=member, submission=a.qualification_submission,
                                    passed=True)
    services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                    passed=False, notes=notes)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    result = services.prequalification_result_set(actor=member, tender=tender)
    return tender, a, b, member, result


def test_joining_closes_with_the_qualification_submission(clock):
    tender, _, _ = _prequalified(clock, vendors=1)
    clock.move_to(after(tender, StageCode.QUALIFICATION_SUBMISSION))
    assert not services.can_join(tender)
    with pytest.raises(ValidationError, match="closed"):
        join(tender)


def test_the_whole_prequalification_then_only_the_shortlist_bids(
        clock, smtp, django_capture_on_commit_callbacks):
    tender, (a, b, c, silent), member = _prequalified(clock)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    # Nothing is half-saved: the required fields and the first file are all checked.
    with pytest.raises(ValidationError) as caught:
        services.qualification_submit(actor=a.vendor.account, tender=tender, experience="",
                                      personnel=" ")
    assert set(caught.value.message_dict) == {"experience", "personnel", "file"}
    with pytest.raises(ValidationError, match="not accepted"):
        services.qualification_submit(actor=a.vendor.account, tender=tender,
                                      experience="x", personnel="y",
                                      source=SimpleUploadedFile("a.pdf", b"MZ" + b"0" * 300),
                                      filename="a.pdf")
    assert not QualificationSubmission.objects.exists()
    first = submit_qualification(tender, a)
    file_before = first.file_id
    # Replacing before the deadline keeps the file when no new one is attached.
    replaced = services.qualification_submit(actor=a.vendor.account, tender=tender,
                                             experience="Jalan provinsi 2025",
                                             personnel="Manajer proyek")
    assert replaced.pk == first.pk
    assert replaced.file_id == file_before
    assert replaced.experience == "Jalan provinsi 2025"
    submit_qualification(tender, b)
    submit_qualification(tender, c)
    with pytest.raises(PermissionDenied):
        services.qualification_submit(actor=make_vendor().account, tender=tender,
                                      experience="x", personnel="y")

    # Evaluation only after the deadline.
    sub_a = QualificationSubmission.objects.get(participant=a)
    with pytest.raises(ValidationError, match="after the submission deadline"):
        services.qualification_evaluate(actor=member, submission=sub_a, passed=True)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    with pytest.raises(ValidationError, match="only during"):
        submit_qualification(tender, silent)
    with pytest.raises(PermissionDenied):
        services.qualification_evaluate(actor=a.vendor.account, submission=sub_a, passed=True)
    sub_c = QualificationSubmission.objects.get(participant=c)
    with pytest.raises(ValidationError) as caught:
        services.qualification_evaluate(actor=member, submission=sub_c, passed=False)
    assert "notes" in caught.value.message_dict
    services.qualification_evaluate(actor=member, submission=sub_a, passed=True)
    services.qualification_evaluate(actor=member, submission=sub_c, passed=False,
                                    notes="SBU kualifikasi tidak sesuai")
    problems = " ".join(services.result_problems(tender))
    assert "stage has not started" in problems
    assert "Evaluate every submission" in problems
    sub_b = QualificationSubmission.objects.get(participant=b)
    services.qualification_evaluate(actor=member, submission=sub_b, passed=True)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    # Two qualified: fewer than the default minimum of three.
    with pytest.raises(ValidationError, match="Fewer than 3"):
        services.prequalification_result_set(actor=member, tender=tender)

    from django.test import override_settings

    with override_settings(TENDER_PREQUALIFICATION_MIN_QUALIFIED=2), \
            django_capture_on_commit_callbacks(execute=True):
        result = services.prequalification_result_set(actor=member, tender=tender)
    assert result.qualified_count == 2
    minutes = IssuedDocument.objects.get(pk=result.document_id)
    assert minutes.letter_type == "tenders.ba_prequalification"
    assert AuditEvent.objects.filter(action="tenders.prequalification_result_set").exists()
    # Each vendor reads its own result, in its language (Indonesian here).
    assert "LULUS prakualifikasi" in smtp.body(smtp.to(a.vendor.email)[-1])
    refused = smtp.body(smtp.to(c.vendor.email)[-1])
    assert "TIDAK LULUS" in refused
    assert "SBU kualifikasi" in refused
    assert "tidak menyampaikan" in smtp.body(smtp.to(silent.vendor.email)[-1])
    with pytest.raises(ValidationError, match="already been decided"):
        services.prequalification_result_set(actor=member, tender=tender)
    with pytest.raises(ValidationError, match="has been decided"):
        services.qualification_evaluate(actor=member, submission=sub_c, passed=True)

    # The prequalification objection: submitters only, once, during its period.
    with pytest.raises(ValidationError, match="objection period"):
        services.prequalification_objection_file(actor=c.vendor.account, tender=tender,
                                                 text="x")
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    with pytest.raises(PermissionDenied):
        services.prequalification_objection_file(actor=silent.vendor.account, tender=tender,
                                                 text="x")
    objection = services.prequalification_objection_file(
        actor=c.vendor.account, tender=tender, text="SBU kami berlaku sampai 2027.")
    assert objection.phase == Objection.Phase.QUALIFICATION
    with pytest.raises(ValidationError, match="already filed"):
        services.prequalification_objection_file(actor=c.vendor.account, tender=tender,
                                                 text="lagi")
    services.objection_answer(actor=member, objection=objection,
                              answer="SBU yang diunggah kedaluwarsa pada 2025.",
                              outcome=Objection.Outcome.REJECTED)

    # Only the shortlist is invited: questions and bids.
    assert services.bid_problem(a) is None
    assert "passed the prequalification" in (services.bid_problem(c) or "")
    clock.move_to(inside(tender, StageCode.CLARIFICATION))
    services.question_ask(actor=a.vendor.account, tender=tender, text="Apakah boleh KSO?")
    with pytest.raises(PermissionDenied, match="passed the prequalification"):
        services.question_ask(actor=c.vendor.account, tender=tender, text="x")
    clock.move_to(inside(tender, StageCode.UPLOAD))
    with pytest.raises(UploadRefused) as refused_bid:
        bid_start(actor=silent.vendor.account, tender=tender)
    assert refused_bid.value.code == "not_shortlisted"

    # The evaluation takes the shortlist's bids, their qualification already settled.
    clock.move_to(inside(tender, StageCode.OPENING))
    for participant, amount in ((a, 900_000_000), (b, 880_000_000), (c, 700_000_000)):
        services.offer_record(actor=member, tender=tender, participant=participant,
                              amount=Decimal(amount))
    evaluations = services.evaluation_start(actor=member, tender=tender)
    assert {e.participant_id for e in evaluations} == {a.pk, b.pk}
    assert all(e.qualification_passed for e in evaluations)
    assert minutes.number in Evaluation.objects.get(participant=a).qualification_notes


def test_an_unanswered_or_upheld_prequalification_objection_blocks_the_award(clock, settings):
    tender, _a, b, member, _result = _decided(clock, settings)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    objection = services.prequalification_objection_file(actor=b.vendor.account,
                                                         tender=tender, text="Keberatan")
    assert "not been answered" in " ".join(services.award_problems(tender))
    services.objection_answer(actor=member, objection=objection, answer="Benar",
                              outcome=Objection.Outcome.ACCEPTED)
    assert "upheld" in " ".join(services.award_problems(tender))
    # The award objection is separate: the same vendor may object to the winner later.
    assert not Objection.objects.filter(phase=Objection.Phase.AWARD).exists()


def test_an_upheld_prequalification_objection_leads_to_a_revised_shortlist(
        clock, smtp, settings, django_capture_on_commit_callbacks, client_for):
    tender, a, b, member, first = _decided(clock, settings, notes="SBU kedaluwarsa")
    first_number = first.document.number
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    objection = services.prequalification_objection_file(
        actor=b.vendor.account, tender=tender, text="SBU kami diperpanjang sampai 2028.")
    # Nothing to revise before an objection is upheld; a vendor without one is not reopened.
    with pytest.raises(ValidationError, match="has been decided"):
        services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                        passed=True)
    services.objection_answer(actor=member, objection=objection,
                              answer="Benar, SBU perpanjangan telah diverifikasi.",
                              outcome=Objection.Outcome.ACCEPTED)
    assert services.pending_revision(tender) == [objection]
    page = client_for(member).get(reverse("tenders:workspace", args=[tender.pk]))
    body = page.content.decode()
    assert "Sanggah prakualifikasi diterima" in body
    assert reverse("tenders:qualification_evaluate",
                   args=[tender.pk, b.qualification_submission.pk]) in body
    assert reverse("tenders:qualification_evaluate",
                   args=[tender.pk, a.qualification_submission.pk]) not in body
    from django.utils import translation

    translation.activate("en")  # the request left the page's language active
    with pytest.raises(ValidationError, match="has been decided"):
        services.qualification_evaluate(actor=member, submission=a.qualification_submission,
                                        passed=False, notes="x")
    services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                    passed=True, notes="SBU perpanjangan sah.")
    with django_capture_on_commit_callbacks(execute=True):
        revised = services.prequalification_result_set(actor=member, tender=tender)
    assert revised.pk == first.pk
    assert revised.revision == 2
    assert revised.qualified_count == 2
    assert revised.document.number != first_number
    assert IssuedDocument.objects.filter(letter_type="tenders.ba_prequalification").count() == 2
    assert AuditEvent.objects.filter(action="tenders.prequalification_result_revised").exists()
    assert "hasil revisi" in smtp.body(smtp.to(b.vendor.email)[-1])
    # Acted upon: nothing pending, the award is no longer blocked by it, b may bid.
    assert services.pending_revision(tender) == []
    assert "upheld" not in " ".join(services.award_problems(tender))
    assert services.bid_problem(b) is None
    with pytest.raises(ValidationError, match="already been decided"):
        services.prequalification_result_set(actor=member, tender=tender)


def test_no_revision_of_the_shortlist_once_the_upload_has_closed(clock, settings):
    tender, _a, b, member, _result = _decided(clock, settings)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    objection = services.prequalification_objection_file(actor=b.vendor.account,
                                                         tender=tender, text="Keberatan")
    clock.move_to(after(tender, StageCode.UPLOAD))
    services.objection_answer(actor=member, objection=objection, answer="Benar",
                              outcome=Objection.Outcome.ACCEPTED)
    with pytest.raises(ValidationError, match="has been decided"):
        services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                        passed=True)
    assert "no longer be revised" in " ".join(services.result_problems(tender))
    # Left: the award stays blocked, the committee declares the tender failed.
    assert "upheld" in " ".join(services.award_problems(tender))


def test_a_postqualification_tender_has_no_prequalification(clock):
    tender = make_tender()
    participant = join(tender)
    assert services.bid_problem(participant) is None
    with pytest.raises(ValidationError, match="no prequalification"):
        services.qualification_submit(actor=participant.vendor.account, tender=tender,
                                      experience="x", personnel="y")


# --- Pages ------------------------------------------------------------------------------------


def test_vendor_page_keeps_the_file_when_refused_then_committee_evaluates_and_decides(
        clock, client, client_for, settings):
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender, (a, b), member = _prequalified(clock, vendors=2)
    url = reverse("tenders:qualification", args=[tender.code])
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    vendor = client_for(a.vendor.account)
    response = vendor.get(url)
    assert response.status_code == 200, response
    page = response.content.decode()
    assert "Pengalaman" in page
    assert 'accept=".pdf"' in page
    # Refused for a missing field: the attached PDF is held, not asked for again.
    refused = vendor.post(url, {"experience": "Jalan 2024", "personnel": "",
                                "file": SimpleUploadedFile("kualifikasi.pdf", PDF_BYTES)})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "kualifikasi.pdf" in body
    assert "file__held" in body
    held = refused.context["form"]["file__held"].value()
    done = vendor.post(url, {"experience": "Jalan 2024", "personnel": "Manajer proyek",
                             "file__held": held})
    assert done.status_code == 302
    submission = QualificationSubmission.objects.get(participant=a)
    assert submission.file.original_name == "kualifikasi.pdf"
    # The documents: the vendor and the committee, not another vendor.
    file_url = reverse("core:file_download", args=[submission.file_id])
    assert vendor.get(file_url).status_code == 200
    assert client_for(b.vendor.account).get(file_url).status_code in (403, 404)
    assert client_for(member).get(file_url).status_code == 200
    # A vendor that has not joined is sent to the tender page.
    outsider = client_for(make_vendor().account)
    assert outsider.get(url).status_code == 302

    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    committee = client_for(member)
    workspace = committee.get(reverse("tenders:workspace", args=[tender.pk])).content.decode()
    assert a.vendor.name in workspace
    assert "Prakualifikasi" in workspace
    evaluate = reverse("tenders:qualification_evaluate", args=[tender.pk, submission.pk])
    assert "Manajer proyek" in committee.get(evaluate).content.decode()
    missing = committee.post(evaluate, {"passed": "0", "notes": ""})
    assert missing.status_code == 200
    assert "alasan" in missing.content.decode()
    assert committee.post(evaluate, {"passed": "1", "notes": "Lengkap"}).status_code == 302
    assert client_for(a.vendor.account).get(evaluate).status_code == 404
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    committee = client_for(member)  # a new day, a new session
    decided = committee.post(reverse("tenders:prequalification_result", args=[tender.pk]))
    assert decided.status_code == 302
    assert Tender.objects.get(pk=tender.pk).prequalification_result.qualified_count == 1

    public = client.get(reverse("tenders:public_detail", args=[tender.code])).content.decode()
    assert 'data-testid="prequalification-result"' in public
    assert a.vendor.name in public
    assert "Lulus" in public
    mine = client_for(a.vendor.account).get(url).content.decode()
    assert 'data-testid="qualification-result"' in mine
    # b joined but did not submit: not invited to bid (no bid button; the bid page says so).
    detail = reverse("tenders:public_detail", args=[tender.code])
    assert 'data-testid="bid-link"' not in client_for(b.vendor.account).get(
        detail).content.decode()
    assert 'data-testid="bid-link"' in client_for(a.vendor.account).get(detail).content.decode()
    bid_page = client_for(b.vendor.account).get(reverse("bids:bid", args=[tender.code]))
    assert 'data-testid="not-invited"' in bid_page.content.decode()


def test_pdf_minutes_of_the_prequalification(clock, settings):
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender, (a,), member = _prequalified(clock, vendors=1)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    source, name = pdf_file()
    services.qualification_submit(actor=a.vendor.account, tender=tender, experience="x",
                                  personnel="y", source=source, filename=name)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    services.qualification_evaluate(actor=member, submission=a.qualification_submission,
                                    passed=True)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    result = services.prequalification_result_set(actor=member, tender=tender)
    from lpse.core.files import open_stored

    with open_stored(result.document.file) as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert "BAHPK" in result.document.number


def test_after_the_prequalification_only_the_shortlist_is_told_of_the_upload(
        clock, smtp, settings, django_capture_on_commit_callbacks):
    from lpse.tenders.jobs import stage_notices_send

    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender, (invited, other), member = _prequalified(clock, vendors=2)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    submit_qualification(tender, invited)
    with django_capture_on_commit_callbacks(execute=True):
        stage_notices_send()  # the submission stage: every participant
    assert smtp.to(other.vendor.email)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    with django_capture_on_commit_callbacks(execute=True):
        stage_notices_send()  # the committee is told to evaluate
    assert smtp.to(member.email)
    services.qualification_evaluate(actor=member, submission=invited.qualification_submission,
                                    passed=True)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    services.prequalification_result_set(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.UPLOAD, minutes=5))
    before = len(smtp.to(other.vendor.email))
    with django_capture_on_commit_callbacks(execute=True):
        stage_notices_send()
    # In the vendor's language (Indonesian), whatever the worker's.
    assert any("Upload Dokumen Penawaran" in m["subject"]
               for m in smtp.to(invited.vendor.email))
    assert len(smtp.to(other.vendor.email)) == before


def test_the_public_api_shows_the_prequalification_result_once_decided(clock, client, settings):
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender, (a, b), member = _prequalified(clock, vendors=2)
    url = f"/api/v1/tenders/{tender.code}/results/"
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    for participant in (a, b):
        submit_qualification(tender, participant)
    assert client.get(url).json()["prequalification"] is None
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    services.qualification_evaluate(actor=member, submission=a.qualification_submission,
                                    passed=True)
    services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                    passed=False, notes="SBU kedaluwarsa")
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    result = services.prequalification_result_set(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    services.prequalification_objection_file(actor=b.vendor.account, tender=tender,
                                             text="SBU kami masih berlaku.")
    body = client.get(url).json()
    assert body["prequalification"]["minutes_number"] == result.document.number
    assert body["prequalification"]["qualified_count"] == 1
    assert {(v["vendor"], v["qualified"]) for v in body["prequalification"]["vendors"]} == {
        (a.vendor.name, True), (b.vendor.name, False)}
    assert "notes" not in body["prequalification"]["vendors"][0]
    assert [(o["phase"], o["vendor"]) for o in body["objections"]] == [
        ("qualification", b.vendor.name)]
    assert body["evaluations"] == []


# --- Qualification and selection documents ---------------------------------------------------


def test_qualification_documents_belong_to_a_prequalification(clock):
    plain = make_tender(publish=False)
    source, name = pdf_file()
    with pytest.raises(ValidationError) as caught:
        services.document_add(actor=committee_member(plain), tender=plain, source=source,
                              filename=name, title="Dokumen Kualifikasi",
                              kind=TenderDocument.Kind.QUALIFICATION)
    assert "kind" in caught.value.message_dict
    draft = make_tender(prequalification=True, publish=False)
    draft.documents.filter(kind=TenderDocument.Kind.QUALIFICATION).delete()
    assert "Upload the qualification documents (Dokumen Kualifikasi)." in \
        services.publication_problems(draft)


def test_the_selection_documents_are_for_the_shortlist_only(clock, settings, client_for):
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender = make_tender(prequalification=True, publish=False)
    member = committee_member(tender)
    # Published with the qualification documents only; the selection documents follow.
    tender.documents.filter(kind=TenderDocument.Kind.SELECTION).delete()
    services.tender_publish(actor=member, tender=tender)
    a, b = join(tender), join(tender)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    for participant in (a, b):
        submit_qualification(tender, participant)
    source, name = pdf_file("pemilihan.pdf")
    selection = services.document_add(actor=member, tender=tender, source=source,
                                      filename=name, title="Dokumen Pemilihan")
    assert not selection.is_addendum, "the first selection documents are not an addendum"
    qualification = tender.documents.get(kind=TenderDocument.Kind.QUALIFICATION)

    def may_download(participant, document):
        try:
            services.document_download_record(actor=participant.vendor.account,
                                              document=document)
        except PermissionDenied:
            return False
        return True

    # Before the shortlist: every participant reads the qualification documents, nobody
    # the selection documents; the committee reads both.
    assert may_download(a, qualification)
    assert not may_download(a, selection)
    services.document_download_record(actor=member, document=selection)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_EVALUATION))
    services.qualification_evaluate(actor=member, submission=a.qualification_submission,
                                    passed=True)
    services.qualification_evaluate(actor=member, submission=b.qualification_submission,
                                    passed=False, notes="SBU tidak sesuai")
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    services.prequalification_result_set(actor=member, tender=tender)
    assert may_download(a, selection)
    assert not may_download(b, selection)
    assert may_download(b, qualification)
    # The pages: a download link for the shortlist, a note for the others; the download
    # view itself refuses (404) whoever may not read.
    url = reverse("tenders:document_download", args=[tender.code, selection.version])
    shortlisted, refused = client_for(a.vendor.account), client_for(b.vendor.account)
    page = reverse("tenders:public_detail", args=[tender.code])
    assert url in shortlisted.get(page).content.decode()
    refused_page = refused.get(page).content.decode()
    assert url not in refused_page
    assert 'data-testid="shortlist-only"' in refused_page
    assert shortlisted.get(url).status_code == 200
    assert refused.get(url).status_code == 404
    # After the shortlist, new selection documents are an addendum.
    clock.move_to(inside(tender, StageCode.QUALIFICATION_OBJECTION))
    source, name = pdf_file("pemilihan-2.pdf")
    with pytest.raises(ValidationError, match="reason"):
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Dokumen Pemilihan")


def test_a_selection_addendum_is_mailed_to_the_shortlist_only(
        clock, settings, smtp, django_capture_on_commit_callbacks):
    tender, a, b, member, _result = _decided(clock, settings)
    clock.move_to(inside(tender, StageCode.DOWNLOAD, minutes=30))
    source, name = pdf_file("adendum.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Adendum Dokumen Pemilihan", reason="Perubahan BoQ")
    assert "Perubahan BoQ" in smtp.body(smtp.to(a.vendor.email)[-1])
    assert not any("Perubahan BoQ" in smtp.body(m) for m in smtp.to(b.vendor.email))


def test_no_shortlist_without_the_selection_documents(clock, settings):
    settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED = 1
    tender = make_tender(prequalification=True, publish=False)
    member = committee_member(tender)
    tender.documents.filter(kind=TenderDocument.Kind.SELECTION).delete()
    services.tender_publish(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    assert "Upload the selection documents (Dokumen Pemilihan) first: the shortlist is " \
           "invited with them." in services.result_problems(tender)


def test_the_qualification_documents_are_amended_only_while_they_can_be_submitted(clock):
    tender = make_tender(prequalification=True)
    member = committee_member(tender)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    source, name = pdf_file("kualifikasi-2.pdf")
    addendum = services.document_add(actor=member, tender=tender, source=source,
                                     filename=name, title="Adendum Dokumen Kualifikasi",
                                     reason="Syarat SBU diperbaiki",
                                     kind=TenderDocument.Kind.QUALIFICATION)
    assert addendum.is_addendum
    clock.move_to(after(tender, StageCode.QUALIFICATION_SUBMISSION))
    source, name = pdf_file("kualifikasi-3.pdf")
    with pytest.raises(ValidationError, match="qualification submission has closed"):
        services.document_add(actor=member, tender=tender, source=source, filename=name,
                              title="Adendum", reason="Lagi",
                              kind=TenderDocument.Kind.QUALIFICATION)


def test_too_few_qualified_is_said_only_once_everything_is_evaluated(clock, settings):
    tender, (a, b), member = _prequalified(clock, vendors=2)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_SUBMISSION))
    for participant in (a, b):
        submit_qualification(tender, participant)
    clock.move_to(inside(tender, StageCode.QUALIFICATION_RESULT))
    problems = " ".join(services.result_problems(tender))
    assert "Evaluate every submission first." in problems
    assert "Fewer than" not in problems
    for participant in (a, b):
        services.qualification_evaluate(actor=member, submission=participant
                                        .qualification_submission, passed=True)
    assert "Fewer than 3 vendors qualified" in " ".join(services.result_problems(tender))


def test_the_document_form_proposes_the_kind_due_next(clock, client_for):
    tender = make_tender(prequalification=True, publish=False)
    member = committee_member(tender)
    tender.documents.all().delete()
    url = reverse("tenders:workspace", args=[tender.pk])
    page = client_for(member).get(url).content.decode()
    assert '<option value="qualification" selected>' in page
    assert 'value="Dokumen Kualifikasi"' in page
    source, name = pdf_file()
    services.document_add(actor=member, tender=tender, source=source, filename=name,
                          title="Dokumen Kualifikasi", kind=TenderDocument.Kind.QUALIFICATION)
    page = client_for(member).get(url).content.decode()
    assert '<option value="selection" selected>' in page
