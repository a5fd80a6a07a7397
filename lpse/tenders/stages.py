"""The stages of a tender (tahapan) and which of them each selection method uses.

The stage a tender is in is never stored: it is derived from the schedule and the server
clock (`Tender.current_stage(now)`). Periodic jobs only send notifications.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageCode(models.TextChoices):
    """The stages of a tender, in their order (SPSE names in Indonesian).

    The four `qualification_*` stages are those of a prequalification (prakualifikasi): the
    qualification is submitted, evaluated and announced, and objected to, before the
    shortlisted vendors are invited to bid."""

    ANNOUNCEMENT = "announcement", _("Announcement")
    QUALIFICATION_SUBMISSION = "qualification_submission", _("Qualification submission")
    QUALIFICATION_EVALUATION = "qualification_evaluation", _(
        "Qualification evaluation and verification")
    QUALIFICATION_RESULT = "qualification_result", _("Prequalification result")
    QUALIFICATION_OBJECTION = "qualification_objection", _("Prequalification objection period")
    DOWNLOAD = "download", _("Tender documents download")
    CLARIFICATION = "clarification", _("Clarification (pre-bid meeting)")
    UPLOAD = "upload", _("Bid submission (upload)")
    OPENING = "opening", _("Bid opening")
    EVALUATION = "evaluation", _("Evaluation")
    QUALIFICATION_PROOF = "qualification_proof", _("Qualification verification")
    WINNER_DECISION = "winner_decision", _("Winner determination")
    WINNER_ANNOUNCEMENT = "winner_announcement", _("Winner announcement")
    OBJECTION = "objection", _("Objection period")
    AWARD_LETTER = "award_letter", _("Letter of award (SPPBJ)")
    CONTRACT_SIGNING = "contract_signing", _("Contract signing")


STAGE_ORDER: tuple[StageCode, ...] = tuple(StageCode)


def stage_index(code: str) -> int:
    return STAGE_ORDER.index(StageCode(code))


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


@dataclass(frozen=True)
class MinDuration:
    amount: int
    unit: DurationUnit = DurationUnit.MINUTES

    def describe(self) -> str:
        return f"{self.amount} {DurationUnit(self.unit).label}"


#: Stages whose END is a deadline someone must meet (questions, bids, objections): it must
#: fall on a working day within service hours, so the helpdesk is open when it falls
#: (regulation Lampiran III 3.7: a vendor who cannot upload calls the helpdesk).
DEADLINE_STAGES = frozenset({StageCode.QUALIFICATION_SUBMISSION, StageCode.QUALIFICATION_OBJECTION,
                             StageCode.CLARIFICATION, StageCode.UPLOAD, StageCode.OBJECTION})

#: Stages whose START is a meeting of the committee: on a working day within service hours.
SESSION_STAGES = frozenset({StageCode.CLARIFICATION, StageCode.OPENING})

#: (earlier, later): the later stage may only start once the earlier one has ended. Every
#: other pair of stages may overlap as long as they start in order (the announcement and the
#: download period, for example, run side by side).
NO_OVERLAP: tuple[tuple[StageCode, StageCode], ...] = (
    # Prequalification: the submissions are evaluated after their deadline, the result
    # follows the evaluation, and only the shortlist (after its objection period) is invited.
    (StageCode.QUALIFICATION_SUBMISSION, StageCode.QUALIFICATION_EVALUATION),
    (StageCode.QUALIFICATION_EVALUATION, StageCode.QUALIFICATION_RESULT),
    (StageCode.QUALIFICATION_OBJECTION, StageCode.DOWNLOAD),
    # Bids are prepared knowing every answer and addendum of the clarification.
    (StageCode.CLARIFICATION, StageCode.UPLOAD),
    # Sealed bids are opened only after the submission deadline.
    (StageCode.UPLOAD, StageCode.OPENING),
    (StageCode.EVALUATION, StageCode.WINNER_DECISION),
    (StageCode.QUALIFICATION_PROOF, StageCode.WINNER_DECISION),
    # The award follows the end of the objection period and of the announcement.
    (StageCode.OBJECTION, StageCode.AWARD_LETTER),
    (StageCode.WINNER_ANNOUNCEMENT, StageCode.AWARD_LETTER),
)


@dataclass(frozen=True)
class StagePlan:
    """Which stages a selection method uses, and each stage's minimum duration."""

    method_code: str
    stages: tuple[StageCode, ...]
    min_durations: dict[StageCode, MinDuration]
    prequalification: bool = False

    def uses(self, code: str) -> bool:
        return code in self.stages


_M = MinDuration
_WD = DurationUnit.WORKING_DAYS
_CD = DurationUnit.CALENDAR_DAYS

#: Legal defaults (see docs/apps/tenders.md "Minimum durations" for the sources). They can
#: be overridden per method with TENDER_STAGE_RULES (JSON) in the environment.
_FULL_TENDER = {
    StageCode.ANNOUNCEMENT: _M(3, _WD),
    StageCode.DOWNLOAD: _M(3, _WD),
    StageCode.CLARIFICATION: _M(60),
    StageCode.UPLOAD: _M(3, _WD),
    StageCode.OPENING: _M(60),
    StageCode.EVALUATION: _M(1, _WD),
    StageCode.QUALIFICATION_PROOF: _M(60),
    StageCode.WINNER_DECISION: _M(30),
    StageCode.WINNER_ANNOUNCEMENT: _M(30),
    StageCode.OBJECTION: _M(5, _CD),
    StageCode.AWARD_LETTER: _M(30),
    StageCode.CONTRACT_SIGNING: _M(30),
}
_QUICK = {
    StageCode.ANNOUNCEMENT: _M(1, _WD),
    StageCode.DOWNLOAD: _M(1, _WD),
    StageCode.UPLOAD: _M(1, _WD),
    StageCode.OPENING: _M(30),
    StageCode.EVALUATION: _M(60),
    StageCode.WINNER_DECISION: _M(30),
    StageCode.WINNER_ANNOUNCEMENT: _M(30),
    StageCode.AWARD_LETTER: _M(30),
    StageCode.CONTRACT_SIGNING: _M(30),
}

DEFAULT_PLANS: dict[str, dict[StageCode, MinDuration]] = {
    "tender": _FULL_TENDER,
    "seleksi": _FULL_TENDER,
    # Tender Cepat: vendors already qualified in SIKaP, no clarification, no objection
    # period (Perpres 16/2018 jo. 12/2021 Pasal 38 and 50).
    "tender_cepat": _QUICK,
    "pengadaan_langsung": _QUICK,
    "penunjukan_langsung": _QUICK,
}
#: The stages a prequalification adds in front of the invitation to bid (the qualification
#: proof after the bid evaluation is then dropped: it was done in the prequalification).
#: Overridden with the key "prakualifikasi" of TENDER_STAGE_RULES.
PREQUALIFICATION = {
    StageCode.QUALIFICATION_SUBMISSION: _M(3, _WD),
    StageCode.QUALIFICATION_EVALUATION: _M(1, _WD),
    StageCode.QUALIFICATION_RESULT: _M(30),
    StageCode.QUALIFICATION_OBJECTION: _M(3, _WD),
}
PREQUALIFICATION_RULES_KEY = "prakualifikasi"

#: Used for a method code the table above does not know (a method added later by the
#: application administrator): the full tender, the safest choice.
FALLBACK_PLAN = _FULL_TENDER


def _parse_override(raw: dict[str, object]) -> dict[StageCode, MinDuration]:
    parsed: dict[StageCode, MinDuration] = {}
    for code, spec in raw.items():
        if not isinstance(spec, list | tuple) or len(spec) != 2:
            raise ValueError(f"TENDER_STAGE_RULES: {code} must be [amount, unit]")
        parsed[StageCode(code)] = MinDuration(int(spec[0]), DurationUnit(spec[1]))  # type: ignore[call-overload]
    return parsed


def plan_for(method_code: str | None, *, prequalification: bool = False) -> StagePlan:
    """The stage plan of a selection method (by its catalog code), with the stages of a
    prequalification in front when the tender's qualification comes before bidding."""
    from django.conf import settings

    code = method_code or "tender"
    overrides: dict[str, dict[str, object]] = getattr(settings, "TENDER_STAGE_RULES", {})
    if code in overrides:
        durations = _parse_override(overrides[code])
    else:
        durations = dict(DEFAULT_PLANS.get(code, FALLBACK_PLAN))
    if prequalification:
        durations.pop(StageCode.QUALIFICATION_PROOF, None)
        if PREQUALIFICATION_RULES_KEY in overrides:
            durations.update(_parse_override(overrides[PREQUALIFICATION_RULES_KEY]))
        else:
            durations.update(PREQUALIFICATION)
    else:
        for stage in PREQUALIFICATION:
            durations.pop(stage, None)
    stages = tuple(stage for stage in STAGE_ORDER if stage in durations)
    return StagePlan(method_code=code, stages=stages, min_durations=durations,
                     prequalification=prequalification)
