"""Tender documents and prequalification submissions through /files/<uuid>/ : officials
who may see the tender (and, for a submission, the vendor that made it).

Vendors download through /tenders/<code>/documents/<version>/, which logs each download
(the regulation's and the issue's download log) and checks participation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpse.core.files import register_file_access
from lpse.core.models import StoredFile

if TYPE_CHECKING:
    from lpse.accounts.models import User


@register_file_access("tenders.document")
def tender_document_rule(user: User, stored: StoredFile) -> bool:
    from lpse.tenders.models import TenderDocument
    from lpse.tenders.selectors import tenders_visible_to

    document = TenderDocument.objects.filter(file=stored).only("tender_id").first()
    return document is not None and tenders_visible_to(user).filter(
        pk=document.tender_id).exists()


@register_file_access("tenders.qualification")
def qualification_rule(user: User, stored: StoredFile) -> bool:
    """A prequalification submission's documents: the officials who may see the tender, and
    the vendor that submitted them."""
    from lpse.tenders.models import QualificationSubmission
    from lpse.tenders.selectors import participant_of, tenders_visible_to

    submission = QualificationSubmission.objects.filter(file=stored).select_related(
        "tender").first()
    if submission is None:
        return False
    if tenders_visible_to(user).filter(pk=submission.tender_id).exists():
        return True
    participant = participant_of(user, submission.tender)
    return participant is not None and participant.pk == submission.participant_id
