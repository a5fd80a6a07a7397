"""Every write of the operations app: alerts, samples, probes, maintenance, checklists, SOPs."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.audit.services import audit_record
from lpse.core import calendar
from lpse.core.mail import send_mail_on_commit
from lpse.operations import hooks, monitoring, security
from lpse.operations.alert_titles import title_for_key
from lpse.operations.checklist_catalogue import ITEMS_BY_CODE, items_for
from lpse.operations.hooks import CRITICAL, WARNING
from lpse.operations.models import (
    Alert,
    ChecklistEntry,
    ChecklistRun,
    MaintenanceWindow,
    MetricSample,
    ProbeResult,
    SopDocument,
)

MAINTENANCE_CACHE_KEY = "ops:maintenance:active"


def system_administrators() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role_assignments__role=Role.SYSADMIN)
        .exclude(email="").distinct().order_by("pk")
    )


# --- Alerts -----------------------------------------------------------------------------------


def _notify_alert(alert: Alert) -> None:
    for admin in system_administrators():
        send_mail_on_commit(
            to=[admin.email], template="operations/email/alert",
            context={"alert": alert, "name": admin.full_name or admin.username},
            language=admin.preferred_language,
        )
    alert.notified_at = timezone.now()
    alert.notified_level = alert.level


@transaction.atomic
def alert_raise(
    *, key: str, source: str, level: str, title: str, detail: str = "", value: str = "",
    threshold: str = "", now: datetime | None = None,
) -> Alert:
    """Open an alert (or keep the open one up to date); e-mail the system administrators
    when it opens and when it escalates from warning to critical."""
    if level not in (WARNING, CRITICAL):
        raise ValueError(level)
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().filter(key=key, resolved_at__isnull=True).first()
    if alert is None:
        alert = Alert(key=key, source=source, level=level, title=title[:200], detail=detail,
                      value=value[:100], threshold=threshold[:100], opened_at=now,
                      last_seen_at=now)
        alert.full_clean()
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # another process opened it a moment ago
            return Alert.objects.get(key=key, resolved_at__isnull=True)
        _notify_alert(alert)
        alert.save(update_fields=["notified_at", "notified_level"])
        audit_record(action="operations.alert_opened", actor=None, target=alert,
                     data={"key": key, "level": level, "value": value, "threshold": threshold})
        return alert
    escalated = level == CRITICAL and alert.level != CRITICAL
    alert.level, alert.last_seen_at = level, now
    alert.detail, alert.value, alert.threshold = detail, value[:100], threshold[:100]
    fields = ["level", "last_seen_at", "detail", "value", "threshold"]
    if escalated and alert.notified_level != CRITICAL:
        _notify_alert(alert)
        fields += ["notified_at", "notified_level"]
        audit_record(action="operations.alert_escalated", actor=None, target=alert,
                     data={"key": key, "level": level, "value": value})
    alert.save(update_fields=fields)
    return alert


@transaction.atomic
def alerts_resolve_except(*, source: str, keep: set[str], now: datetime | None = None,
                          prefix: str = "") -> int:
    """Resolve the open alerts of `source` (and key prefix) that are no longer crossed."""
    now = now or timezone.now()
    stale = Alert.objects.select_for_update().filter(
        source=source, resolved_at__isnull=True, key__startswith=prefix
    ).exclude(key__in=keep)
    count = 0
    for alert in stale:
        alert.resolved_at = now
        alert.save(update_fields=["resolved_at"])
        audit_record(action="operations.alert_resolved", actor=None, target=alert,
                     data={"key": alert.key})
        count += 1
    return count


def _title(key: str) -> str:
    title = title_for_key(key)
    assert title is not None, key
    return title


# --- Capacity and database watch --------------------------------------------------------------


def _record_samples(values: dict[tuple[str, str], float], now: datetime) -> None:
    MetricSample.objects.bulk_create(
        [MetricSample(metric=metric, subject=subject, value=value, taken_at=now)
         for (metric, subject), value in values.items()]
    )


def capacity_check_run(*, now: datetime | None = None, record: bool = True) -> dict[str, Any]:
    """The daily capacity check: measure, keep samples, open and resolve alerts."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        report = monitoring.capacity_check(now)
    if not record:
        return report
    samples = {(c["key"], ""): float(c["value"]) for c in report["checks"]
               if c["value"] is not None}
    crossed: set[str] = set()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        _record_samples(samples, now)
        for check in report["checks"]:
            if check["level"] not in (WARNING, CRITICAL):
                continue
            key = f"capacity.{check['key']}"
            crossed.add(key)
            limit = check["critical"] if check["level"] == CRITICAL else check["warning"]
            alert_raise(key=key, source=Alert.Source.CAPACITY, level=check["level"],
                        title=_title(key), detail=check["text"],
                        value=_fmt(check["value"], check["unit"]),
                        threshold=_fmt(limit, check["unit"]), now=now)
        alerts_resolve_except(source=Alert.Source.CAPACITY, keep=crossed, now=now)
    return report


def _fmt(value: float | None, unit: str) -> str:
    return monitoring.format_amount(value, unit)


def database_watch_run(*, now: datetime | None = None) -> dict[str, Any]:
    """Sample the database watch and alert on hanging transactions and lock waits."""
    now = now or timezone.now()
    limits = monitoring.thresholds()
    with translation.override(settings.LANGUAGE_CODE):
        watch = monitoring.database_watch()
        crossed: set[str] = set()
        with transaction.atomic():
            samples = {("db.hanging", ""): float(len(watch.get("hanging", []))),
                       ("db.lock_waits", ""): float(len(watch.get("lock_waits", [])))}
            if watch.get("connections"):
                samples[("db.connections", "")] = float(watch["connections"]["total"])
            _record_samples(samples, now)
            if watch.get("hanging"):
                crossed.add("database.hanging")
                alert_raise(
                    key="database.hanging", source=Alert.Source.DATABASE, level=WARNING,
                    title=_title("database.hanging"),
                    detail=", ".join(f"pid {s['pid']} ({s['state']})" for s in watch["hanging"]),
                    value=str(len(watch["hanging"])),
                    threshold=_("%(seconds)s seconds") % {
                        "seconds": limits["HANGING_TRANSACTION_SECONDS"]},
                    now=now,
                )
            if len(watch.get("lock_waits", [])) >= limits["LOCK_WAIT_WARNING"]:
                crossed.add("database.lock_waits")
                alert_raise(key="database.lock_waits", source=Alert.Source.DATABASE,
                            level=WARNING, title=_title("database.lock_waits"),
                            value=str(len(watch["lock_waits"])),
                            threshold=str(limits["LOCK_WAIT_WARNING"]), now=now)
            connections = watch.get("connections")
            if connections and connections["percent"] >= limits["CONNECTIONS_WARNING_PERCENT"]:
                crossed.add("database.connections")
                alert_raise(key="database.connections", source=Alert.Source.DATABASE,
                            level=WARNING, title=_title("database.connections"),
                            value=f"{connections['total']}/{connections['max']}",
                            threshold=monitoring.format_amount(
                                limits["CONNECTIONS_WARNING_PERCENT"], "%"), now=now)
            if watch.get("vendor") == "sqlite" and not watch.get("integrity_ok", True):
                crossed.add("database.integrity")
                alert_raise(key="database.integrity", source=Alert.Source.DATABASE,
                            level=CRITICAL, title=_title("database.integrity"),
                            detail="; ".join(watch["integrity"])[:2000], now=now)
            alerts_resolve_except(source=Alert.Source.DATABASE, keep=crossed, now=now)
    return watch


# --- Security ---------------------------------------------------------------------------------


def security_scan(*, now: datetime | None = None) -> dict[str, int]:
    """Count the last hour's security events; alert on every kind over its threshold."""
    now = now or timezone.now()
    limits = monitoring.thresholds()
    counts = security.counts_since(now - timedelta(hours=1))
    crossed: set[str] = set()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for kind, setting in security.ALERT_SETTINGS.items():
            limit = int(limits[setting])
            if limit > 0 and counts[kind] >= limit:
                key = f"security.{kind}"
                crossed.add(key)
                alert_raise(
                    key=key, source=Alert.Source.SECURITY,
                    level=CRITICAL if counts[kind] >= 3 * limit else WARNING,
                    title=_title(key),
                    detail=_("%(count)s in the last hour") % {"count": counts[kind]},
                    value=str(counts[kind]), threshold=_("%(limit)s per hour") % {"limit": limit},
                    now=now,
                )
        _record_samples({(f"security.{k}", ""): float(v) for k, v in counts.items()}, now)
        alerts_resolve_except(source=Alert.Source.SECURITY, keep=crossed, now=now)
    return counts


# --- Availability (self-probe) and health -----------------------------------------------------


def probe_url() -> str:
    return str(settings.OPERATIONS["PROBE_URL"] or f"{settings.SITE_URL}/")


def probe_run(*, now: datetime | None = None) -> ProbeResult:
    """Fetch the public home page like a visitor would; record whether and how fast it
    answered, and alert when it did not."""
    now = now or timezone.now()
    url = probe_url()
    status: int | None = None
    error = ""
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "LPSE-self-probe/1"})  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310 - the site's own configured URL
            request, timeout=settings.OPERATIONS["PROBE_TIMEOUT_SECONDS"]
        ) as response:
            response.read(1024)
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, str(exc.reason)[:300]
    except (OSError, ValueError) as exc:
        error = str(exc)[:300]
    elapsed = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 400
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        result = ProbeResult.objects.create(
            checked_at=now, url=url[:300], ok=ok, status_code=status,
            response_ms=elapsed if status is not None else None, error=error,
        )
        _record_samples({("availability", ""): 1.0 if ok else 0.0}, now)
        if ok:
            _record_samples({("response_ms", ""): float(elapsed)}, now)
            alerts_resolve_except(source=Alert.Source.HEALTH, keep=set(), now=now,
                                  prefix="health.site")
        else:
            alert_raise(key="health.site", source=Alert.Source.HEALTH, level=CRITICAL,
                        title=_title("health.site"),
                        detail=f"{url}: {status or ''} {error}".strip(), now=now)
    return result


def health_watch(*, now: datetime | None = None) -> dict[str, Any]:
    """Alert on every component /health/ reports down (mail, scheduler, worker…)."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        state = monitoring.health(now)
        crossed: set[str] = set()
        with transaction.atomic():
            for name, check in state["checks"].items():
                if not check["ok"]:
                    key = f"health.{name}"
                    crossed.add(key)
                    alert_raise(key=key, source=Alert.Source.HEALTH, level=CRITICAL,
                                title=_title(key),
                                detail=check["detail"], now=now)
            for alert in Alert.objects.filter(source=Alert.Source.HEALTH,
                                              resolved_at__isnull=True,
                                              key__startswith="health."):
                if alert.key != "health.site" and alert.key not in crossed:
                    alert.resolved_at = now
                    alert.save(update_fields=["resolved_at"])
                    audit_record(action="operations.alert_resolved", actor=None, target=alert,
                                 data={"key": alert.key})
    return state


# --- Maintenance (Pasal 12 d) -----------------------------------------------------------------


class DeadlineConflict(ValidationError):
    """Starting now would overlap upload deadlines; an administrator must confirm."""

    def __init__(self, deadlines: list[hooks.Deadline]) -> None:
        self.deadlines = deadlines
        super().__init__(
            _("The window overlaps %(count)s upload deadline(s). Confirm with a reason to "
              "start it anyway.") % {"count": len(deadlines)},
            code="deadline_conflict",
        )


def _deadlines_data(deadlines: list[hooks.Deadline]) -> list[dict[str, str]]:
    return [{"label": d.label, "at": d.at.isoformat(), "url": d.url} for d in deadlines]


#: Every request asks whether maintenance is on: the answer "no" is also kept in the
#: process for a moment (monotonic deadline), sparing the shared cache a round trip.
_MAINTENANCE_OFF_UNTIL = [0.0]
MAINTENANCE_OFF_MEMO_SECONDS = 2.0


def maintenance_active() -> MaintenanceWindow | None:
    """The window in progress, if any (cached for a few seconds in the shared cache; "none"
    also for two seconds in the process)."""
    if time.monotonic() < _MAINTENANCE_OFF_UNTIL[0]:
        return None
    cached = cache.get(MAINTENANCE_CACHE_KEY)
    if cached is None:
        window = MaintenanceWindow.objects.filter(
            status=MaintenanceWindow.Status.ACTIVE).order_by("-started_at").first()
        cache.set(MAINTENANCE_CACHE_KEY, window.pk if window else 0, 5)
    elif not cached:
        window = None
    else:
        window = MaintenanceWindow.objects.filter(
            pk=cached, status=MaintenanceWindow.Status.ACTIVE).first()
    if window is None:
        _MAINTENANCE_OFF_UNTIL[0] = time.monotonic() + MAINTENANCE_OFF_MEMO_SECONDS
    return window


def _invalidate_maintenance() -> None:
    _MAINTENANCE_OFF_UNTIL[0] = 0.0
    cache.delete(MAINTENANCE_CACHE_KEY)


#: How far in the past a new window may start (the minute being typed in).
SCHEDULE_GRACE = timedelta(minutes=1)


@transaction.atomic
def maintenance_schedule(
    *, actor: User, title: str, message: str, starts_at: datetime, ends_at: datetime
) -> MaintenanceWindow:
    """Announce a maintenance window ahead; e-mail the participants of tenders whose
    stages overlap it."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    now = timezone.now()
    if ends_at <= now:
        raise ValidationError({"ends_at": _("The window is already over.")})
    # Announced ahead (participants are told before it starts); the grace covers the current
    # minute typed into a field without seconds.
    if starts_at < now - SCHEDULE_GRACE:
        raise ValidationError({"starts_at": _(
            "The start has already passed: a maintenance window is announced ahead. Choose a "
            "start in the future.")})
    window = MaintenanceWindow(title=title, message=message, starts_at=starts_at,
                               ends_at=ends_at, created_by=actor)
    window.overlapping_deadlines = _deadlines_data(hooks.deadlines_between(starts_at, ends_at))
    window.full_clean()
    window.save()
    participants = hooks.participants_between(starts_at, ends_at)
    for person in participants:
        send_mail_on_commit(
            to=[person.email], template="operations/email/maintenance",
            context={"window": window, "name": person.name, "tender": person.tender,
                     "starts": calendar.to_wib(starts_at), "ends": calendar.to_wib(ends_at)},
            language=person.language,
        )
    window.participants_notified = len(participants)
    window.save(update_fields=["participants_notified"])
    audit_record(action="operations.maintenance_scheduled", actor=actor, target=window,
                 data={"starts_at": starts_at, "ends_at": ends_at,
                       "participants_notified": len(participants),
                       "overlapping_deadlines": window.overlapping_deadlines})
    return window


@transaction.atomic
def maintenance_start(
    *, actor: User, window: MaintenanceWindow, override_reason: str = "",
    now: datetime | None = None,
) -> MaintenanceWindow:
    """Put the portal in maintenance mode. Refused when the window overlaps an upload
    deadline, unless the administrator confirms with a reason."""
    now = now or timezone.now()
    window = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
    if window.status != MaintenanceWindow.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled window can be started."), code="state")
    if window.ends_at <= now:
        raise ValidationError(_("The window is already over."), code="over")
    if MaintenanceWindow.objects.filter(status=MaintenanceWindow.Status.ACTIVE).exists():
        raise ValidationError(_("Another maintenance window is in progress."), code="active")
    deadlines = hooks.deadlines_between(min(now, window.starts_at), window.ends_at)
    override_reason = override_reason.strip()
    if deadlines and not override_reason:
        raise DeadlineConflict(deadlines)
    window.status = MaintenanceWindow.Status.ACTIVE
    window.started_at, window.started_by = now, actor
    window.overlapping_deadlines = _deadlines_data(deadlines)
    window.deadline_override_reason = override_reason if deadlines else ""
    window.save(update_fields=["status", "started_at", "started_by", "overlapping_deadlines",
                               "deadline_override_reason", "updated_at"])
    audit_record(action="operations.maintenance_started", actor=actor, target=window,
                 data={"overlapping_deadlines": window.overlapping_deadlines,
                       "override_reason": window.deadline_override_reason})
    transaction.on_commit(_invalidate_maintenance)
    return window


@transaction.atomic
def maintenance_end(*, actor: User, window: MaintenanceWindow) -> MaintenanceWindow:
    window = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
    if window.status != MaintenanceWindow.Status.ACTIVE:
        raise ValidationError(_("This window is not in progress."), code="state")
    window.status = MaintenanceWindow.Status.FINISHED
    window.ended_at, window.ended_by = timezone.now(), actor
    window.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
    audit_record(action="operations.maintenance_ended", actor=actor, target=window)
    transaction.on_commit(_invalidate_maintenance)
    return window


def maintenance_watch(*, now: datetime | None = None) -> list[int]:
    """Alert while a maintenance window runs past its announced end: the public still gets
    the maintenance page (the work overran, or nobody ended the window). A warning at once,
    critical after OPS_MAINTENANCE_OVERRUN_CRITICAL_MINUTES; resolved when it is ended.
    Maintenance is never ended automatically: only the administrator doing the work knows
    that the system is ready. Returns the overrunning windows."""
    now = now or timezone.now()
    critical_minutes = int(settings.OPERATIONS["MAINTENANCE_OVERRUN_CRITICAL_MINUTES"])
    overrun: list[int] = []
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        keys: set[str] = set()
        for window in MaintenanceWindow.objects.filter(status=MaintenanceWindow.Status.ACTIVE,
                                                       ends_at__lt=now):
            minutes = int((now - window.ends_at).total_seconds() // 60)
            key = f"maintenance.overrun.{window.pk}"
            keys.add(key)
            alert_raise(
                key=key, source=Alert.Source.HEALTH,
                level=CRITICAL if minutes >= critical_minutes else WARNING,
                title=_("Maintenance mode is still on after its announced end: %(title)s")
                % {"title": window.title},
                detail=_("The window was announced to end at %(end)s; the public still sees "
                         "the maintenance page. End it on the maintenance page when the work "
                         "is done.") % {"end": calendar.to_wib(window.ends_at).strftime(
                             "%d-%m-%Y %H:%M WIB")},
                value=_("%(minutes)s minutes over") % {"minutes": minutes},
                threshold=_("critical after %(minutes)s minutes") % {
                    "minutes": critical_minutes},
                now=now)
            overrun.append(window.pk)
        alerts_resolve_except(source=Alert.Source.HEALTH, keep=keys, now=now,
                              prefix="maintenance.")
    return overrun


@transaction.atomic
def maintenance_cancel(*, actor: User, window: MaintenanceWindow) -> MaintenanceWindow:
    window = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
    if window.status != MaintenanceWindow.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled window can be cancelled."), code="state")
    window.status = MaintenanceWindow.Status.CANCELLED
    window.save(update_fields=["status", "updated_at"])
    audit_record(action="operations.maintenance_cancelled", actor=actor, target=window)
    return window


# --- Checklists (Lampiran 5) ------------------------------------------------------------------


def period_start_for(frequency: str, day: date) -> date:
    if frequency == ChecklistRun.Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    return day


@transaction.atomic
def checklist_open(*, frequency: str, day: date | None = None,
                   actor: User | None = None) -> ChecklistRun:
    """The checklist of the period containing `day` (created with its items on first use,
    automatic items filled in)."""
    day = day or calendar.localdate_wib()
    start = period_start_for(frequency, day)
    run = ChecklistRun.objects.filter(frequency=frequency, period_start=start).first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            run = ChecklistRun.objects.create(frequency=frequency, period_start=start,
                                              opened_at=timezone.now())
    except IntegrityError:
        return ChecklistRun.objects.get(frequency=frequency, period_start=start)
    ChecklistEntry.objects.bulk_create(
        [ChecklistEntry(run=run, item_code=item.code) for item in items_for(frequency)]
    )
    audit_record(action="operations.checklist_opened", actor=actor, target=run,
                 data={"frequency": frequency, "period_start": start})
    checklist_autofill(run=run)
    return run


@transaction.atomic
def checklist_autofill(*, run: ChecklistRun) -> int:
    """Fill in the items the system checks itself, with their evidence. Items an
    administrator already ticked by hand are left alone."""
    from lpse.operations.checklist_auto import evaluate

    now = timezone.now()
    filled = 0
    cache_: dict[str, Any] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for entry in run.entries.select_for_update():
            item = ITEMS_BY_CODE.get(entry.item_code)
            if item is None or not item.auto:
                continue
            if entry.result != ChecklistEntry.Result.PENDING and not entry.automatic:
                continue
            result, evidence, note = evaluate(item.auto, cache_)
            entry.evidence = evidence
            if result is not None:
                entry.result, entry.note, entry.automatic = result, note, True
                entry.checked_at, entry.checked_by = now, None
                filled += 1
            entry.save(update_fields=["evidence", "result", "note", "automatic", "checked_at",
                                      "checked_by"])
        _complete_if_done(run, actor=None)
    return filled


def _complete_if_done(run: ChecklistRun, actor: User | None) -> None:
    if run.completed_at is None and not run.entries.filter(
        result=ChecklistEntry.Result.PENDING
    ).exists():
        run.completed_at, run.completed_by = timezone.now(), actor
        run.save(update_fields=["completed_at", "completed_by"])
        audit_record(action="operations.checklist_completed", actor=actor, target=run)


@transaction.atomic
def checklist_tick(*, actor: User, entry: ChecklistEntry, result: str,
                   note: str = "") -> ChecklistEntry:
    """An administrator records the result of one item, with a note (required for a
    problem)."""
    entry = ChecklistEntry.objects.select_for_update().select_related("run").get(pk=entry.pk)
    note = note.strip()
    if result not in (ChecklistEntry.Result.OK, ChecklistEntry.Result.PROBLEM,
                      ChecklistEntry.Result.NOT_APPLICABLE):
        raise ValidationError({"result": _("Choose a result.")})
    if result == ChecklistEntry.Result.PROBLEM and not note:
        raise ValidationError({"note": _("Describe the problem found.")})
    previous = entry.result
    entry.result, entry.note, entry.automatic = result, note, False
    entry.checked_at, entry.checked_by = timezone.now(), actor
    entry.full_clean()
    entry.save(update_fields=["result", "note", "automatic", "checked_at", "checked_by"])
    audit_record(action="operations.checklist_ticked", actor=actor, target=entry.run,
                 data={"item": entry.item_code, "result": result, "previous": previous,
                       "note": note})
    _complete_if_done(entry.run, actor=actor)
    return entry


@transaction.atomic
def checklist_resolve(*, actor: User, entry: ChecklistEntry, resolution: str) -> ChecklistEntry:
    """Record how a problem found was repaired (Lampiran 5: within 7 working days)."""
    entry = ChecklistEntry.objects.select_for_update().select_related("run").get(pk=entry.pk)
    resolution = resolution.strip()
    if entry.result != ChecklistEntry.Result.PROBLEM or entry.resolved_at is not None:
        raise ValidationError(_("Only an open problem can be resolved."), code="state")
    if not resolution:
        raise ValidationError({"resolution": _("Describe how the problem was resolved.")})
    entry.resolved_at, entry.resolved_by, entry.resolution = timezone.now(), actor, resolution
    entry.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(action="operations.checklist_problem_resolved", actor=actor, target=entry.run,
                 data={"item": entry.item_code, "resolution": resolution})
    return entry


# --- SOP documents ----------------------------------------------------------------------------

SOP_FIELDS = ("title", "number", "created_on", "revised_on", "effective_on", "approved_by",
              "legal_basis", "related", "warnings", "qualifications", "equipment", "records",
              "is_published", "order")


def sop_documents_seed() -> int:
    """Create the regulation's SOP documents that do not exist yet (never overwrites)."""
    from lpse.operations import sop_seed

    created = 0
    for data in sop_seed.SEED:
        defaults = {k: v for k, v in data.items() if k != "code"}
        defaults.setdefault("legal_basis", sop_seed.LEGAL_BASIS)
        defaults.setdefault("effective_on", sop_seed.EFFECTIVE)
        defaults.setdefault("approved_by", sop_seed.APPROVED_BY)
        _doc, was_created = SopDocument.objects.get_or_create(code=data["code"],
                                                               defaults=defaults)
        created += int(was_created)
    return created


@transaction.atomic
def sop_document_update(*, actor: User, document: SopDocument, **fields: Any) -> SopDocument:
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in SOP_FIELDS:
            raise ValueError(name)
        if getattr(document, name) != value:
            changes[name] = {"from": getattr(document, name), "to": value}
            setattr(document, name, value)
    document.full_clean()
    document.save()
    audit_record(action="operations.sop_document_updated", actor=actor, target=document,
                 data=changes)
    return document
