"""Participation: joining with the integrity pact, document downloads, clarification Q&A
and its minutes (Berita Acara Pemberian Penjelasan)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.core.documents import document_issue
from lpse.core.models import IssuedDocument
from lpse.tenders import documents as pdfs
from lpse.tenders import notifications
from lpse.tenders.access import access_participant, access_tender_as_committee, vendor_of
from lpse.tenders.models import (
    DocumentDownload,
    IntegrityPact,
    Participant,
    Question,
    Tender,
    TenderDocument,
)
from lpse.tenders.services.common import issuer_of, locked, require_running, require_text
from lpse.tenders.stages import StageCode
from lpse.vendors.selectors import vendor_may_participate

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.vendors.models import Vendor


def integrity_pact_text(*, tender: Tender, vendor: Vendor, language: str) -> str:
    """The integrity pact a vendor accepts, in its language (what is shown is what is kept)."""
    with translation.override(language):
        return render_to_string("tenders/integrity_pact.txt",
                                {"tender": tender, "vendor": vendor}).strip()


def can_join(tender: Tender) -> bool:
    """Vendors join until the upload deadline — in a prequalification, until the
    qualification submission deadline (only the shortlist is invited to bid)."""
    now = timezone.now()
    last = StageCode.QUALIFICATION_SUBMISSION if tender.is_prequalification else \
        StageCode.UPLOAD
    window = tender.stage_window(last)
    return (tender.status == Tender.Status.PUBLISHED and window is not None
            and now < window.ends_at)


@transaction.atomic
def tender_join(*, actor: User, tender: Tender, accept_pact: bool,
                ip_address: str | None = None) -> Participant:
    """A verified vendor joins by accepting the integrity pact (see `can_join`)."""
    vendor = vendor_of(actor)
    if not vendor.is_verified:
        raise PermissionDenied(_("Only verified vendors take part in tenders."))
    if not vendor_may_participate(vendor):
        raise PermissionDenied(_("Your company is on the blacklist (daftar hitam) and cannot "
                                 "take part in tenders while the listing is in force."))
    tender = locked(tender)
    require_running(tender)
    if not can_join(tender):
        raise ValidationError(_("Registration for this tender has closed."))
    if not accept_pact:
        raise ValidationError({"accept_pact": _("You must accept the integrity pact to take "
                                                "part.")})
    if Participant.objects.filter(tender=tender, vendor=vendor).exists():
        raise ValidationError(_("Your company has already joined this tender."))
    now = timezone.now()
    try:
        with transaction.atomic():
            participant = Participant.objects.create(tender=tender, vendor=vendor,
                                                     joined_by=actor, joined_at=now)
    except IntegrityError as exc:
        raise ValidationError(_("Your company has already joined this tender.")) from exc
    text = integrity_pact_text(tender=tender, vendor=vendor,
                               language=actor.preferred_language)
    IntegrityPact.objects.create(participant=participant, text=text,
                                 sha256=hashlib.sha256(text.encode()).hexdigest(),
                                 accepted_by=actor, accepted_at=now, ip_address=ip_address)
    audit_record(action="tenders.participant_joined", actor=actor, target=participant,
                 data={"tender": tender.code, "vendor": vendor.pk,
                       "integrity_pact_sha256": participant.integrity_pact.sha256})
    return participant


@transaction.atomic
def document_download_record(*, actor: User, document: TenderDocument,
                             ip_address: str | None = None) -> DocumentDownload:
    """Log a download. Vendors must have joined; committee and LPSE officers are logged too."""
    from lpse.tenders.selectors import participant_of, tenders_visible_to

    tender = document.tender
    participant = participant_of(actor, tender)
    official = tenders_visible_to(actor).filter(pk=tender.pk).exists()
    if participant is None and not official:
        raise PermissionDenied(_("Join the tender to download its documents."))
    from lpse.tenders.services.prequalification import shortlisted_ids
    from lpse.tenders.services.tenders import document_for_shortlist

    if (not official and document_for_shortlist(document)
            and participant.pk not in shortlisted_ids(tender)):  # type: ignore[union-attr]
        raise PermissionDenied(_("The selection documents are for the vendors who passed the "
                                 "prequalification."))
    download = DocumentDownload.objects.create(document=document, user=actor,
                                               participant=participant,
                                               ip_address=ip_address)
    if participant is not None:
        audit_record(action="tenders.document_downloaded", actor=actor, target=tender,
                     data={"version": document.version, "participant": participant.pk})
    return download


@transaction.atomic
def question_ask(*, actor: User, tender: Tender, text: str) -> Question:
    """A participant asks during the clarification stage; other vendors never see who."""
    participant = access_participant(user=actor, tender=tender)
    require_running(tender)
    text = require_text(text, "text")
    if not tender.in_stage(StageCode.CLARIFICATION):
        raise ValidationError(_("Questions can be asked only during the clarification."))
    from lpse.tenders.services.prequalification import bid_problem

    problem = bid_problem(participant)
    if problem:
        raise PermissionDenied(problem)
    question = Question.objects.create(tender=tender, participant=participant, asked_by=actor,
                                       text=text)
    audit_record(action="tenders.question_asked", actor=actor, target=question,
                 data={"tender": tender.code})
    notifications.notify_committee(tender, "question_asked", {"question": question})
    return question


@transaction.atomic
def question_answer(*, actor: User, question: Question, answer: str) -> Question:
    """The committee answers; the answer is published to every participant."""
    question = Question.objects.select_for_update().select_related("tender").get(
        pk=question.pk)
    tender = question.tender
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    answer = require_text(answer, "answer")
    if tender.stage_ended(StageCode.UPLOAD):
        raise ValidationError(_("The upload has closed: questions can no longer be answered."))
    if _clarification_minutes(tender) is not None:
        raise ValidationError(_("The clarification minutes have been issued."))
    changed = bool(question.answer)
    question.answer = answer
    question.answered_by, question.answered_at = actor, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(action="tenders.question_answered", actor=actor, target=question,
                 data={"tender": tender.code, "corrected": changed})
    notifications.notify_participants(tender, "question_answered", {"question": question})
    return question


def _clarification_minutes(tender: Tender) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(
        letter_type=pdfs.BA_CLARIFICATION, subject_type="tenders.tender",
        subject_id=str(tender.pk)).first()


@transaction.atomic
def clarification_minutes_issue(*, actor: User, tender: Tender) -> IssuedDocument:
    """The Berita Acara Pemberian Penjelasan, once the clarification has ended."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    if not tender.stage_ended(StageCode.CLARIFICATION):
        raise ValidationError(_("The minutes are issued after the clarification has ended."))
    if _clarification_minutes(tender) is not None:
        raise ValidationError(_("The clarification minutes have already been issued."))
    questions = list(tender.questions.order_by("asked_at", "pk"))
    if any(not q.answer for q in questions):
        raise ValidationError(_("Answer every question before issuing the minutes."))
    doc = pdfs.clarification_minutes(tender, questions)
    document = document_issue(letter_type=pdfs.BA_CLARIFICATION,
                              code=pdfs.LETTER_CODES[pdfs.BA_CLARIFICATION], doc=doc,
                              filename=f"BA-Penjelasan-{tender.code}.pdf", issued_by=actor,
                              subject=tender, issuer=issuer_of(tender))
    audit_record(action="tenders.clarification_minutes_issued", actor=actor, target=tender,
                 data={"document": document.number, "questions": len(questions)})
    notifications.notify_participants(tender, "clarification_minutes", {"document": document})
    return document
