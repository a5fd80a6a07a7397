"""After the opening: offers (interim seam), evaluation, ranking, winner and reserves, the
evaluation minutes (BAHP), the winner announcement, objections (sanggah), the letter of
award (SPPBJ) and the contract."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.core.documents import document_issue
from lpse.core.files import open_stored
from lpse.core.models import IssuedDocument
from lpse.core.templatetags.lpse import rupiah
from lpse.tenders import documents as pdfs
from lpse.tenders import notifications, ranking
from lpse.tenders.access import (
    access_package_as_ppk,
    access_participant,
    access_tender_as_committee,
)
from lpse.tenders.bidding import bid_source
from lpse.tenders.models import (
    AwardLetter,
    Contract,
    Evaluation,
    Objection,
    OfferRecord,
    Package,
    Participant,
    Reevaluation,
    Tender,
)
from lpse.tenders.schedule import award_windows, objection_answer_due
from lpse.tenders.selectors import evaluations_of, public_list_changed
from lpse.tenders.services.changes import schedule_reopen
from lpse.tenders.services.common import (
    issuer_of,
    locked,
    objection_record,
    require_running,
    require_text,
)
from lpse.tenders.services.prequalification import (
    pending_revision,
    result_of,
    shortlisted_ids,
)
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User


def _issued(tender: Tender, letter_type: str) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(letter_type=letter_type, subject_type="tenders.tender",
                                         subject_id=str(tender.pk))


def evaluation_minutes_of(tender: Tender) -> IssuedDocument | None:
    """The evaluation minutes of the current round: those a re-evaluation replaced stay
    issued but no longer count."""
    replaced = Reevaluation.objects.filter(tender=tender, replaces__isnull=False).values(
        "replaces")
    return _issued(tender, pdfs.BAHP).exclude(pk__in=replaced).order_by("-issued_at").first()


def clarification_minutes_of(tender: Tender) -> IssuedDocument | None:
    return _issued(tender, pdfs.BA_CLARIFICATION).first()


# --- Interim seam: offers typed in at the opening --------------------------------------------


@transaction.atomic
def offer_record(*, actor: User, tender: Tender, participant: Participant,
                 amount: Decimal) -> OfferRecord:
    """INTERIM (until lpse.bids): the committee records a participant's offer price read at
    the opening. Refused once the evaluation has begun."""
    if not bid_source().manual_entry:
        raise ValidationError(_("Offers come from the sealed bids; they are not typed in."))
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if participant.tender_id != tender.pk:
        raise ValidationError(_("This vendor does not take part in the tender."))
    if not tender.stage_started(StageCode.OPENING):
        raise ValidationError(_("Offers are recorded at the bid opening, not before."))
    if tender.evaluations.exists():
        raise ValidationError(_("The evaluation has begun: offers can no longer change."))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The offer must be more than zero.")})
    record, created = OfferRecord.objects.update_or_create(
        participant=participant,
        defaults={"tender": tender, "amount": amount, "recorded_by": actor,
                  "recorded_at": timezone.now()})
    audit_record(action="tenders.offer_recorded", actor=actor, target=record,
                 data={"tender": tender.code, "participant": participant.pk, "amount": amount,
                       "corrected": not created})
    return record


# --- Evaluation ---------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(*, actor: User, tender: Tender) -> list[Evaluation]:
    """Create one evaluation per opened bid (from the active BidSource)."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    source = bid_source()
    if not source.is_opened(tender):
        raise ValidationError(_("The bids have not been opened yet."))
    if tender.winner_set_at is not None:
        raise ValidationError(_("The winner has already been determined."))
    existing = set(tender.evaluations.values_list("participant_id", flat=True))
    # In a prequalification only the shortlist bids, and its qualification is settled.
    valid = shortlisted_ids(tender)
    prequalified = result_of(tender) if tender.is_prequalification else None
    created = []
    for offer in source.opened_offers(tender):
        if offer.participant_id in existing or offer.participant_id not in valid:
            continue
        evaluation = Evaluation(tender=tender, participant_id=offer.participant_id,
                                offer_amount=offer.amount)
        if prequalified is not None:
            evaluation.qualification_passed = True
            evaluation.qualification_notes = _("Qualified in the prequalification (%(number)s).") \
                % {"number": prequalified.document.number}
        evaluation.save()
        created.append(evaluation)
    if not created and not existing:
        raise ValidationError(_("No bid was opened: the tender can only be declared failed."))
    audit_record(action="tenders.evaluation_started", actor=actor, target=tender,
                 data={"bids": len(created) + len(existing)})
    _rerank(tender)
    return list(tender.evaluations.all())


def _rerank(tender: Tender) -> None:
    evaluations = list(tender.evaluations.select_related("participant").order_by("pk"))
    items = [ranking.Scored(
        key=e.pk, price=e.evaluated_price, administrative=e.administrative_passed,
        qualification=e.qualification_passed, technical=e.technical_passed,
        technical_score=e.technical_score, price_passed=e.price_passed,
        order=e.participant.pk) for e in evaluations]
    ranking.rank(items, rule=tender.evaluation_method.ranking_rule,
                 uses_scores=tender.uses_scores, owner_estimate=tender.owner_estimate,
                 budget_ceiling=tender.budget_ceiling, technical_weight=tender.technical_weight,
                 technical_threshold=tender.technical_threshold)
    by_key = {i.key: i for i in items}
    for evaluation in evaluations:
        scored = by_key[evaluation.pk]
        if (evaluation.rank, evaluation.final_score) != (scored.rank, scored.final_score):
            evaluation.rank, evaluation.final_score = scored.rank, scored.final_score
            evaluation.save(update_fields=["rank", "final_score"])


EVALUATION_FIELDS = ("corrected_price", "administrative_passed", "administrative_notes",
                     "qualification_passed", "qualification_notes", "technical_passed",
                     "technical_score", "technical_notes", "price_passed", "price_notes")

#: The evaluation steps in the order of the knockout system (sistem gugur, Perlem LKPP
#: 12/2021): administrative, technical, price, then the qualification of the bidders who
#: passed. A bid that fails one step is not evaluated on the steps after it.
STEPS = ("administrative", "technical", "price", "qualification")


def evaluation_steps(tender: Tender) -> tuple[str, ...]:
    """The knockout chain of the tender: in a prequalification the qualification was settled
    before the bidding (it is not a step after the price)."""
    return STEPS[:3] if tender.is_prequalification else STEPS


def step_label(step: str) -> str:
    return {"administrative": _("Administrative evaluation"),
            "technical": _("Technical evaluation"), "price": _("Price evaluation"),
            "qualification": _("Qualification evaluation")}[step]


def price_limit(tender: Tender) -> Decimal:
    """The highest evaluated price that may pass: the HPS, or the pagu for the fixed-budget
    method (as `ranking` uses)."""
    if tender.evaluation_method.ranking_rule == ranking.FIXED_BUDGET:
        return tender.budget_ceiling
    return tender.owner_estimate


def _price_above_limit_message(tender: Tender, price: Decimal) -> str:
    values = {"price": rupiah(price), "limit": rupiah(price_limit(tender))}
    if tender.evaluation_method.ranking_rule == ranking.FIXED_BUDGET:
        return _("The corrected price %(price)s is above the budget ceiling (pagu) "
                 "%(limit)s: the bid fails the price evaluation. Choose “Fail” and give the "
                 "reason.") % values
    return _("The corrected price %(price)s is above the owner's estimate (HPS) %(limit)s: "
             "the bid fails the price evaluation. Choose “Fail” and give the reason.") % values


def evaluation_failure(tender: Tender, evaluation: Evaluation) -> tuple[str, str] | None:
    """The step the bid failed and the committee's reason, or None when it failed none."""
    for step in STEPS:
        if step == "qualification" and step not in evaluation_steps(tender) \
                and evaluation.qualification_passed is not False:
            continue
        result = getattr(evaluation, f"{step}_passed")
        if step == "price" and result is True \
                and evaluation.evaluated_price > price_limit(tender):
            return step, _price_above_limit_message(tender, evaluation.evaluated_price)
        if result is False:
            return step, getattr(evaluation, f"{step}_notes").strip()
    return None


def _knockout_errors(tender: Tender, evaluation: Evaluation, values: dict[str, Any]
                     ) -> dict[str, str]:
    """Check the evaluation as it would be after `values` against the knockout system: every
    failed step has its reason; the steps after a failed or a not yet evaluated one are not
    evaluated (refused when `values` sets them, cleared in `values` when only stored); a
    price above the HPS (pagu) does not pass. Returns the errors per field."""
    def after(field: str) -> Any:
        return values[field] if field in values else getattr(evaluation, field)

    errors: dict[str, str] = {}
    for step in STEPS:
        if after(f"{step}_passed") is False and not (after(f"{step}_notes") or "").strip():
            errors[f"{step}_notes"] = _("Give the reason the bid fails this step: it is "
                                        "published with the results and printed in the "
                                        "minutes (BAHP).")

    def fields_of(step: str) -> tuple[str, ...]:
        if step == "technical" and tender.uses_scores:
            return ("technical_score", "technical_passed")
        return (f"{step}_passed",)

    failed = pending = None
    for step in evaluation_steps(tender):
        if failed is not None or pending is not None:
            if all(after(field) is None for field in fields_of(step)):
                continue
            explicit = [field for field in fields_of(step) if values.get(field) is not None]
            if explicit and failed is not None:
                errors[explicit[0]] = _("Not evaluated under the knockout system (sistem "
                                        "gugur): the bid failed an earlier step (%(step)s). "
                                        "Choose “Not evaluated”.") % {
                                            "step": step_label(failed)}
            elif explicit and pending is not None:
                errors[explicit[0]] = _("The knockout system (sistem gugur) evaluates the "
                                        "steps in order: %(step)s first.") % {
                                            "step": step_label(pending)}
            else:
                values.update(dict.fromkeys(fields_of(step)))
            continue
        if after(f"{step}_passed") is False:
            failed = step
        elif after(f"{step}_passed") is None:
            pending = step
    price = after("corrected_price")
    price = evaluation.offer_amount if price is None else price
    if after("price_passed") is True and price is not None and price > price_limit(tender) \
            and "price_passed" not in errors:
        errors["price_passed"] = _price_above_limit_message(tender, price)
    return errors


@transaction.atomic
def evaluation_record(*, actor: User, evaluation: Evaluation, **values: Any) -> Evaluation:
    """Record the committee's evaluation of one bidder; the ranking follows at once."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    tender = locked(evaluation.tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if tender.winner_set_at is not None:
        raise ValidationError(_("The winner has been determined: the evaluation is closed."))
    unknown = set(values) - set(EVALUATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown evaluation fields: {sorted(unknown)}")
    corrected = values.get("corrected_price", evaluation.corrected_price)
    if corrected is not None and corrected <= 0:
        raise ValidationError({"corrected_price": _("The corrected price must be more than "
                                                    "zero.")})
    if tender.uses_scores:
        score = values.get("technical_score", evaluation.technical_score)
        if score is not None and not Decimal(0) <= score <= Decimal(100):
            raise ValidationError({"technical_score": _("A score is between 0 and 100.")})
        if score is not None and tender.technical_threshold is not None:
            values["technical_passed"] = score >= tender.technical_threshold
    errors = _knockout_errors(tender, evaluation, values)
    if errors:
        raise ValidationError(errors)
    before = {field: getattr(evaluation, field) for field in values}
    for field, value in values.items():
        setattr(evaluation, field, value)
    evaluation.evaluated_by, evaluation.evaluated_at = actor, timezone.now()
    evaluation.full_clean()
    evaluation.save()
    _rerank(tender)
    evaluation.refresh_from_db()
    audit_record(action="tenders.evaluation_recorded", actor=actor, target=evaluation,
                 data={"tender": tender.code, "participant": evaluation.participant_id,
                       "before": before, "after": values, "rank": evaluation.rank})
    return evaluation


@transaction.atomic
def tender_winner_set(*, actor: User, tender: Tender) -> list[Evaluation]:
    """Determine the winner and up to two reserves from the ranking (penetapan pemenang)."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if not tender.stage_started(StageCode.WINNER_DECISION):
        raise ValidationError(_("The winner is determined in the winner determination stage."))
    if tender.winner_announced_at is not None:
        raise ValidationError(_("The winner has already been announced."))
    if tender.evaluations.filter(administrative_passed__isnull=True).exists():
        raise ValidationError(_("Evaluate every bid first (the administrative evaluation of "
                                "a bid is missing)."))
    _rerank(tender)
    ranked = list(tender.evaluations.filter(rank__isnull=False).order_by("rank"))
    if not ranked:
        raise ValidationError(_("No bid passed the evaluation: declare the tender failed."))
    tender.evaluations.update(award=None)
    chosen = ranked[:3]
    for position, evaluation in enumerate(chosen):
        evaluation.award = position
        evaluation.save(update_fields=["award"])
    tender.winner_set_at, tender.winner_set_by = timezone.now(), actor
    tender.save(update_fields=["winner_set_at", "winner_set_by", "updated_at"])
    audit_record(action="tenders.winner_determined", actor=actor, target=tender,
                 data={"winner": chosen[0].participant_id,
                       "reserves": [e.participant_id for e in chosen[1:]],
                       "price": chosen[0].evaluated_price})
    return chosen


@transaction.atomic
def evaluation_minutes_issue(*, actor: User, tender: Tender) -> IssuedDocument:
    """The Berita Acara Hasil Pemilihan (BAHP), once the winner is determined."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if tender.winner_set_at is None:
        raise ValidationError(_("Determine the winner first."))
    if evaluation_minutes_of(tender) is not None:
        raise ValidationError(_("The evaluation minutes have already been issued."))
    evaluations = list(evaluations_of(tender))
    reevaluation = tender.reevaluations.select_related("replaces").last()
    doc = pdfs.evaluation_minutes(
        tender, evaluations,
        replaces=reevaluation.replaces.number if reevaluation and reevaluation.replaces else "",
        reason=reevaluation.reason if reevaluation else "")
    suffix = f"-{tender.evaluation_round}" if tender.evaluation_round > 1 else ""
    document = document_issue(letter_type=pdfs.BAHP, code=pdfs.LETTER_CODES[pdfs.BAHP],
                              doc=doc, filename=f"BAHP-{tender.code}{suffix}.pdf",
                              issued_by=actor, subject=tender, issuer=issuer_of(tender))
    audit_record(action="tenders.evaluation_minutes_issued", actor=actor, target=tender,
                 data={"document": document.number, "round": tender.evaluation_round})
    return document


@transaction.atomic
def tender_winner_announce(*, actor: User, tender: Tender) -> Tender:
    """Publish the result: the public page shows every bidder's corrected price and marks."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if tender.winner_set_at is None:
        raise ValidationError(_("Determine the winner first."))
    if evaluation_minutes_of(tender) is None:
        raise ValidationError(_("Issue the evaluation minutes (BAHP) first."))
    if not tender.stage_started(StageCode.WINNER_ANNOUNCEMENT):
        raise ValidationError(_("The announcement stage has not started."))
    if tender.winner_announced_at is not None:
        raise ValidationError(_("The winner has already been announced."))
    tender.winner_announced_at, tender.winner_announced_by = timezone.now(), actor
    tender.save(update_fields=["winner_announced_at", "winner_announced_by", "updated_at"])
    winner = tender.evaluations.select_related("participant__vendor").get(award=0)
    audit_record(action="tenders.winner_announced", actor=actor, target=tender,
                 data={"winner": winner.participant_id, "price": winner.evaluated_price})
    notifications.notify_participants(tender, "winner_announced", {
        "winner": winner, "objection": tender.stage_window(StageCode.OBJECTION)})
    return tender


# --- Objections (sanggah) -------------------------------------------------------------------


@transaction.atomic
def objection_file(*, actor: User, tender: Tender, text: str) -> Objection:
    """A bidder objects to the result during the objection period (one objection each)."""
    participant = access_participant(user=actor, tender=tender)
    tender = locked(tender)
    require_running(tender)
    text = require_text(text, "text")
    if tender.winner_announced_at is None or not tender.in_stage(StageCode.OBJECTION):
        raise ValidationError(_("Objections are filed during the objection period, after the "
                                "winner announcement."))
    if not tender.evaluations.filter(participant=participant).exists():
        raise PermissionDenied(_("Only bidders may object to the result."))
    return objection_record(actor=actor, tender=tender, participant=participant, text=text,
                            phase=Objection.Phase.AWARD, stage=StageCode.OBJECTION,
                            round_=tender.evaluation_round)


@transaction.atomic
def objection_answer(*, actor: User, objection: Objection, answer: str, outcome: str
                     ) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    tender = locked(objection.tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    answer = require_text(answer, "answer")
    if outcome not in Objection.Outcome.values:
        raise ValidationError({"outcome": _("Choose whether the objection is upheld.")})
    if objection.outcome:
        raise ValidationError(_("This objection has already been answered."))
    objection.answer, objection.outcome = answer, outcome
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save(update_fields=["answer", "outcome", "answered_by", "answered_at"])
    window = tender.stage_window(StageCode.QUALIFICATION_OBJECTION
                                 if objection.phase == Objection.Phase.QUALIFICATION
                                 else StageCode.OBJECTION)
    late = bool(window and objection.answered_at > objection_answer_due(window.ends_at))
    audit_record(action="tenders.objection_answered", actor=actor, target=objection,
                 data={"tender": tender.code, "outcome": outcome, "late": late})
    notifications.notify_participants(tender, "objection_answered", {"objection": objection})
    return objection


# --- Re-evaluation (evaluasi ulang) -----------------------------------------------------------


def upheld_objections(tender: Tender) -> list[Objection]:
    """Objections to the current round's winner that the committee upheld."""
    return list(tender.objections.filter(
        phase=Objection.Phase.AWARD, outcome=Objection.Outcome.ACCEPTED,
        round=tender.evaluation_round).select_related("participant__vendor"))


def reevaluation_problems(tender: Tender) -> list[str]:
    problems = []
    if tender.status != Tender.Status.PUBLISHED:
        problems.append(_("The tender is not running."))
    if not upheld_objections(tender):
        problems.append(_("No objection to the winner has been upheld."))
    if tender.plan.uses(StageCode.OBJECTION) and not tender.stage_ended(StageCode.OBJECTION):
        problems.append(_("The objection period has not ended."))
    if tender.objections.filter(phase=Objection.Phase.AWARD, round=tender.evaluation_round,
                                outcome="").exists():
        problems.append(_("Answer every objection first."))
    if hasattr(tender, "award_letter"):
        problems.append(_("The letter of award has already been issued."))
    return problems


@transaction.atomic
def evaluation_reopen(*, actor: User, tender: Tender, reason: str, announce_at: datetime
                      ) -> Reevaluation:
    """Evaluate again after an upheld objection to the winner (evaluasi ulang): the winner,
    the reserves and the announcement are withdrawn (the minutes stay issued, marked as
    replaced), the evaluation opens again, and the winner determination, the announcement
    at `announce_at`, a new objection period, the letter of award and the contract are
    scheduled again — a schedule change with the reason, e-mailed to every participant."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    reason = require_text(reason, "reason")
    problems = reevaluation_problems(tender)
    if problems:
        raise ValidationError(problems)
    upheld = upheld_objections(tender)
    now = timezone.now()
    if announce_at is None or announce_at <= now:
        raise ValidationError({"announce_at": _("The new announcement must be in the "
                                                "future.")})
    replaces = evaluation_minutes_of(tender)
    windows = award_windows(tender.plan, now.replace(microsecond=0), announce_at)
    with translation.override(settings.LANGUAGE_CODE):
        change_reason = _("Re-evaluation after an upheld objection: %(reason)s") % {
            "reason": reason}
    try:
        request = schedule_reopen(actor=actor, tender=tender, windows=windows,
                                  reason=change_reason)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc
    round_ = tender.evaluation_round + 1
    winner = tender.evaluations.filter(award=Evaluation.Award.WINNER).first()
    reevaluation = Reevaluation.objects.create(
        tender=tender, round=round_, reason=reason, replaces=replaces,
        schedule_change=request, opened_by=actor, opened_at=now,
        withdrawn_winner_id=winner.participant_id if winner else None,
        withdrawn_price=winner.evaluated_price if winner else None,
        withdrawn_announced_at=tender.winner_announced_at,
        withdrawn_results={str(e.participant_id): e.passed for e in tender.evaluations.all()})
    reevaluation.objections.set(upheld)
    previous = list(tender.evaluations.filter(award__isnull=False).values_list(
        "participant_id", "award"))
    tender.evaluations.update(award=None)
    tender.evaluation_round = round_
    tender.winner_set_at = tender.winner_set_by = None
    tender.winner_announced_at = tender.winner_announced_by = None
    tender.save(update_fields=["evaluation_round", "winner_set_at", "winner_set_by",
                               "winner_announced_at", "winner_announced_by", "updated_at"])
    audit_record(action="tenders.evaluation_reopened", actor=actor, target=tender,
                 data={"round": round_, "reason": reason,
                       "objections": [o.pk for o in upheld],
                       "withdrawn": dict(previous),
                       "replaces": replaces.number if replaces else "",
                       "schedule_change": request.pk,
                       "announce_at": windows[StageCode.WINNER_ANNOUNCEMENT].starts_at})
    return reevaluation


# --- Award ---------------------------------------------------------------------------------


def award_problems(tender: Tender) -> list[str]:
    problems = []
    if tender.status != Tender.Status.PUBLISHED:
        problems.append(_("The tender is not running."))
    if tender.winner_announced_at is None:
        problems.append(_("The winner has not been announced."))
    last = StageCode.OBJECTION if tender.plan.uses(StageCode.OBJECTION) else \
        StageCode.WINNER_ANNOUNCEMENT
    if not tender.stage_ended(last):
        problems.append(_("The objection period has not ended."))
    if tender.objections.filter(outcome="").exists():
        problems.append(_("An objection has not been answered yet."))
    if upheld_objections(tender) or (tender.is_prequalification and pending_revision(tender)):
        problems.append(_("An objection was upheld: the committee must evaluate again or "
                          "declare the tender failed."))
    if hasattr(tender, "award_letter"):
        problems.append(_("The letter of award has already been issued."))
    return problems


@transaction.atomic
def award_letter_issue(*, actor: User, tender: Tender) -> AwardLetter:
    """The PPK issues the SPPBJ to the winner after the objection period."""
    tender = locked(tender)
    access_package_as_ppk(user=actor, package=tender.package)
    problems = award_problems(tender)
    if problems:
        raise ValidationError(problems)
    winner = tender.evaluations.select_related("participant__vendor__account").get(award=0)
    amount = winner.evaluated_price
    document = document_issue(
        letter_type=pdfs.SPPBJ, code=pdfs.LETTER_CODES[pdfs.SPPBJ],
        doc=pdfs.award_letter(tender, winner.participant, amount, actor),
        filename=f"SPPBJ-{tender.code}.pdf", issued_by=actor, subject=tender,
        issuer=issuer_of(tender))
    try:
        with transaction.atomic():
            letter = AwardLetter.objects.create(tender=tender, participant=winner.participant,
                                                amount=amount, document=document,
                                                issued_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("The letter of award has already been issued.")) from exc
    audit_record(action="tenders.award_letter_issued", actor=actor, target=tender,
                 data={"document": document.number, "participant": winner.participant_id,
                       "amount": amount})
    with open_stored(document.file) as handle:
        pdf = handle.read()
    notifications.notify_participants(
        tender, "award_letter", {"letter": letter, "document": document},
        participants=[winner.participant],
        attachments=[(document.file.original_name, pdf, "application/pdf")])
    return letter


@transaction.atomic
def contract_record(*, actor: User, tender: Tender, number: str, signed_on: date,
                    value: Decimal, starts_on: date, ends_on: date) -> Contract:
    """The PPK records the signed contract; the tender and its package are complete."""
    tender = locked(tender)
    access_package_as_ppk(user=actor, package=tender.package)
    require_running(tender)
    letter = getattr(tender, "award_letter", None)
    if letter is None:
        raise ValidationError(_("Issue the letter of award (SPPBJ) first."))
    errors: dict[str, str] = {}
    number = number.strip()
    if not number:
        errors["number"] = _("This field is required.")
    elif Contract.objects.filter(number=number).exists():
        errors["number"] = _("Another contract already has this number.")
    if value is None or value <= 0:
        errors["value"] = _("The contract value must be more than zero.")
    elif value > letter.amount:
        # The contract follows the award: the winner's corrected price in the SPPBJ is the
        # most the PPK may sign for (a negotiation may only lower it).
        errors["value"] = _("The contract value cannot exceed the awarded price in the "
                            "letter of award (SPPBJ): %(amount)s.") % {
                                "amount": rupiah(letter.amount)}
    elif value > tender.budget_ceiling:
        errors["value"] = _("The contract value cannot exceed the budget ceiling (pagu).")
    if signed_on < timezone.localdate(letter.issued_at):
        errors["signed_on"] = _("The contract is signed after the letter of award.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The work ends after it starts.")
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(tender=tender, number=number, signed_on=signed_on,
                                       value=value, starts_on=starts_on, ends_on=ends_on,
                                       recorded_by=actor)
    tender.status = Tender.Status.COMPLETED
    tender.ended_at, tender.ended_by = timezone.now(), actor
    tender.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
    Package.objects.filter(pk=tender.package_id).update(status=Package.Status.COMPLETED,
                                                       updated_at=timezone.now())
    transaction.on_commit(public_list_changed)
    audit_record(action="tenders.contract_recorded", actor=actor, target=tender,
                 data={"number": number, "value": value, "signed_on": signed_on,
                       "starts_on": starts_on, "ends_on": ends_on})
    return contract
