"""The vendors app's step timings for the operations SOP report (procedures 1.2 and 3.4).

Every case comes from the `ProcedureStep` rows the services write; imported by
VendorsConfig.ready() so the sources are registered at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from lpse.accounts.roles import Perm
from lpse.operations.hooks import Period, StepCase, register_sop_source
from lpse.vendors.models import ProcedureStep
from lpse.vendors.procedures import EMAIL_CHANGE, REGISTRATION


def _reference(row: ProcedureStep) -> str:
    if row.vendor is not None:
        return f"{row.vendor.registration_number} {row.vendor.name}"
    if row.email_change is not None:
        return f"#{row.email_change.pk}"
    return f"link #{row.registration_link_id}"


def _url(row: ProcedureStep) -> str:
    """A page every reader of the SOP report may open (they hold VIEW_VENDORS): the vendor's
    record with its verification history, not the verifier's desk (/vendors/verification/N/
    is for verifiers only)."""
    if row.email_change_id is not None:
        return reverse("vendors:email_change_detail", args=[row.email_change_id])
    if row.vendor_id is not None:
        anchor = "#verifications" if row.session_id is not None else ""
        return reverse("vendors:vendor_detail", args=[row.vendor_id]) + anchor
    return ""


def _cases(procedure: str, step: int, *, actor_role: str | None = None,
           start_of_case: bool = False) -> Callable[[Period], list[StepCase]]:
    """Cases of one step that finished in the period. With `start_of_case`, the case starts
    when the request was filed (3.4 step 1: filing → the verifier's confirmation)."""

    def source(period: Period) -> list[StepCase]:
        rows = ProcedureStep.objects.filter(
            procedure=procedure, step=step, finished_at__gte=period.start,
            finished_at__lt=period.end,
        ).select_related("actor", "vendor", "email_change")
        if actor_role is not None:
            rows = rows.filter(actor_role=actor_role)
        cases = []
        for row in rows:
            assert row.finished_at is not None
            started = row.started_at
            if start_of_case and row.email_change is not None:
                started = row.email_change.filed_at
            cases.append(StepCase(
                reference=_reference(row), started_at=started, finished_at=row.finished_at,
                actor=row.actor.username if row.actor else row.actor_role, url=_url(row),
                perm=Perm.VIEW_VENDORS,
            ))
        return cases

    return source


for _step in range(1, 10):
    register_sop_source(REGISTRATION, str(_step), _cases(REGISTRATION, _step))
register_sop_source(EMAIL_CHANGE, "1", _cases(EMAIL_CHANGE, 1, actor_role="verifier",
                                              start_of_case=True))
register_sop_source(EMAIL_CHANGE, "2", _cases(EMAIL_CHANGE, 2))
register_sop_source(EMAIL_CHANGE, "3", _cases(EMAIL_CHANGE, 3))
