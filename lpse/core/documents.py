"""Official letters and minutes: numbering per type per year, PDF rendering, records.

Each issued PDF gets an official number (LETTER_NUMBER_FORMAT), a verification URL with a
QR code, and a row in `IssuedDocument` with its SHA-256, so a printed or forwarded copy can
be checked at /documents/verify/<id>/.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from lpse.audit.services import audit_record
from lpse.core.calendar import localdate_wib
from lpse.core.files import register_file_access, store_bytes
from lpse.core.models import IssuedDocument, LetterSequence, StoredFile
from lpse.core.pdf import Issuer, PdfDocument

if TYPE_CHECKING:
    from lpse.accounts.models import User

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def letter_number_next(*, letter_type: str, code: str, on: date | None = None,
                       unit: str = "") -> str:
    """Reserve the next official number for `letter_type` in the year of `on`, counted per
    issuing unit (the LPSE's own, or an agency's code: each numbers its own letters).

    Must run inside the transaction that issues the document, so a rolled-back issue does
    not consume a number.
    """
    on = on or localdate_wib()
    unit = unit or settings.LPSE_UNIT_CODE
    key = letter_type if unit == settings.LPSE_UNIT_CODE else f"{letter_type}@{unit}"[:60]
    with transaction.atomic(savepoint=False):
        LetterSequence.objects.get_or_create(letter_type=key, year=on.year)
        sequence = LetterSequence.objects.select_for_update().get(letter_type=key, year=on.year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return settings.LETTER_NUMBER_FORMAT.format(
        code=code,
        seq=sequence.last_number,
        unit=unit,
        month_roman=ROMAN_MONTHS[on.month - 1],
        month=on.month,
        year=on.year,
    )


def verify_url(document_id: uuid.UUID) -> str:
    return settings.SITE_URL + reverse("core:document_verify", args=[document_id])


@transaction.atomic
def document_issue(
    *,
    letter_type: str,
    code: str,
    doc: PdfDocument,
    filename: str,
    issued_by: User | None,
    subject: models.Model | None = None,
    numbered: bool = True,
    issuer: Issuer | None = None,
) -> IssuedDocument:
    """Number, render, store and record one official PDF (letter or berita acara). An
    `issuer` other than the LPSE (an agency) prints its letterhead and numbers its letters
    in its own sequence."""
    document_id = uuid.uuid4()
    if issuer is not None:
        doc.issuer = issuer
    if numbered:
        doc.number = letter_number_next(letter_type=letter_type, code=code,
                                        unit=doc.issuer.unit_code)
    else:
        doc.number = None
    number = doc.number or f"{letter_type}/{document_id.hex[:12]}"
    pdf = doc.render(verify_url=verify_url(document_id))
    stored = store_bytes(
        data=pdf, original_name=filename, purpose="documents",
        content_type="application/pdf", uploaded_by=issued_by,
    )
    document = IssuedDocument.objects.create(
        id=document_id,
        letter_type=letter_type,
        number=number,
        title=doc.title[:300],
        file=stored,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        issued_by=issued_by,
    )
    audit_record(
        action="document.issued",
        actor=issued_by,
        target=document,
        data={"letter_type": letter_type, "number": number, "sha256": stored.sha256,
              "subject_type": document.subject_type, "subject_id": document.subject_id},
    )
    return document


# --- Who may download an issued document ---------------------------------------------------

DocumentAccessRule = Callable[["User", IssuedDocument], bool]
_document_rules: dict[str, DocumentAccessRule] = {}


def register_document_access(letter_type_prefix: str) -> Callable[
    [DocumentAccessRule], DocumentAccessRule
]:
    """Register who may read documents whose type starts with `letter_type_prefix`."""

    def decorator(rule: DocumentAccessRule) -> DocumentAccessRule:
        _document_rules[letter_type_prefix] = rule
        return rule

    return decorator


def can_read_document(user: User, document: IssuedDocument) -> bool:
    from lpse.accounts.roles import Perm, has_perm

    if has_perm(user, Perm.VIEW_DOCUMENTS):
        return True
    for prefix, rule in _document_rules.items():
        if document.letter_type.startswith(prefix) and rule(user, document):
            return True
    return False


@register_file_access("documents")
def _documents_file_rule(user: User, stored: StoredFile) -> bool:
    document = IssuedDocument.objects.filter(file=stored).first()
    return document is not None and can_read_document(user, document)

