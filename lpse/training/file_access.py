from __future__ import annotations

from lpse.accounts.models import User
from lpse.core.documents import register_document_access
from lpse.core.files import register_file_access
from lpse.core.models import IssuedDocument, StoredFile
from lpse.training.models import Participant, TrainingMaterial, TrainingSession
from lpse.training.selectors import can_view_all, requests_visible_to, sessions_visible_to
from lpse.training.services import LETTER_PURPOSE, MATERIAL_PURPOSE


@register_file_access(LETTER_PURPOSE)
def _request_letter(user: User, stored: StoredFile) -> bool:
    return requests_visible_to(user).filter(letter=stored).exists()


@register_file_access(MATERIAL_PURPOSE)
def _material(user: User, stored: StoredFile) -> bool:
    material = TrainingMaterial.objects.filter(file=stored).first()
    return material is not None and sessions_visible_to(user).filter(
        pk=material.session_id).exists()


@register_document_access("training.")
def _training_documents(user: User, document: IssuedDocument) -> bool:
    """Staff read all; the agency its reply letters; the trainer the surat tugas; a
    participant their own certificate."""
    if can_view_all(user):
        return True
    if document.letter_type == "training.reply":
        return requests_visible_to(user).filter(reply_letter=document).exists()
    if document.letter_type == "training.assignment":
        return TrainingSession.objects.filter(assignment_letter=document, trainer=user).exists()
    if document.letter_type == "training.certificate":
        return Participant.objects.filter(certificate=document, user=user).exists()
    return False


