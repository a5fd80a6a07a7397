"""Helpers shared by the tender services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.core.pdf import Issuer
from lpse.tenders import notifications
from lpse.tenders.models import CodeSequence, Objection, Participant, Tender
from lpse.tenders.schedule import objection_answer_due
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User


def next_code(kind: str, year: int, template: str) -> str:
    """The next package or tender code of `year` (inside the caller's transaction)."""
    CodeSequence.objects.get_or_create(kind=kind, year=year)
    sequence = CodeSequence.objects.select_for_update().get(kind=kind, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return template.format(year=year, seq=sequence.last_number)


def issuer_of(tender: Tender) -> Issuer:
    """The committee's minutes and the PPK's letters are the agency's documents: its
    letterhead, its letter numbers."""
    return Issuer.agency(tender.agency)


def locked(tender: Tender) -> Tender:
    """Re-read the tender under a row lock: concurrent services on one tender queue."""
    return Tender.objects.select_for_update().select_related(
        "method", "evaluation_method", "committee", "package", "agency").get(pk=tender.pk)


def require_text(value: str, field: str, message: str | None = None) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError({field: message or _("This field is required.")})
    return cleaned


def require_running(tender: Tender) -> None:
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(_("The tender is not running (status: %(status)s).")
                              % {"status": tender.get_status_display()})


def has_objected(tender: Tender, participant: Participant, phase: str, round_: int = 1
                 ) -> bool:
    """One objection per participant per phase (and, for the winner, per evaluation
    round)."""
    return tender.objections.filter(participant=participant, phase=phase,
                                    round=round_).exists()


def objection_record(*, actor: User, tender: Tender, participant: Participant, text: str,
                     phase: str, stage: StageCode, round_: int = 1) -> Objection:
    """File an objection once its period and the objector have been checked: one per
    participant, audited, the committee told when its answer is due (after `stage`)."""
    if has_objected(tender, participant, phase, round_):
        raise ValidationError(_("Your company has already filed an objection."))
    objection = Objection.objects.create(tender=tender, participant=participant, phase=phase,
                                         filed_by=actor, text=text, round=round_)
    audit_record(action="tenders.objection_filed", actor=actor, target=objection,
                 data={"tender": tender.code, "phase": phase, "round": round_})
    window = tender.stage_window(stage)
    notifications.notify_committee(tender, "objection_filed", {
        "objection": objection,
        "answer_due": objection_answer_due(window.ends_at) if window else None})
    return objection
