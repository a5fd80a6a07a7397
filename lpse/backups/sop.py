"""Step timings of the backup procedure (Pasal 14, Lampiran VI; SOP 6) for the operations
SOP report.

* `backup` — "at least every 24 hours": one case per verified run, from the end of the
  previous verified run (the last moment a fresh backup existed) to the end of this one, so
  a gap longer than 24 hours shows as a breach. The first verified run counts from its own
  start.
* `offsite` — the backup kept on portable media away from the server room: one case per
  copy verified on a destination (the portable drive, object storage), from the start of its
  run to the moment the copy was read back and matched. The regulation sets no time for it.
"""

from __future__ import annotations

from django.urls import reverse

from lpse.accounts.roles import Perm
from lpse.backups.models import BackupCopy, BackupRun
from lpse.operations.hooks import Period, StepCase, register_sop_source

VERIFIED = (BackupRun.Status.VERIFIED, BackupRun.Status.PARTIAL)


def _actor(run: BackupRun) -> str:
    if run.started_by is not None:
        return run.started_by.get_full_name() or run.started_by.username
    return str(run.get_trigger_display())


def backups(period: Period) -> list[StepCase]:
    runs = list(BackupRun.objects.filter(
        status__in=VERIFIED, finished_at__gte=period.start, finished_at__lt=period.end,
    ).select_related("started_by").order_by("finished_at", "pk"))
    if not runs:
        return []
    previous = (
        BackupRun.objects.filter(status__in=VERIFIED, finished_at__lt=runs[0].finished_at)
        .order_by("-finished_at").values_list("finished_at", flat=True).first()
    )
    cases = []
    for run in runs:
        assert run.finished_at is not None
        cases.append(StepCase(
            reference=run.archive_name or f"#{run.pk}",
            started_at=previous or run.started_at, finished_at=run.finished_at,
            actor=_actor(run), url=reverse("backups:run_detail", args=[run.pk]),
            perm=Perm.VIEW_BACKUPS,
        ))
        previous = run.finished_at
    return cases


def offsite_copies(period: Period) -> list[StepCase]:
    copies = BackupCopy.objects.filter(
        verified_at__gte=period.start, verified_at__lt=period.end,
    ).select_related("run__started_by").order_by("verified_at", "pk")
    cases = []
    for copy in copies:
        assert copy.verified_at is not None
        cases.append(StepCase(
            reference=f"{copy.run.archive_name or copy.run_id} · {copy.get_kind_display()}",
            started_at=min(copy.run.started_at, copy.verified_at),
            finished_at=copy.verified_at,
            actor=_actor(copy.run), url=reverse("backups:run_detail", args=[copy.run_id]),
            perm=Perm.VIEW_BACKUPS,
        ))
    return cases


def register() -> None:
    register_sop_source("6", "backup", backups)
    register_sop_source("6", "offsite", offsite_copies)
