"""Tender documents through /files/<uuid>/ : officials who may see the tender.

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
