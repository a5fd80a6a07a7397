"""Writing OCDS releases. Nothing else writes to lpse.opendata's tables.

Trigger: every change of a tender writes an audit event in the same transaction (the
project's rule), so the audit log is the outbox. `releases_publish_pending` reads the audit
events after its cursor and brings the releases of each tender they touch up to date
(`releases_sync`); it runs right after each relevant commit (a task enqueued on commit, see
apps.py) and every minute as a safety net (schedules.py). `releases_backfill` does it for
every published tender (management command `ocds_backfill`, after bulk loads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lpse.audit.models import AuditEvent
from lpse.audit.services import audit_record
from lpse.opendata.mapping import TRIGGER_ACTIONS, load_history, release_for, tenders_for_history
from lpse.opendata.models import ContractingProcess, PublishCursor, Release
from lpse.tenders.models import Tender

#: Audit events read per batch by the publisher.
BATCH = 500


def _process_for(ocid: str, tender: Tender, first: Any) -> ContractingProcess:
    process, _created = ContractingProcess.objects.get_or_create(
        ocid=ocid, defaults={"tender": tender, "first_release_at": first,
                             "last_release_at": first})
    return process


def _write(tender: Tender, *, audit: bool) -> list[Release]:
    history = load_history(tender)
    if not history.events:
        return []
    ocid = history.ocid
    existing = set(Release.objects.filter(ocid=ocid).values_list("event", flat=True))
    missing = [event for event in history.events if event.key not in existing]
    if not missing:
        return []
    created: list[Release] = []
    with transaction.atomic():
        process = ContractingProcess.objects.select_for_update().filter(ocid=ocid).first() \
            or _process_for(ocid, tender, history.events[0].date)
        for event in missing:
            data = release_for(history, event)
            release = Release(process=process, ocid=ocid, release_id=data["id"],
                              event=event.key, date=event.date, tags=list(event.tags),
                              data=data)
            try:
                with transaction.atomic():
                    release.save()
            except IntegrityError:
                continue  # another worker wrote it first: releases are deterministic
            created.append(release)
        if created:
            stats = Release.objects.filter(process=process).aggregate(last=Max("date"))
            ContractingProcess.objects.filter(pk=process.pk).update(
                last_release_at=stats["last"], updated_at=timezone.now(),
                release_count=Release.objects.filter(process=process).count())
            if audit:
                audit_record(action="opendata.releases_published", actor=None,
                             target=process, data={"ocid": ocid, "releases": [
                                 r.release_id for r in created]})
    return created


def releases_sync(*, tender: Tender, audit: bool = True) -> list[Release]:
    """Write the releases a published tender is missing (none for a draft). Idempotent:
    running it twice, or in two workers at once, writes each release once."""
    if tender.published_at is None:
        return []
    full = tenders_for_history().get(pk=tender.pk)
    created = _write(full, audit=audit)
    if full.previous_id is not None:
        # A published re-tender adds the "replaced" release to the failed tender.
        previous = tenders_for_history().get(pk=full.previous_id)
        created += _write(previous, audit=audit)
    return created


def _tender_ids(events: Iterable[Mapping[str, Any]]) -> list[int]:
    ids: list[int] = []
    for event in events:
        if event["action"] in TRIGGER_ACTIONS and event["object_type"] == "tenders.tender":
            try:
                pk = int(event["object_id"])
            except ValueError:
                continue
            if pk not in ids:
                ids.append(pk)
    return ids


def releases_publish_pending(*, max_batches: int = 20) -> int:
    """Read the audit log after the cursor and sync the tenders it names; returns how many
    releases were written. The audit chain appends under a lock held to commit, so committed
    events always form a prefix of the sequence and the cursor never skips one."""
    written = 0
    for _batch in range(max_batches):
        cursor, _created = PublishCursor.objects.get_or_create(pk=1)
        events = list(AuditEvent.objects.filter(seq__gt=cursor.last_seq).order_by("seq")
                      .values("seq", "action", "object_type", "object_id")[:BATCH])
        if not events:
            break
        for pk in _tender_ids(events):
            tender = Tender.objects.filter(pk=pk).first()
            if tender is not None:
                written += len(releases_sync(tender=tender))
        PublishCursor.objects.filter(pk=1, last_seq__lt=events[-1]["seq"]).update(
            last_seq=events[-1]["seq"])
        if len(events) < BATCH:
            break
    return written


def releases_backfill(*, chunk: int = 200, progress: Any = None) -> dict[str, int]:
    """Write the missing releases of every published tender (after a bulk load, or when
    OCDS publication is switched on for existing data). One summary audit event."""
    head = AuditEvent.objects.aggregate(seq=Max("seq"))["seq"] or 0
    ids = list(Tender.objects.filter(published_at__isnull=False).order_by("published_at", "pk")
               .values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), chunk):
        for tender in tenders_for_history().filter(pk__in=ids[start:start + chunk]).order_by(
                "published_at", "pk"):
            written += len(_write(tender, audit=False))
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    with transaction.atomic():
        cursor, _created = PublishCursor.objects.select_for_update().get_or_create(pk=1)
        if cursor.last_seq < head:
            cursor.last_seq = head
            cursor.save(update_fields=["last_seq", "updated_at"])
        audit_record(action="opendata.releases_backfilled", actor=None,
                     object_type="opendata.release", object_repr="OCDS",
                     data={"tenders": len(ids), "releases": written})
    return {"tenders": len(ids), "releases": written}
