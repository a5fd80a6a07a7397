"""The evaluation rules a Pokja and a PPK work under (Perpres 16/2018, Perlem LKPP 12/2021):
the knockout system (sistem gugur), a reason for every failure, the price ceiling (HPS),
the contract within the award; and where the reasons show (BAHP, public results)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from lpse.core.files import open_stored
from lpse.tenders import services
from lpse.tenders.models import Evaluation
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    after,
    committee_member,
    inside,
    join,
    make_tender,
    make_vendor,
)

pytestmark = pytest.mark.django_db

PASS_ALL = {"administrative_passed": True, "technical_passed": True, "price_passed": True,
            "qualification_passed": True}


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _opened(clock, bids, names=None, **package):
    """A tender (HPS 950,000,000, pagu 1,000,000,000) whose bids are opened and evaluated."""
    tender = make_tender(**package)
    participants = [join(tender, make_vendor(names[i]) if names else None)
                    for i in range(len(bids))]
    member = committee_member(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    for participant, amount in zip(participants, bids, strict=True):
        services.offer_record(actor=member, tender=tender, participant=participant,
                              amount=Decimal(amount))
    services.evaluation_start(actor=member, tender=tender)
    return tender, participants, member


def _evaluation(participant) -> Evaluation:
    return Evaluation.objects.get(participant=participant)


def _record(member, participant, **values) -> Evaluation:
    return services.evaluation_record(actor=member, evaluation=_evaluation(participant),
                                      **values)


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- Defect 2: a price above the HPS fails the price evaluation ------------------------------


def test_a_corrected_price_above_the_hps_cannot_pass(clock):
    _tender, (a, b), member = _opened(clock, ["900000000", "990000000"])
    # The corrected price raised above the HPS (950,000,000) by the arithmetic correction.
    errors = _errors(lambda: _record(member, a, **PASS_ALL,
                                     corrected_price=Decimal("951000000")))
    assert "above the owner's estimate (HPS) Rp 950.000.000" in errors["price_passed"][0]
    # An offer above the HPS with no correction: the same.
    errors = _errors(lambda: _record(member, b, **PASS_ALL))
    assert "Rp 990.000.000" in errors["price_passed"][0]
    assert _evaluation(b).price_passed is None  # nothing saved
    # Failing it with the reason is what the committee records; the bid has no rank.
    failed = _record(member, b, administrative_passed=True, technical_passed=True,
                     price_passed=False, price_notes="Harga terkoreksi di atas HPS.")
    assert (failed.price_passed, failed.rank) == (False, None)
    # At the HPS exactly it passes and is ranked.
    ranked = _record(member, a, **PASS_ALL, corrected_price=Decimal("950000000"))
    assert ranked.rank == 1


def test_the_fixed_budget_method_caps_the_price_at_the_pagu(clock):
    from lpse.catalog.models import EvaluationMethod

    tender, (a,), member = _opened(clock, ["980000000"])
    method = EvaluationMethod.objects.filter(ranking_rule="fixed_budget").first()
    if method is None:
        pytest.skip("no fixed-budget evaluation method in the catalog")
    type(tender).objects.filter(pk=tender.pk).update(evaluation_method=method)
    # 980,000,000 is above the HPS but within the pagu (1,000,000,000).
    values = {**PASS_ALL, "technical_score": Decimal(80)}
    assert _record(member, a, **values).price_passed is True
    errors = _errors(lambda: _record(member, a, **values,
                                     corrected_price=Decimal("1000000001")))
    assert "budget ceiling (pagu) Rp 1.000.000.000" in errors["price_passed"][0]


# --- Defect 3: a reason for every failure ------------------------------------------------------


@pytest.mark.parametrize("step", ["administrative", "technical", "price", "qualification"])
def test_every_failed_step_needs_its_reason(clock, step):
    _tender, (a,), member = _opened(clock, ["900000000"])
    values = {**PASS_ALL}
    steps = ["administrative", "technical", "price", "qualification"]
    for later in steps[steps.index(step) + 1:]:
        values[f"{later}_passed"] = None
    values[f"{step}_passed"] = False
    errors = _errors(lambda: _record(member, a, **values, **{f"{step}_notes": "   "}))
    assert "Give the reason" in errors[f"{step}_notes"][0]
    saved = _record(member, a, **values, **{f"{step}_notes": "Jaminan penawaran tidak ada."})
    assert getattr(saved, f"{step}_passed") is False
    assert saved.rank is None


# --- Defect 5: the knockout system (sistem gugur) ---------------------------------------------


def test_no_step_is_evaluated_after_a_failed_one(clock):
    _tender, (a,), member = _opened(clock, ["900000000"])
    errors = _errors(lambda: _record(
        member, a, administrative_passed=True, technical_passed=False,
        technical_notes="Metode pelaksanaan tidak memenuhi.", price_passed=True,
        qualification_passed=False, qualification_notes="x"))
    assert set(errors) == {"price_passed", "qualification_passed"}
    assert "failed an earlier step (Technical evaluation)" in errors["price_passed"][0]
    # An administrative failure: nothing after it may be marked.
    errors = _errors(lambda: _record(member, a, administrative_passed=False,
                                     administrative_notes="Surat penawaran tidak ditandatangani",
                                     technical_passed=True))
    assert set(errors) == {"technical_passed"}
    saved = _record(member, a, administrative_passed=True, technical_passed=False,
                    technical_notes="Metode pelaksanaan tidak memenuhi.", price_passed=None,
                    qualification_passed=None)
    assert (saved.price_passed, saved.qualification_passed, saved.rank) == (None, None, None)


def test_the_steps_are_evaluated_in_order(clock):
    """A step cannot pass or fail while an earlier one is not evaluated yet."""
    _tender, (a,), member = _opened(clock, ["900000000"])
    errors = _errors(lambda: _record(member, a, administrative_passed=None,
                                     technical_passed=True, price_passed=True))
    assert set(errors) == {"technical_passed", "price_passed"}
    assert errors["technical_passed"] == [
        "The knockout system (sistem gugur) evaluates the steps in order: Administrative "
        "evaluation first."]
    saved = _record(member, a, administrative_passed=True, technical_passed=True)
    assert (saved.administrative_passed, saved.technical_passed) == (True, True)
    # Setting an earlier step back to "not evaluated" clears what was recorded after it.
    saved = _record(member, a, administrative_passed=None)
    assert (saved.technical_passed, saved.price_passed) == (None, None)


def test_a_later_failure_clears_the_steps_recorded_after_it(clock):
    _tender, (a, b), member = _opened(clock, ["900000000", "920000000"])
    _record(member, a, **PASS_ALL)
    _record(member, b, **PASS_ALL)
    assert _evaluation(a).rank == 1
    # Changing only the technical result: the price and qualification results recorded
    # before were evaluated on a bid that has now failed; they are cleared (audited).
    changed = _record(member, a, technical_passed=False,
                      technical_notes="Personel inti tidak memenuhi.")
    assert (changed.price_passed, changed.qualification_passed) == (None, None)
    assert changed.rank is None
    assert _evaluation(b).rank == 1
    from lpse.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="tenders.evaluation_recorded").order_by("pk").last()
    assert event.data["before"]["price_passed"] is True
    assert event.data["after"]["price_passed"] is None


def test_with_scores_no_score_is_given_after_an_administrative_failure(clock):
    from lpse.catalog.models import EvaluationMethod
    from lpse.tenders.tests.factories import make_package

    package = make_package(category="konsultansi_bu", method="seleksi")
    tender = make_tender(package=package, publish=False)
    member = committee_member(tender)
    services.tender_update_settings(
        actor=member, tender=tender, name=tender.name, qualification=tender.qualification,
        file_method=tender.file_method,
        evaluation_method=EvaluationMethod.objects.get(code="kualitas_biaya"), requirements="",
        technical_weight=Decimal(80), technical_threshold=Decimal(70))
    services.tender_publish(actor=member, tender=tender)
    a = join(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    services.offer_record(actor=member, tender=tender, participant=a, amount=Decimal(900))
    services.evaluation_start(actor=member, tender=tender)
    errors = _errors(lambda: _record(member, a, administrative_passed=False,
                                     administrative_notes="Dokumen tidak lengkap",
                                     technical_score=Decimal(85)))
    assert set(errors) == {"technical_score"}
    # A score below the passing score fails the technical step: its reason is required too.
    errors = _errors(lambda: _record(member, a, administrative_passed=True,
                                     technical_score=Decimal(60)))
    assert set(errors) == {"technical_notes"}


def test_in_a_prequalification_the_qualification_is_not_a_later_step(clock):
    tender = make_tender(prequalification=True)
    participant = join(tender)
    member = committee_member(tender)
    # (The bids and the shortlist are walked in test_prequalification.py; here the
    # evaluation the opening creates, qualification settled by the prequalification.)
    Evaluation.objects.create(tender=tender, participant=participant,
                              offer_amount=Decimal("900000000"), qualification_passed=True,
                              qualification_notes="Qualified in the prequalification (X).")
    saved = _record(member, participant, administrative_passed=True, technical_passed=False,
                    technical_notes="Metode pelaksanaan tidak memenuhi.")
    assert saved.qualification_passed is True


# --- Defect 1: the contract stays within the award ---------------------------------------------


def _awarded(clock):
    tender, (loser, winner), member = _opened(clock, ["900000000", "850000000"])
    _record(member, loser, **PASS_ALL)
    _record(member, winner, **PASS_ALL, corrected_price=Decimal("848500000"))
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=member, tender=tender)
    services.evaluation_minutes_issue(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=member, tender=tender)
    clock.move_to(after(tender, StageCode.OBJECTION))
    letter = services.award_letter_issue(actor=tender.package.ppk, tender=tender)
    return tender, letter


def test_the_contract_value_cannot_exceed_the_award(clock):
    tender, letter = _awarded(clock)
    assert letter.amount == Decimal("848500000")
    day = letter.issued_at.date() + timedelta(days=1)
    contract = {"actor": tender.package.ppk, "tender": tender, "number": "602/01/KONTRAK/2026",
                "signed_on": day, "starts_on": day, "ends_on": day + timedelta(days=90)}
    # Above the award, though within the HPS and the pagu.
    errors = _errors(lambda: services.contract_record(**contract, value=Decimal("848500001")))
    assert errors["value"] == ["The contract value cannot exceed the awarded price in the "
                               "letter of award (SPPBJ): Rp 848.500.000."]
    # Equal to the award (or lower, after a negotiation) is recorded.
    recorded = services.contract_record(**contract, value=Decimal("848500000"))
    assert recorded.value == Decimal("848500000")


def test_the_contract_page_shows_the_error(clock, client_for):
    tender, letter = _awarded(clock)
    client = client_for(tender.package.ppk)
    client.cookies["lpse_language"] = "en"
    url = reverse("tenders:contract", args=[tender.pk])
    assert "may not exceed the awarded price" in client.get(url).content.decode()
    day = (letter.issued_at.date() + timedelta(days=1)).isoformat()
    response = client.post(url, {"number": "K-7", "signed_on": day, "value": "900000000",
                                 "starts_on": day, "ends_on": day})
    assert response.status_code == 200
    assert "cannot exceed the awarded price in the letter of award" in \
        response.content.decode()
    assert not hasattr(type(tender).objects.get(pk=tender.pk), "contract")


# --- Pages: the evaluation form's errors, the public results ------------------------------------


def test_the_evaluation_form_shows_the_rules_and_the_errors(clock, client_for):
    tender, (a,), member = _opened(clock, ["990000000"])
    client = client_for(member)
    client.cookies["lpse_language"] = "en"
    url = reverse("tenders:evaluation_edit", args=[tender.pk, _evaluation(a).pk])
    page = client.get(url).content.decode()
    assert "Knockout system (sistem gugur)" in page
    assert "A corrected price above the HPS (Rp 950.000.000) fails" in page
    form = {"administrative_passed": "1", "technical_passed": "0", "technical_notes": "",
            "corrected_price": "990000000", "price_passed": "1", "qualification_passed": ""}
    body = client.post(url, form).content.decode()
    assert "Give the reason the bid fails this step" in body
    assert "failed an earlier step (Technical evaluation)" in body
    assert _evaluation(a).technical_passed is None  # nothing saved
    form.update(technical_passed="1", technical_notes="")
    body = client.post(url, form).content.decode()
    assert "is above the owner&#x27;s estimate (HPS) Rp 950.000.000" in body
    form.update(price_passed="0", price_notes="Harga terkoreksi di atas HPS.")
    assert client.post(url, form).status_code == 302
    assert _evaluation(a).price_passed is False


def _failed_and_announced(clock):
    tender, (winner, late, weak), member = _opened(
        clock, ["1920600000", "930000000", "940000000"],
        names=["PT Konstruksi Nusantara Persada", "CV Mitra Karya", "PT Lemah Teknis"],
        owner_estimate=Decimal("1950000000"), budget_ceiling=Decimal("2000000000"))
    _record(member, winner, **PASS_ALL, administrative_notes="Catatan internal pokja 4711")
    _record(member, late, administrative_passed=False,
            administrative_notes="Masa berlaku penawaran kurang dari 60 hari.")
    _record(member, weak, administrative_passed=True, technical_passed=False,
            technical_notes="Metode pelaksanaan tidak menjelaskan tahapan pekerjaan.")
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=member, tender=tender)
    minutes = services.evaluation_minutes_issue(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=member, tender=tender)
    return tender, minutes


def test_the_bahp_gives_each_failure_its_step_and_reason_without_broken_words(clock):
    _tender, minutes = _failed_and_announced(clock)
    with open_stored(minutes.file) as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(handle).pages)
    lines = [line.strip() for line in text.splitlines()]
    # Amounts on one line (the header says "(Rp)"), no mid-word breaks in the headers.
    assert any("1.920.600.000" in line for line in lines), lines
    assert "Offer price (Rp)" in text.replace("\n", " ")
    for header in ("Adm.", "Tech.", "Qual.", "Bidder"):
        assert header in lines or any(header in line.split() for line in lines), header
    assert not any(re.fullmatch(r"\d{1,3}|\.\d{3}", line) for line in lines), lines
    assert "Score" not in text  # the lowest-price method has no score
    # The failures: the step and the committee's reason.
    flat = " ".join(lines)
    assert "Bids that failed the evaluation" in flat
    assert "Administrative evaluation Masa berlaku penawaran kurang dari 60 hari." in flat
    assert "Technical evaluation Metode pelaksanaan tidak menjelaskan tahapan pekerjaan." in flat
    assert "4711" not in flat  # the notes of a passed step are not the result
    assert "1 · Winner" in flat
    # The ranked bid first, then the failed ones.
    assert flat.index("PT Konstruksi Nusantara") < flat.index("CV Mitra Karya")


def test_the_public_results_show_why_a_bid_failed(clock, client_for):
    tender, _minutes = _failed_and_announced(clock)
    client = client_for(None)
    client.cookies["lpse_language"] = "en"
    body = client.get(reverse("tenders:public_detail", args=[tender.code])).content.decode()
    results = body[body.index('id="results-table"'):]
    assert "Failed: Administrative evaluation" in results
    assert "Masa berlaku penawaran kurang dari 60 hari." in results
    assert "Failed: Technical evaluation" in results
    assert "Metode pelaksanaan tidak menjelaskan tahapan pekerjaan." in results
    assert "4711" not in body  # internal notes of the steps a bid passed stay internal
    # The failed technical step ends that bid's evaluation: price and qualification "—".
    row = results[results.index("PT Lemah Teknis"):]
    row = row[:row.index("</tr>")]
    assert row.count("—") >= 3  # corrected price, price, qualification (and the rank)
    assert "Pass</span>" in row  # the administrative step it passed


def test_the_demo_tenders_obey_the_knockout_system():
    from django.core.management import call_command

    call_command("seed_demo", "--quiet")
    evaluations = list(Evaluation.objects.filter(
        tender__package__rup_code__startswith="DEMO-").select_related("tender"))
    assert any(e.technical_passed is False for e in evaluations)
    for ev in evaluations:
        steps = ["administrative", "technical", "price"]
        if not ev.tender.is_prequalification:
            steps.append("qualification")
        results = [getattr(ev, f"{step}_passed") for step in steps]
        if False in results:
            failed = results.index(False)
            assert all(r is None for r in results[failed + 1:]), (ev.tender.code, results)
            assert getattr(ev, f"{steps[failed]}_notes").strip()
        if ev.price_passed:
            assert ev.evaluated_price <= ev.tender.owner_estimate


def test_results_list_the_ranked_bids_first_on_every_database(clock):
    from lpse.tenders.selectors import evaluations_of

    tender, (cheap, dear), member = _opened(clock, ["800000000", "900000000"])
    _record(member, cheap, administrative_passed=False,
            administrative_notes="Jaminan penawaran tidak ada.")
    _record(member, dear, administrative_passed=True, technical_passed=True, price_passed=True,
            qualification_passed=True)
    ordered = list(evaluations_of(tender))
    assert [e.participant_id for e in ordered] == [dear.pk, cheap.pk]
    assert (ordered[0].rank, ordered[1].rank) == (1, None)
