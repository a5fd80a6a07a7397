from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.core import calendar
from lpse.core.models import Holiday

if TYPE_CHECKING:
    from lpse.accounts.models import User


@transaction.atomic
def holiday_create(*, actor: User, date: date, name: str, kind: str) -> Holiday:
    """Add a local holiday, collective leave, decree holiday or working-day override."""
    if not has_perm(actor, Perm.MANAGE_CALENDAR):
        raise PermissionDenied
    holiday = Holiday(date=date, name=name.strip(), kind=kind, created_by=actor)
    holiday.full_clean()
    holiday.save()
    audit_record(action="calendar.holiday_added", actor=actor, target=holiday,
                 data={"date": date, "name": holiday.name, "kind": kind})
    transaction.on_commit(calendar.invalidate)
    return holiday


@transaction.atomic
def holiday_delete(*, actor: User, holiday: Holiday) -> None:
    if not has_perm(actor, Perm.MANAGE_CALENDAR):
        raise PermissionDenied
    audit_record(action="calendar.holiday_removed", actor=actor, target=holiday,
                 data={"date": holiday.date, "name": holiday.name, "kind": holiday.kind})
    holiday.delete()
    transaction.on_commit(calendar.invalidate)
