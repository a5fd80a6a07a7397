"""The regulation's procedure tables of this app, step by step, with their standard times.

Lampiran I 1.2 (registration and verification of a vendor) and Lampiran III 3.4 (change
of the company e-mail). `step_record(...)` writes one ProcedureStep with the standard
time of its table row, so the SOP report compares real times with Mutu Baku.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lpse.core.calendar import is_service_time
from lpse.vendors.conf import verification_hours
from lpse.vendors.models import ProcedureStep

if TYPE_CHECKING:
    from lpse.accounts.models import User

REGISTRATION = "1.2"
EMAIL_CHANGE = "3.4"


@dataclass(frozen=True)
class StepDefinition:
    procedure: str
    step: int
    title: str | Promise
    actors: tuple[str, ...]
    standard: str | Promise
    minutes_min: int | None = None
    minutes_max: int | None = None
    working_days: int | None = None
    service_hours: bool = False


STEPS: dict[tuple[str, int], StepDefinition] = {
    (d.procedure, d.step): d
    for d in [
        StepDefinition(REGISTRATION, 1, _("Vendor opens the registration page"),
                       ("vendor",), _("Not set")),
        StepDefinition(REGISTRATION, 2, _("Vendor enters the company e-mail and registers"),
                       ("vendor",), _("Not set")),
        StepDefinition(REGISTRATION, 3, _("Vendor receives the reply e-mail with the link"),
                       ("vendor",), _("Not set")),
        StepDefinition(REGISTRATION, 4, _("Vendor opens the link and fills in the form"),
                       ("vendor",), _("Not set")),
        StepDefinition(REGISTRATION, 5, _("Vendor submits the completed form"),
                       ("vendor",), _("Not set")),
        StepDefinition(REGISTRATION, 6, _("Second e-mail with the user ID is sent"),
                       ("system",), _("Not set")),
        StepDefinition(REGISTRATION, 7, _("Vendor gets verified within 7 working days"),
                       ("vendor",), _("7 working days"), working_days=7),
        StepDefinition(REGISTRATION, 8, _("Vendor shows the company documents to the verifier"),
                       ("verifier", "vendor"), _("Working days 09:00–15:00 WIB"),
                       service_hours=True),
        StepDefinition(REGISTRATION, 9, _("Verifier examines the company documents"),
                       ("verifier", "vendor"), _("15–30 minutes"), minutes_min=15,
                       minutes_max=30),
        StepDefinition(EMAIL_CHANGE, 1, _("E-mail change filed with the signed statement; "
                                          "director's original KTP and deed shown to the "
                                          "verifier"),
                       ("head", "verifier", "administrator"), _("Working days"),
                       service_hours=True),
        StepDefinition(EMAIL_CHANGE, 2, _("Administrator receives the statement letter"),
                       ("administrator",), _("Working days"), service_hours=True),
        StepDefinition(EMAIL_CHANGE, 3, _("Administrator changes the company e-mail"),
                       ("administrator",), _("15–30 minutes"), minutes_min=15,
                       minutes_max=30),
    ]
}


def step_definition(procedure: str, step: int) -> StepDefinition:
    return STEPS[(procedure, step)]


def step_record(
    *,
    procedure: str,
    step: int,
    actor: User | None,
    actor_role: str,
    started_at: datetime,
    finished_at: datetime | None = None,
    outcome: str = "",
    deadline: datetime | None = None,
    **links: Any,
) -> ProcedureStep:
    """Record one step (finished now or later) with its table's standard time."""
    definition = step_definition(procedure, step)
    return ProcedureStep.objects.create(
        procedure=procedure,
        step=step,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=actor_role,
        started_at=started_at,
        finished_at=finished_at,
        standard_minutes_min=definition.minutes_min,
        standard_minutes_max=definition.minutes_max,
        standard_working_days=definition.working_days,
        deadline=deadline,
        within_service_hours=(is_service_time(started_at, verification_hours())
                              if definition.service_hours else None),
        outcome=outcome,
        **links,
    )


def step_finish(step: ProcedureStep, *, finished_at: datetime, outcome: str = "",
                actor: User | None = None) -> ProcedureStep:
    step.finished_at = finished_at
    step.outcome = outcome or step.outcome
    fields = ["finished_at", "outcome"]
    if actor is not None and step.actor_id is None:
        step.actor = actor
        fields.append("actor")
    step.save(update_fields=fields)
    return step
