"""Prequalification (prakualifikasi): participants submit their qualification data before
the deadline, the committee evaluates each submission, decides and announces the shortlist
with its minutes (Berita Acara Hasil Prakualifikasi), participants may object during the
prequalification objection period, and only the shortlist is invited to bid."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.core.documents import document_issue
from lpse.core.files import PDF, FilePolicy, store_file
from lpse.tenders import documents as pdfs
from lpse.tenders import notifications
from lpse.tenders.access import access_participant, access_tender_as_committee
from lpse.tenders.models import (
    Objection,
    Participant,
    PrequalificationResult,
    QualificationSubmission,
    Tender,
    TenderDocument,
)
from lpse.tenders.services.common import (
    issuer_of,
    locked,
    objection_record,
    require_running,
    require_text,
)
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User

SUBMISSION_POLICY = FilePolicy(max_bytes=20 * 1024 * 1024, allowed_types=frozenset({PDF}))


def _require_prequalification(tender: Tender) -> None:
    if not tender.is_prequalification:
        raise ValidationError(_("This tender has no prequalification: the qualification is "
                                "evaluated with the bids."))


def result_of(tender: Tender) -> PrequalificationResult | None:
    return PrequalificationResult.objects.filter(tender=tender).select_related(
        "document").first()


def bid_problem(participant: Participant) -> str | None:
    """Why this participant may not bid (None when it may): in a prequalification only the
    shortlist, once the result has been decided, is invited."""
    tender = participant.tender
    if not tender.is_prequalification:
        return None
    if not PrequalificationResult.objects.filter(tender_id=tender.pk).exists():
        return _("The prequalification result has not been decided yet.")
    if not QualificationSubmission.objects.filter(participant=participant, passed=True).exists():
        return _("Only the vendors who passed the prequalification are invited to bid.")
    return None


def pending_revision(tender: Tender, result: PrequalificationResult | None = None
                     ) -> list[Objection]:
    """Upheld prequalification objections answered since the result was last decided: the
    committee corrects those vendors' evaluations and decides again (or declares the tender
    failed)."""
    result = result or result_of(tender)
    if result is None:
        return []
    return list(tender.objections.filter(
        phase=Objection.Phase.QUALIFICATION, outcome=Objection.Outcome.ACCEPTED,
        answered_at__gt=result.decided_at).select_related("participant__vendor"))


def _revision_open(tender: Tender) -> bool:
    """A revision is possible while the shortlist can still bid."""
    return not tender.stage_ended(StageCode.UPLOAD)


def shortlisted_ids(tender: Tender) -> set[int]:
    if not tender.is_prequalification:
        return set(tender.participants.values_list("pk", flat=True))
    if not PrequalificationResult.objects.filter(tender_id=tender.pk).exists():
        return set()
    return set(tender.qualification_submissions.filter(passed=True).values_list(
        "participant_id", flat=True))


@transaction.atomic
def qualification_submit(*, actor: User, tender: Tender, experience: str, personnel: str,
                         equipment: str = "", source: IO[bytes] | None = None,
                         filename: str = "") -> QualificationSubmission:
    """A participant submits (or, before the deadline, replaces) its qualification data."""
    participant = access_participant(user=actor, tender=tender)
    tender = locked(tender)
    require_running(tender)
    _require_prequalification(tender)
    if not tender.in_stage(StageCode.QUALIFICATION_SUBMISSION):
        raise ValidationError(_("Qualification data is submitted only during the qualification "
                                "submission stage."))
    errors: dict[str, str] = {}
    experience, personnel = (experience or "").strip(), (personnel or "").strip()
    if not experience:
        errors["experience"] = _("This field is required.")
    if not personnel:
        errors["personnel"] = _("This field is required.")
    existing = QualificationSubmission.objects.select_for_update().filter(
        participant=participant).first()
    if source is None and existing is None:
        errors["file"] = _("Attach the qualification documents (PDF).")
    if errors:
        raise ValidationError(errors)
    stored = store_file(source=source, original_name=filename, purpose="tenders.qualification",
                        policy=SUBMISSION_POLICY, uploaded_by=actor) if source else None
    vendor = participant.vendor
    licences = [{"kind": licence.get_kind_display(), "number": licence.number,
                 "valid_until": licence.valid_until.isoformat() if licence.valid_until else None}
                for licence in vendor.licences.all()]
    now = timezone.now()
    if existing is None:
        assert stored is not None
        submission = QualificationSubmission.objects.create(
            tender=tender, participant=participant, experience=experience,
            personnel=personnel, equipment=(equipment or "").strip(), licences=licences,
            file=stored, submitted_by=actor, submitted_at=now)
    else:
        submission = existing
        submission.experience, submission.personnel = experience, personnel
        submission.equipment, submission.licences = (equipment or "").strip(), licences
        if stored is not None:
            submission.file = stored
        submission.submitted_by, submission.submitted_at = actor, now
        submission.save()
    audit_record(action="tenders.qualification_submitted", actor=actor, target=submission,
                 data={"tender": tender.code, "replaced": existing is not None,
                       "sha256": submission.file.sha256})
    return submission


@transaction.atomic
def qualification_evaluate(*, actor: User, submission: QualificationSubmission,
                           passed: bool, notes: str = "") -> QualificationSubmission:
    """The committee marks one submission qualified or not (a failure needs its reason)."""
    submission = QualificationSubmission.objects.select_for_update().get(pk=submission.pk)
    tender = locked(submission.tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if not tender.stage_started(StageCode.QUALIFICATION_EVALUATION):
        raise ValidationError(_("The qualification is evaluated after the submission "
                                "deadline."))
    result = result_of(tender)
    if result is not None:
        # After the decision: only the vendors whose objection was upheld, while the
        # shortlist can still bid.
        upheld = {o.participant_id for o in pending_revision(tender, result)}
        if submission.participant_id not in upheld or not _revision_open(tender):
            raise ValidationError(_("The prequalification result has been decided."))
    notes = (notes or "").strip()
    if not passed and not notes:
        raise ValidationError({"notes": _("Give the reason the vendor does not qualify.")})
    submission.passed, submission.notes = passed, notes
    submission.evaluated_by, submission.evaluated_at = actor, timezone.now()
    submission.save(update_fields=["passed", "notes", "evaluated_by", "evaluated_at"])
    audit_record(action="tenders.qualification_evaluated", actor=actor, target=submission,
                 data={"tender": tender.code, "passed": passed})
    return submission


def result_problems(tender: Tender) -> list[str]:
    problems = []
    if not tender.stage_started(StageCode.QUALIFICATION_RESULT):
        problems.append(_("The prequalification result stage has not started."))
    if not tender.documents.filter(kind=TenderDocument.Kind.SELECTION).exists():
        problems.append(_("Upload the selection documents (Dokumen Pemilihan) first: the "
                          "shortlist is invited with them."))
    submissions = list(tender.qualification_submissions.all())
    minimum = settings.TENDER_PREQUALIFICATION_MIN_QUALIFIED
    if any(s.passed is None for s in submissions):
        problems.append(_("Evaluate every submission first."))
    elif sum(1 for s in submissions if s.passed) < minimum:
        problems.append(_("Fewer than %(minimum)s vendors qualified: the prequalification has "
                          "failed; declare the tender failed and tender again.")
                        % {"minimum": minimum})
    result = result_of(tender)
    if result is not None and not pending_revision(tender, result):
        problems.append(_("The prequalification result has already been decided."))
    elif result is not None and not _revision_open(tender):
        problems.append(_("The upload has closed: the shortlist can no longer be revised."))
    return problems


@transaction.atomic
def prequalification_result_set(*, actor: User, tender: Tender) -> PrequalificationResult:
    """Decide the shortlist: issue the minutes, publish the result, tell every participant
    (and when the objection period runs). Again after an upheld objection and the
    correction of that vendor's evaluation: a revision, with minutes that say which
    minutes they replace and why."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    _require_prequalification(tender)
    problems = result_problems(tender)
    if problems:
        raise ValidationError(problems)
    submissions = list(tender.qualification_submissions.select_related(
        "participant__vendor").order_by("-passed", "participant__vendor__name"))
    earlier = PrequalificationResult.objects.select_for_update().filter(
        tender=tender).select_related("document").first()
    upheld = pending_revision(tender, earlier) if earlier else []
    replaces = earlier.document.number if earlier else ""
    doc = pdfs.prequalification_minutes(
        tender, submissions, replaces=replaces,
        upheld=[o.participant.vendor.name for o in upheld])
    document = document_issue(letter_type=pdfs.BA_PREQUALIFICATION,
                              code=pdfs.LETTER_CODES[pdfs.BA_PREQUALIFICATION], doc=doc,
                              filename=f"BA-Prakualifikasi-{tender.code}.pdf",
                              issued_by=actor, subject=tender, issuer=issuer_of(tender))
    qualified = sum(1 for s in submissions if s.passed)
    if earlier is None:
        result = PrequalificationResult.objects.create(
            tender=tender, document=document, qualified_count=qualified, decided_by=actor)
    else:
        result = earlier
        result.document, result.qualified_count = document, qualified
        result.decided_by, result.decided_at = actor, timezone.now()
        result.revision += 1
        result.save()
    audit_record(action="tenders.prequalification_result_revised" if earlier else
                 "tenders.prequalification_result_set", actor=actor, target=tender,
                 data={"document": document.number, "qualified": qualified,
                       "submissions": len(submissions), "revision": result.revision,
                       "replaces": replaces})
    passed = {s.participant_id: s for s in submissions}
    for participant in tender.participants.select_related("vendor", "vendor__account"):
        notifications.notify_participants(
            tender, "prequalification_result",
            {"submission": passed.get(participant.pk), "document": document,
             "revision": result.revision,
             "objection": None if earlier else tender.stage_window(
                 StageCode.QUALIFICATION_OBJECTION)},
            participants=[participant])
    return result


@transaction.atomic
def prequalification_objection_file(*, actor: User, tender: Tender, text: str) -> Objection:
    """A vendor that submitted its qualification objects to the result during the
    prequalification objection period (one objection each)."""
    participant = access_participant(user=actor, tender=tender)
    tender = locked(tender)
    require_running(tender)
    text = require_text(text, "text")
    if result_of(tender) is None or not tender.in_stage(StageCode.QUALIFICATION_OBJECTION):
        raise ValidationError(_("Objections to the prequalification are filed during its "
                                "objection period, after the result is announced."))
    if not tender.qualification_submissions.filter(participant=participant).exists():
        raise PermissionDenied(_("Only vendors that submitted their qualification may "
                                 "object to the result."))
    return objection_record(actor=actor, tender=tender, participant=participant, text=text,
                            phase=Objection.Phase.QUALIFICATION,
                            stage=StageCode.QUALIFICATION_OBJECTION)
