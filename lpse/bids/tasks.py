"""Background work: receipt PDFs, the check of every bid after the key is rebuilt, and the
expiry of drafts left at the deadline."""

from __future__ import annotations

from django.tasks import task


@task()
def receipt_pdf_issue(*, receipt_id: int) -> None:
    from lpse.bids.services.minutes import receipt_pdf_issue as issue

    issue(receipt_id=receipt_id)


@task()
def opening_verify(*, opening_id: int) -> None:
    from lpse.bids.services.opening import opening_verify as verify

    verify(opening_id=opening_id)


@task()
def drafts_expire() -> int:
    from lpse.bids.sealing import spool_sweep
    from lpse.bids.services.upload import drafts_expire as expire

    spool_sweep()
    return expire()
