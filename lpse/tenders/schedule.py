"""Schedule validation: order, overlaps, minimum durations, working days and hours.

Pure functions over `{StageCode: StageWindow}` mappings, so that the same rules serve the
draft schedule form, publication, the schedule change procedure (Lampiran III 3.5–3.6) and
the property tests. Every problem is reported as a `ScheduleIssue` with a stable `code`.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lpse.core import calendar
from lpse.tenders.stages import (
    DEADLINE_STAGES,
    NO_OVERLAP,
    SESSION_STAGES,
    STAGE_ORDER,
    DurationUnit,
    MinDuration,
    StageCode,
    StagePlan,
)


@dataclass(frozen=True)
class StageWindow:
    starts_at: datetime
    ends_at: datetime

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    def as_json(self) -> dict[str, str]:
        return {"starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat()}


@dataclass(frozen=True)
class ScheduleIssue:
    stage: StageCode
    code: str
    message: str


Schedule = Mapping[StageCode, StageWindow]


def _label(stage: StageCode) -> str:
    return str(StageCode(stage).label)


def _fmt(moment: datetime) -> str:
    return calendar.to_wib(moment).strftime("%d-%m-%Y %H:%M") + " WIB"


def is_working_moment(moment: datetime) -> bool:
    """On a working day, between opening and closing of the service desk (both included)."""
    opening, closing = calendar.service_hours()
    local = calendar.to_wib(moment)
    return calendar.is_working_day(local.date()) and opening <= local.time() <= closing


def next_working_moment(moment: datetime) -> datetime:
    """`moment` when it is a working moment, else the next opening of the service desk."""
    if is_working_moment(moment):
        return moment
    return calendar.next_service_time(moment)


def earliest_end(start: datetime, minimum: MinDuration) -> datetime:
    """The earliest end of a stage starting at `start` that meets `minimum`."""
    if minimum.unit == DurationUnit.MINUTES:
        return start + timedelta(minutes=minimum.amount)
    if minimum.unit == DurationUnit.CALENDAR_DAYS:
        return start + timedelta(days=minimum.amount)
    local = calendar.to_wib(start)
    day = calendar.add_working_days(local.date(), minimum.amount)
    return datetime.combine(day, local.time(), tzinfo=calendar.WIB)


def schedule_issues(
    windows: Schedule,
    plan: StagePlan,
    *,
    now: datetime,
    changed: Collection[StageCode] | None = None,
) -> list[ScheduleIssue]:
    """Every rule the schedule breaks.

    With `changed`, only rules involving a changed stage are checked (a holiday declared
    after publication must not make an untouched, valid stage suddenly invalid).
    """
    issues: list[ScheduleIssue] = []
    checked = set(plan.stages) if changed is None else set(changed)

    def add(stage: StageCode, code: str, message: str) -> None:
        issues.append(ScheduleIssue(stage, code, message))

    for stage in plan.stages:
        if stage not in windows:
            add(stage, "missing", _("%(stage)s has no dates.") % {"stage": _label(stage)})
    for stage in windows:
        if stage not in plan.stages:
            add(stage, "not_in_plan", _("%(stage)s is not a stage of this selection method.")
                % {"stage": _label(stage)})
    if issues:
        return issues

    for stage in plan.stages:
        if stage not in checked:
            continue
        window = windows[stage]
        if window.ends_at <= window.starts_at:
            add(stage, "end_before_start", _("%(stage)s must end after it starts.")
                % {"stage": _label(stage)})
            continue
        if window.ends_at <= now:
            add(stage, "in_past", _("%(stage)s would end in the past (%(end)s).")
                % {"stage": _label(stage), "end": _fmt(window.ends_at)})
        minimum = plan.min_durations.get(stage)
        if minimum is not None and window.ends_at < earliest_end(window.starts_at, minimum):
            add(stage, "min_duration",
                _("%(stage)s must last at least %(minimum)s.")
                % {"stage": _label(stage), "minimum": minimum.describe()})
        if stage in DEADLINE_STAGES and not is_working_moment(window.ends_at):
            add(stage, "deadline_time",
                _("%(stage)s must end on a working day within service hours "
                  "(%(open)s–%(close)s WIB).")
                % {"stage": _label(stage), **_hours()})
        if stage in SESSION_STAGES and not is_working_moment(window.starts_at):
            add(stage, "session_time",
                _("%(stage)s must start on a working day within service hours "
                  "(%(open)s–%(close)s WIB).")
                % {"stage": _label(stage), **_hours()})

    ordered = [stage for stage in STAGE_ORDER if stage in plan.stages]
    for earlier, later in itertools.pairwise(ordered):
        if not ({earlier, later} & checked):
            continue
        if windows[later].starts_at < windows[earlier].starts_at:
            add(later, "order", _("%(later)s cannot start before %(earlier)s starts.")
                % {"later": _label(later), "earlier": _label(earlier)})
    for earlier, later in NO_OVERLAP:
        if earlier not in plan.stages or later not in plan.stages:
            continue
        if not ({earlier, later} & checked):
            continue
        if windows[later].starts_at < windows[earlier].ends_at:
            add(later, "overlap", _("%(later)s can start only after %(earlier)s has ended.")
                % {"later": _label(later), "earlier": _label(earlier)})
    return issues


def _hours() -> dict[str, str]:
    opening, closing = calendar.service_hours()
    return {"open": opening.strftime("%H:%M"), "close": closing.strftime("%H:%M")}


def change_issues(
    old: Schedule,
    new: Schedule,
    plan: StagePlan,
    *,
    now: datetime,
    reopened: Collection[StageCode] = (),
) -> list[ScheduleIssue]:
    """The rules of a schedule change on a published tender (Lampiran III 3.5–3.6).

    - a stage that has ended cannot be changed, and no changed stage may end in the past;
    - a stage that has started keeps its start;
    - once the upload has begun its deadline can only be extended;
    - the resulting schedule obeys every rule of `schedule_issues` for the changed stages.

    `reopened` stages are exempt from the first two rules: a re-evaluation after an upheld
    objection schedules the winner determination and what follows it again.
    """
    changed = {stage for stage, window in new.items() if old.get(stage) != window}
    issues: list[ScheduleIssue] = []
    for stage in sorted(changed, key=STAGE_ORDER.index):
        before, after = old.get(stage), new[stage]
        if before is None or stage in reopened:
            continue
        if before.ends_at <= now:
            issues.append(ScheduleIssue(stage, "ended", _(
                "%(stage)s has already ended and cannot be changed.") % {"stage": _label(stage)}))
            continue
        if before.starts_at <= now and after.starts_at != before.starts_at:
            issues.append(ScheduleIssue(stage, "started", _(
                "%(stage)s has already started: only its end can be changed.")
                % {"stage": _label(stage)}))
        if (stage == StageCode.UPLOAD and before.starts_at <= now
                and after.ends_at < before.ends_at):
            issues.append(ScheduleIssue(stage, "upload_shortened", _(
                "The upload has begun: its deadline can only be extended, not brought forward.")))
    if not changed:
        issues.append(ScheduleIssue(StageCode.ANNOUNCEMENT, "no_change",
                                    _("The new schedule is the same as the current one.")))
        return issues
    merged = {**old, **new}
    issues += schedule_issues(merged, plan, now=now, changed=changed)
    return issues


def raise_for(issues: list[ScheduleIssue]) -> None:
    """Raise one ValidationError keyed by stage code (form fields are named after stages)."""
    if not issues:
        return
    errors: dict[str, list[str]] = {}
    for issue in issues:
        errors.setdefault(str(issue.stage), []).append(issue.message)
    raise ValidationError(errors)


def validate_schedule(windows: Schedule, plan: StagePlan, *, now: datetime) -> None:
    raise_for(schedule_issues(windows, plan, now=now))


def default_schedule(plan: StagePlan, start: datetime) -> dict[StageCode, StageWindow]:
    """A valid schedule beginning at (or soon after) `start`, each stage at its minimum.

    Used to prefill the schedule form, by the demo data and by the volume generator.
    """
    opening, _closing = calendar.service_hours()
    mins = plan.min_durations
    windows: dict[StageCode, StageWindow] = {}

    def at_least(stage: StageCode, begin: datetime) -> datetime:
        return earliest_end(begin, mins[stage]) if stage in mins else begin + timedelta(
            minutes=30)

    def session(moment: datetime) -> datetime:
        return next_working_moment(moment)

    def deadline(moment: datetime) -> datetime:
        return next_working_moment(moment)

    first = session(start.replace(second=0, microsecond=0))
    uses = plan.uses
    ann_end = at_least(StageCode.ANNOUNCEMENT, first)
    windows[StageCode.ANNOUNCEMENT] = StageWindow(first, ann_end)
    if plan.prequalification:
        # Submission alongside the announcement, then evaluation, result and its
        # objection period; the invitation to bid (download onwards) follows.
        sub_end = deadline(max(at_least(StageCode.QUALIFICATION_SUBMISSION, first), ann_end))
        windows[StageCode.QUALIFICATION_SUBMISSION] = StageWindow(first, sub_end)
        q_eval_end = at_least(StageCode.QUALIFICATION_EVALUATION, sub_end)
        windows[StageCode.QUALIFICATION_EVALUATION] = StageWindow(sub_end, q_eval_end)
        result_end = at_least(StageCode.QUALIFICATION_RESULT, q_eval_end)
        windows[StageCode.QUALIFICATION_RESULT] = StageWindow(q_eval_end, result_end)
        q_obj_end = deadline(at_least(StageCode.QUALIFICATION_OBJECTION, result_end))
        windows[StageCode.QUALIFICATION_OBJECTION] = StageWindow(result_end, q_obj_end)
        first = session(q_obj_end)
    cursor = first
    if uses(StageCode.CLARIFICATION):
        day = calendar.add_working_days(calendar.to_wib(first).date(), 1)
        clar_start = session(datetime.combine(day, opening, tzinfo=calendar.WIB))
        clar_end = deadline(at_least(StageCode.CLARIFICATION, clar_start))
        windows[StageCode.CLARIFICATION] = StageWindow(clar_start, clar_end)
        cursor = clar_end
    upload_start = cursor
    upload_end = deadline(max(at_least(StageCode.UPLOAD, upload_start), ann_end))
    windows[StageCode.UPLOAD] = StageWindow(upload_start, upload_end)
    download_end = max(upload_end, at_least(StageCode.DOWNLOAD, first))
    windows[StageCode.DOWNLOAD] = StageWindow(first, download_end)
    open_start = session(upload_end)
    open_end = at_least(StageCode.OPENING, open_start)
    windows[StageCode.OPENING] = StageWindow(open_start, open_end)
    eval_end = max(at_least(StageCode.EVALUATION, open_start), open_end)
    windows[StageCode.EVALUATION] = StageWindow(open_start, eval_end)
    decision_start = eval_end
    if uses(StageCode.QUALIFICATION_PROOF):
        proof_end = at_least(StageCode.QUALIFICATION_PROOF, eval_end)
        windows[StageCode.QUALIFICATION_PROOF] = StageWindow(eval_end, proof_end)
        decision_start = proof_end
    windows.update(award_windows(plan, decision_start))
    return {stage: windows[stage] for stage in plan.stages}


def award_windows(plan: StagePlan, decision_start: datetime,
                  announce_at: datetime | None = None) -> dict[StageCode, StageWindow]:
    """The winner determination and what follows it, each stage at its minimum: the
    announcement at `announce_at` (or as soon as the determination may end), the objection
    period from then, the letter of award and the contract after it."""
    mins = plan.min_durations

    def at_least(stage: StageCode, begin: datetime) -> datetime:
        return earliest_end(begin, mins[stage]) if stage in mins else begin + timedelta(
            minutes=30)

    decision_end = max(at_least(StageCode.WINNER_DECISION, decision_start),
                       announce_at or decision_start)
    windows = {StageCode.WINNER_DECISION: StageWindow(decision_start, decision_end)}
    ann_w_end = at_least(StageCode.WINNER_ANNOUNCEMENT, decision_end)
    windows[StageCode.WINNER_ANNOUNCEMENT] = StageWindow(decision_end, ann_w_end)
    award_start = ann_w_end
    if plan.uses(StageCode.OBJECTION):
        objection_end = next_working_moment(at_least(StageCode.OBJECTION, decision_end))
        windows[StageCode.OBJECTION] = StageWindow(decision_end, objection_end)
        award_start = max(award_start, objection_end)
    award_end = at_least(StageCode.AWARD_LETTER, award_start)
    windows[StageCode.AWARD_LETTER] = StageWindow(award_start, award_end)
    windows[StageCode.CONTRACT_SIGNING] = StageWindow(
        award_end, at_least(StageCode.CONTRACT_SIGNING, award_end))
    return {stage: window for stage, window in windows.items() if plan.uses(stage)}


def objection_answer_due(objection_end: datetime) -> datetime:
    """When the committee's answers to objections are due (default 3 calendar days)."""
    from django.conf import settings

    return objection_end + timedelta(days=settings.TENDER_OBJECTION_ANSWER_DAYS)


def addendum_min_upload_end(now: datetime) -> datetime:
    """The earliest upload deadline that still leaves bidders the minimum time after an
    addendum (TENDER_ADDENDUM_MIN_UPLOAD_DAYS working days, at the same time of day)."""
    from django.conf import settings

    return earliest_end(
        now, MinDuration(settings.TENDER_ADDENDUM_MIN_UPLOAD_DAYS, DurationUnit.WORKING_DAYS)
    )


def stage_at(windows: Schedule, moment: datetime) -> StageCode | None:
    """The stage a tender is in at `moment`: of the running stages, the one that started
    last (ties: the earlier in order); between stages, the last one that started; before the
    first stage, None."""
    started = [(w.starts_at, -STAGE_ORDER.index(s), s) for s, w in windows.items()
               if w.starts_at <= moment]
    if not started:
        return None
    running = [entry for entry in started if windows[entry[2]].ends_at > moment]
    return max(running or started)[2]


__all__ = [
    "ScheduleIssue",
    "StageWindow",
    "change_issues",
    "default_schedule",
    "earliest_end",
    "is_working_moment",
    "next_working_moment",
    "schedule_issues",
    "stage_at",
    "validate_schedule",
]
