"""Backups, restores and drills with their records, audit events and alerts
(regulation Pasal 14 and Lampiran VI: back up the system files and the database at least
every 24 hours, every day, onto portable media kept away from the server room)."""

from __future__ import annotations

import contextlib
import getpass
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pyrage import x25519

from lpse.audit.services import audit_record
from lpse.backups import destinations, engine, keys, restore
from lpse.backups.models import BackupAlert, BackupCopy, BackupRun, DrillRun
from lpse.backups.selectors import backup_health

if TYPE_CHECKING:
    from lpse.accounts.models import User

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024
#: A running backup that has not reported progress for this long has died.
STALE_HEARTBEAT = timedelta(minutes=15)
#: A condition that stays true is mailed again after this long.
REALERT_AFTER = timedelta(hours=24)


class BackupBusy(ValidationError):
    """Another backup is running."""


# --- Backup ---------------------------------------------------------------------------------


def _mark_interrupted(*, reason: str, older_than: timedelta | None) -> int:
    """Runs left "running" by a process that died (or by a restored snapshot)."""
    runs = BackupRun.objects.filter(status=BackupRun.Status.RUNNING)
    if older_than is not None:
        limit = timezone.now() - older_than
        runs = runs.filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True,
                                                          started_at__lt=limit))
    return runs.update(status=BackupRun.Status.FAILED, finished_at=timezone.now(),
                       error=reason)


def _start(*, actor: User | None, trigger: str) -> BackupRun:
    _mark_interrupted(reason="Interrupted: the process stopped reporting progress.",
                      older_than=STALE_HEARTBEAT)
    now = timezone.now()
    try:
        with transaction.atomic():
            run = BackupRun(trigger=trigger, started_by=actor, started_at=now,
                            heartbeat_at=now, phase="starting",
                            recipients=[keys.fingerprint(r) for r in keys.configured_recipients()])
            run.full_clean(validate_constraints=False)
            run.save()
            audit_record(action="backups.backup_started", actor=actor, target=run,
                         data={"trigger": trigger})
    except IntegrityError as exc:
        raise BackupBusy(_("A backup is already running; wait for it to finish."),
                         code="busy") from exc
    return run


def _progress_reporter(run: BackupRun) -> engine.Progress:
    def report(phase: str, done: int, total: int) -> None:
        BackupRun.objects.filter(pk=run.pk).update(
            phase=phase, bytes_done=done, bytes_total=total, heartbeat_at=timezone.now()
        )

    return report


def backup_run(*, actor: User | None, trigger: str = BackupRun.Trigger.COMMAND,
               output_dir: Path | None = None, remote: bool = True, retention: bool = True,
               storage: Storage | None = None, alias: str = "default") -> BackupRun:
    """Take a backup and write it to every destination, verifying each copy.

    The run is recorded (and visible with its progress) from the start. Retention removes
    old archives from a destination only after the new archive verified there. A failure
    is recorded and mailed to the system administrators; it is not raised.
    """
    run = _start(actor=actor, trigger=trigger)
    storage = storage or default_storage
    local = destinations.local_destination(output_dir)
    name = destinations.archive_name(run.started_at, secrets.token_hex(3))
    partial = local.partial_path(name)
    policy = destinations.configured_policy()
    copies: list[BackupCopy] = []
    result: engine.BackupResult | None = None
    try:
        recipient_texts = keys.configured_recipients()
        recipients = keys.recipients_or_error()
        local.check_ready()
        run.archive_name = name
        run.save(update_fields=["archive_name"])
        writer = local.open_partial(name)
        try:
            result = engine.write_backup(
                out=writer, recipients=recipients, recipient_texts=recipient_texts,
                storage=storage, work_dir=settings.BACKUP_WORK_DIR, alias=alias,
                progress=_progress_reporter(run), created_at=run.started_at,
                hash_output=False,  # hashed as it reads back from the drive
            )
            BackupRun.objects.filter(pk=run.pk).update(phase="verifying",
                                                       heartbeat_at=timezone.now())
            stored = local.finish_written(writer, name, result.size)
            result.sha256 = stored.sha256
        finally:
            writer.abort()
        copies.append(BackupCopy(run=run, kind=BackupCopy.Kind.LOCAL, location=stored.location,
                                 size=stored.size, sha256=stored.sha256,
                                 verified_at=timezone.now()))
        targets: list[destinations.Destination] = [local]
        for remote_dest in destinations.remote_destinations() if remote else []:
            BackupRun.objects.filter(pk=run.pk).update(phase="uploading",
                                                       heartbeat_at=timezone.now())
            try:
                stored = remote_dest.put(Path(local.directory / name), name, result.size,
                                         result.sha256)
            except destinations.DestinationError as exc:
                copies.append(BackupCopy(run=run, kind=BackupCopy.Kind.S3,
                                         location=remote_dest.describe(), error=str(exc)))
                continue
            copies.append(BackupCopy(run=run, kind=BackupCopy.Kind.S3,
                                     location=stored.location, size=stored.size,
                                     sha256=stored.sha256, verified_at=timezone.now()))
            targets.append(remote_dest)
        removed: list[str] = []
        if retention:
            BackupRun.objects.filter(pk=run.pk).update(phase="retention",
                                                       heartbeat_at=timezone.now())
            for target in targets:
                for gone in destinations.apply_retention(target, newest_verified=name,
                                                         policy=policy):
                    removed.append(f"{target.describe()}{'' if target.kind == 's3' else '/'}"
                                   f"{gone}")
        failed = [c for c in copies if c.verified_at is None]
        status = BackupRun.Status.PARTIAL if failed else BackupRun.Status.VERIFIED
        error = "\n".join(c.error for c in failed)
    except Exception as exc:
        logger.exception("Backup %s failed", run.pk)
        partial.unlink(missing_ok=True)
        status, error, removed = BackupRun.Status.FAILED, f"{type(exc).__name__}: {exc}", []
    return _finish(run=run, actor=actor, status=status, error=error, result=result,
                   copies=copies, removed=removed)


@transaction.atomic
def _finish(*, run: BackupRun, actor: User | None, status: str, error: str,
            result: engine.BackupResult | None, copies: list[BackupCopy],
            removed: list[str]) -> BackupRun:
    run.refresh_from_db()
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.phase = "done"
    if result is not None:
        run.archive_size = result.size
        run.archive_sha256 = result.sha256
        run.database_engine = result.engine
        run.table_count = len(result.tables)
        run.row_count = sum(t.rows for t in result.tables.values())
        run.file_count = result.file_count
        run.file_bytes = result.file_bytes
        run.warnings = result.warnings
        run.bytes_done = run.bytes_total = max(run.bytes_total, run.bytes_done)
    run.full_clean(validate_constraints=False)
    run.save()
    for copy in copies:
        copy.full_clean()
        copy.save()
    if removed:
        for copy in BackupCopy.objects.filter(location__in=removed, deleted_at__isnull=True):
            copy.deleted_at = timezone.now()
            copy.save(update_fields=["deleted_at"])
    audit_record(action=f"backups.backup_{status}", actor=actor, target=run, data={
        "archive": run.archive_name, "size": run.archive_size, "sha256": run.archive_sha256,
        "copies": [c.location for c in copies if c.verified_at],
        "removed_by_retention": removed, "error": error[:500],
    })
    if status != BackupRun.Status.VERIFIED:
        _alert(BackupAlert.Kind.FAILED, template="backups/email/backup_failed",
               context={"run": run, "error": error})
    return run


def backup_start_problem() -> str | None:
    """Why a backup cannot start as configured (translated, says what to set), or None."""
    if not keys.configured_recipients():
        return _("Backups are not configured: there is no backup public key. Generate a key "
                 "pair with \"python manage.py backup_keygen\", keep the private key offline "
                 "and put the public key (age1…) in the BACKUP_RECIPIENTS setting of the "
                 "server's environment, then restart the portal.")
    return None


def backup_request(*, actor: User) -> BackupRun | None:
    """An administrator asks for a backup now: it runs in the task worker."""
    from lpse.backups.jobs import backup_now

    problem = backup_start_problem()
    if problem is not None:
        raise ValidationError(problem, code="not_configured")
    if BackupRun.objects.filter(status=BackupRun.Status.RUNNING).exists():
        raise BackupBusy(_("A backup is already running; wait for it to finish."), code="busy")
    audit_record(action="backups.backup_requested", actor=actor,
                 object_type="backups.backuprun", object_repr="backup requested")
    transaction.on_commit(lambda: backup_now.enqueue(actor_id=actor.pk))
    return None


# --- Verify, restore, drill -----------------------------------------------------------------


def archive_verify(*, path: Path, identities: list[x25519.Identity]) -> engine.CheckReport:
    with path.open("rb", buffering=CHUNK) as source:
        return engine.read_archive(source, identities)


def archive_restore(*, path: Path, identities: list[x25519.Identity], replace: bool,
                    storage: Storage | None = None,
                    alias: str = "default") -> restore.RestoreResult:
    """Restore into the site's database and storage, then check the audit chain and record
    the restore in the audit log of the restored database."""
    with path.open("rb", buffering=CHUNK) as source:
        result = restore.restore_into_live(source=source, identities=identities,
                                           replace=replace, alias=alias,
                                           storage=storage or default_storage)
    if result.database_restored:
        with transaction.atomic(using=alias):
            interrupted = _mark_interrupted(
                reason="Interrupted: this run was in progress in the restored snapshot.",
                older_than=None,
            )
            audit_record(
                action="backups.restored", actor=None,
                object_type="backups.archive", object_id=path.name[:64], object_repr=path.name,
                data={
                    "archive": path.name,
                    "created_at": (result.report.info or {}).get("created_at"),
                    "ok": result.ok, "files": result.files_restored,
                    "audit_chain_ok": result.chain.ok if result.chain else None,
                    "audit_events_checked": result.chain.checked if result.chain else 0,
                    "problems": result.report.problems()[:20], "kept": result.kept,
                    "warnings": result.warnings[:20],
                    "interrupted_runs_closed": interrupted,
                    "operator": _operator(),
                },
            )
    return result


def _operator() -> str:
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return ""


def drill_run(*, path: Path, identities: list[x25519.Identity] | None,
              trigger: str = BackupRun.Trigger.COMMAND, actor: User | None = None,
              keep: Path | None = None) -> tuple[DrillRun, restore.DrillReport | None]:
    """Run a restore drill and record its result (shown on the dashboard)."""
    with transaction.atomic():
        drill = DrillRun.objects.create(trigger=trigger, archive_name=path.name,
                                        started_at=timezone.now())
        audit_record(action="backups.drill_started", actor=actor, target=drill,
                     data={"archive": path.name})
    if identities is None:
        return _drill_finish(drill=drill, actor=actor, report=None), None
    with path.open("rb", buffering=CHUNK) as source:
        report = restore.drill(source=source, archive=path.name, identities=identities,
                               keep=keep)
    return _drill_finish(drill=drill, actor=actor, report=report), report


@transaction.atomic
def _drill_finish(*, drill: DrillRun, actor: User | None,
                  report: restore.DrillReport | None) -> DrillRun:
    drill.finished_at = timezone.now()
    if report is None:
        drill.status = DrillRun.Status.NEEDS_KEY
        drill.summary = ("The monthly drill needs the backup private key: run "
                         f"`python manage.py restore_drill {drill.archive_name}` with it.")
    else:
        drill.status = DrillRun.Status.PASSED if report.ok else DrillRun.Status.FAILED
        drill.report = report.as_json()
        drill.summary = "\n".join(report.lines())
    drill.save()
    audit_record(action=f"backups.drill_{drill.status}", actor=actor, target=drill,
                 data={"archive": drill.archive_name, "ok": drill.status == "passed"})
    if drill.status != DrillRun.Status.PASSED:
        _alert(BackupAlert.Kind.DRILL, template="backups/email/drill",
               context={"drill": drill})
    return drill


# --- Alerts ---------------------------------------------------------------------------------


def _sysadmins() -> list[User]:
    from lpse.accounts.models import User
    from lpse.accounts.roles import Role

    return list(User.objects.filter(is_active=True, role_assignments__role=Role.SYSADMIN)
                .exclude(email="").distinct())


def _alert(kind: str, *, template: str, context: dict[str, Any]) -> BackupAlert:
    from lpse.core.mail import send_mail_on_commit

    recipients = _sysadmins()
    for user in recipients:
        send_mail_on_commit(to=[user.email], template=template,
                            context={**context, "user": user},
                            language=user.preferred_language)
    alert = BackupAlert(kind=kind, sent_at=timezone.now(), recipients=len(recipients),
                        message=str(context.get("error") or context.get("message") or ""))
    alert.save()
    return alert


@transaction.atomic
def freshness_check() -> BackupAlert | None:
    """Mail the system administrators when the newest verified backup is too old
    (once, then again every 24 hours while it stays so)."""
    health = backup_health()
    if not health.stale:
        return None
    since = timezone.now() - REALERT_AFTER
    recent = BackupAlert.objects.filter(kind=BackupAlert.Kind.STALE, sent_at__gte=since)
    if health.last_verified is not None and health.last_verified.finished_at is not None:
        recent = recent.filter(sent_at__gte=health.last_verified.finished_at)
    if recent.exists():
        return None
    return _alert(BackupAlert.Kind.STALE, template="backups/email/stale", context={
        "last": health.last_verified, "age_hours": health.age_hours,
        "max_age_hours": settings.BACKUP_MAX_AGE_HOURS,
        "message": f"newest verified backup: {health.age_hours} h",
    })
