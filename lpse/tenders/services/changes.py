"""Schedule changes (regulation Lampiran III 3.5–3.6).

1. The committee submits the change: old and new window of each stage and the mandatory
   reason (`schedule_change_request`).
2. An application administrator receives it (`schedule_change_receive`; standard: within
   the working day).
3. The administrator applies it (`schedule_change_apply`; standard 15–30 minutes) — or
   rejects it with a reason. With TENDER_SCHEDULE_CHANGE_DIRECT the request applies at once.

Each step is timed in `SopStepTiming`; every participant is e-mailed when a change applies;
the public schedule shows per stage how many times it changed and the full history.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, Role, has_perm
from lpse.audit.services import audit_record
from lpse.tenders import notifications
from lpse.tenders.access import access_tender_as_committee
from lpse.tenders.models import (
    ScheduleChangeItem,
    ScheduleChangeRequest,
    ScheduleStage,
    Tender,
)
from lpse.tenders.schedule import StageWindow, change_issues, raise_for
from lpse.tenders.selectors import public_list_changed
from lpse.tenders.services.common import locked, require_running, require_text
from lpse.tenders.services.tenders import sync_upload_window
from lpse.tenders.sop import STEP_APPLY, STEP_RECEIVE, STEP_SUBMIT, sop_step_record
from lpse.tenders.stages import STAGE_ORDER, StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User


def _item_windows(request: ScheduleChangeRequest) -> tuple[
        dict[StageCode, StageWindow], dict[StageCode, StageWindow]]:
    old, new = {}, {}
    for item in request.items.all():
        code = StageCode(item.stage)
        old[code] = StageWindow(item.old_starts_at, item.old_ends_at)
        new[code] = StageWindow(item.new_starts_at, item.new_ends_at)
    return old, new


@transaction.atomic
def schedule_change_request(
    *, actor: User, tender: Tender, windows: Mapping[StageCode, StageWindow], reason: str,
) -> ScheduleChangeRequest:
    """Step 1: the committee asks for new windows of one or more stages, with the reason."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    reason = require_text(reason, "reason", _("Every schedule change must state its reason."))
    current = tender.schedule()
    changed = {code: window for code, window in windows.items()
               if current.get(StageCode(code)) != window}
    now = timezone.now()
    raise_for(change_issues(current, changed, tender.plan, now=now))
    request = _request_create(actor=actor, tender=tender, reason=reason, current=current,
                              changed=changed, now=now)
    if settings.TENDER_SCHEDULE_CHANGE_DIRECT:
        return _apply(request=request, tender=tender, actor=actor, now=now, direct=True)
    notifications.notify_users(notifications.application_admins(), "schedule_change_submitted",
                               {"request": request, "tender": tender})
    return request


def schedule_reopen(*, actor: User, tender: Tender, windows: Mapping[StageCode, StageWindow],
                    reason: str) -> ScheduleChangeRequest:
    """A re-evaluation after an upheld objection schedules the winner determination and
    what follows it again, although those stages have ended: applied at once (the
    objection's answer is the decision), recorded, published and e-mailed as any schedule
    change. The caller holds the tender's lock and has checked the committee."""
    current = tender.schedule()
    changed = {code: window for code, window in windows.items() if current.get(code) != window}
    now = timezone.now()
    raise_for(change_issues(current, changed, tender.plan, now=now, reopened=set(changed)))
    request = _request_create(actor=actor, tender=tender, reason=reason, current=current,
                              changed=changed, now=now)
    return _apply(request=request, tender=tender, actor=actor, now=now, direct=True,
                  reopened=set(changed))


def _request_create(*, actor: User, tender: Tender, reason: str,
                    current: Mapping[StageCode, StageWindow],
                    changed: Mapping[StageCode, StageWindow],
                    now: datetime) -> ScheduleChangeRequest:
    request = ScheduleChangeRequest(tender=tender, reason=reason, requested_by=actor,
                                    requested_at=now)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(_("A schedule change of this tender is already waiting for "
                                "the administrator.")) from exc
    for code in sorted(changed, key=STAGE_ORDER.index):
        before, after = current[code], changed[code]
        ScheduleChangeItem.objects.create(
            request=request, stage=code, old_starts_at=before.starts_at,
            old_ends_at=before.ends_at, new_starts_at=after.starts_at,
            new_ends_at=after.ends_at)
    sop_step_record(step=STEP_SUBMIT, actor=actor, actor_role=Role.COMMITTEE,
                    started_at=now, ended_at=now, subject=request)
    audit_record(action="tenders.schedule_change_requested", actor=actor, target=request,
                 data={"tender": tender.code, "reason": reason,
                       "stages": {str(c): {"old": current[c].as_json(),
                                           "new": changed[c].as_json()} for c in changed}})
    return request


def _open_request(request: ScheduleChangeRequest, actor: User) -> ScheduleChangeRequest:
    if not has_perm(actor, Perm.APPLY_SCHEDULE_CHANGE):
        raise PermissionDenied(_("Only an application administrator handles schedule "
                                 "changes."))
    request = ScheduleChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(_("This request has already been handled (%(status)s).")
                              % {"status": request.get_status_display()})
    return request


def _receive(request: ScheduleChangeRequest, actor: User) -> None:
    now = timezone.now()
    request.status = ScheduleChangeRequest.Status.RECEIVED
    request.received_by, request.received_at = actor, now
    request.save(update_fields=["status", "received_by", "received_at"])
    sop_step_record(step=STEP_RECEIVE, actor=actor, actor_role=Role.APPADMIN,
                    started_at=request.requested_at, ended_at=now, subject=request)
    audit_record(action="tenders.schedule_change_received", actor=actor, target=request)


@transaction.atomic
def schedule_change_receive(*, actor: User, request: ScheduleChangeRequest
                            ) -> ScheduleChangeRequest:
    """Step 2: the administrator takes the request in hand (starts the 15–30 minutes)."""
    request = _open_request(request, actor)
    if request.status != ScheduleChangeRequest.Status.SUBMITTED:
        raise ValidationError(_("This request has already been received."))
    _receive(request, actor)
    return request


@transaction.atomic
def schedule_change_apply(*, actor: User, request: ScheduleChangeRequest
                          ) -> ScheduleChangeRequest:
    """Step 3: the administrator changes the schedule as requested. The rules are checked
    again against the clock now (a stage may have started while the request waited)."""
    request = _open_request(request, actor)
    if request.status == ScheduleChangeRequest.Status.SUBMITTED:
        _receive(request, actor)
    tender = locked(request.tender)
    require_running(tender)
    return _apply(request=request, tender=tender, actor=actor, now=timezone.now(),
                  direct=False)


def _apply(*, request: ScheduleChangeRequest, tender: Tender, actor: User, now: datetime,
           direct: bool, reopened: Collection[StageCode] = ()) -> ScheduleChangeRequest:
    old, new = _item_windows(request)
    current = tender.schedule()
    if any(current.get(code) != window for code, window in old.items()):
        raise ValidationError(_("The schedule has changed since this request was made; "
                                "reject it and ask the committee for a new one."))
    raise_for(change_issues(current, new, tender.plan, now=timezone.now(), reopened=reopened))
    stages = {s.code: s for s in ScheduleStage.objects.select_for_update().filter(
        tender=tender, code__in=list(new))}
    for code, window in new.items():
        stage = stages[code]
        stage.starts_at, stage.ends_at = window.starts_at, window.ends_at
        stage.change_count += 1
        stage.start_notified_at = None if window.starts_at > timezone.now() else \
            stage.start_notified_at
        stage.save(update_fields=["starts_at", "ends_at", "change_count", "start_notified_at"])
    sync_upload_window(tender)
    transaction.on_commit(public_list_changed)
    decided_at = timezone.now()
    request.status = ScheduleChangeRequest.Status.APPLIED
    request.applied_directly = direct
    request.decided_by, request.decided_at = actor, decided_at
    if direct:
        request.received_by, request.received_at = actor, decided_at
    request.save(update_fields=["status", "applied_directly", "decided_by", "decided_at",
                                "received_by", "received_at"])
    if not direct:
        sop_step_record(step=STEP_APPLY, actor=actor, actor_role=Role.APPADMIN,
                        started_at=request.received_at or decided_at, ended_at=decided_at,
                        subject=request)
    audit_record(action="tenders.schedule_changed", actor=actor, target=tender,
                 data={"request": request.pk, "reason": request.reason, "direct": direct,
                       "stages": {str(c): {"old": old[c].as_json(), "new": new[c].as_json()}
                                  for c in new}})
    items = list(request.items.all())
    notifications.notify_participants(tender, "schedule_changed",
                                      {"request": request, "items": items})
    notifications.notify_committee(tender, "schedule_change_applied",
                                   {"request": request, "items": items})
    return request


@transaction.atomic
def schedule_change_reject(*, actor: User, request: ScheduleChangeRequest, reason: str
                           ) -> ScheduleChangeRequest:
    request = _open_request(request, actor)
    reason = require_text(reason, "rejection_reason", _("Give the reason for rejecting."))
    now = timezone.now()
    if request.received_at is None:
        request.received_by, request.received_at = actor, now
    request.status = ScheduleChangeRequest.Status.REJECTED
    request.rejection_reason = reason
    request.decided_by, request.decided_at = actor, now
    request.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at",
                                "received_by", "received_at"])
    audit_record(action="tenders.schedule_change_rejected", actor=actor, target=request,
                 data={"reason": reason})
    notifications.notify_committee(request.tender, "schedule_change_rejected",
                                   {"request": request})
    return request


@transaction.atomic
def schedule_change_withdraw(*, actor: User, request: ScheduleChangeRequest
                             ) -> ScheduleChangeRequest:
    request = ScheduleChangeRequest.objects.select_for_update().get(pk=request.pk)
    access_tender_as_committee(user=actor, tender=request.tender)
    if request.status != ScheduleChangeRequest.Status.SUBMITTED:
        raise ValidationError(_("Only a request the administrator has not yet received can "
                                "be withdrawn."))
    request.status = ScheduleChangeRequest.Status.WITHDRAWN
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(action="tenders.schedule_change_withdrawn", actor=actor, target=request)
    return request
