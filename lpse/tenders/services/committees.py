"""Committees (Pokja Pemilihan) and procurement officers, formed by the agency admin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, Role, has_perm
from lpse.audit.services import audit_record
from lpse.tenders.models import Committee, CommitteeMember, Tender

if TYPE_CHECKING:
    from lpse.accounts.models import User

Member = tuple["User", str]


def _check_members(*, actor: User, kind: str, members: Sequence[Member]) -> None:
    users = [user for user, _position in members]
    if len({u.pk for u in users}) != len(users):
        raise ValidationError({"members": _("A person can be a member only once.")})
    role = Role.PROCUREMENT_OFFICER if kind == Committee.Kind.OFFICER else Role.COMMITTEE
    for user in users:
        if user.agency_id != actor.agency_id or not user.has_role(role):
            raise ValidationError({"members": _(
                "%(user)s is not an active %(role)s of your agency.")
                % {"user": user.full_name or user.username, "role": role.label}})
    if kind == Committee.Kind.OFFICER:
        if len(users) != 1:
            raise ValidationError({"members": _("A procurement officer is exactly one person.")})
        return
    if len(users) < 3 or len(users) % 2 == 0:
        raise ValidationError({"members": _(
            "A committee has an odd number of members, at least three (now %(n)s).")
            % {"n": len(users)}})
    chairs = [p for _user, p in members if p == CommitteeMember.Position.CHAIR]
    if len(chairs) != 1:
        raise ValidationError({"members": _("A committee has exactly one chair.")})


def _positions(kind: str, members: Sequence[Member]) -> list[Member]:
    if kind == Committee.Kind.OFFICER:
        return [(user, CommitteeMember.Position.OFFICER) for user, _position in members]
    return list(members)


@transaction.atomic
def committee_create(
    *, actor: User, kind: str, name: str, members: Sequence[Member],
    decree_number: str = "", decree_date: date | None = None,
) -> Committee:
    if not has_perm(actor, Perm.MANAGE_COMMITTEES) or actor.agency_id is None:
        raise PermissionDenied(_("Only an agency administrator forms committees."))
    _check_members(actor=actor, kind=kind, members=_positions(kind, members))
    if Committee.objects.filter(agency_id=actor.agency_id, name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("Your agency already has a committee of this name.")})
    committee = Committee(agency_id=actor.agency_id, kind=kind, name=name.strip(),
                          decree_number=decree_number, decree_date=decree_date,
                          created_by=actor)
    committee.full_clean()
    committee.save()
    for user, position in _positions(kind, members):
        CommitteeMember.objects.create(committee=committee, user=user, position=position)
    audit_record(action="tenders.committee_created", actor=actor, target=committee,
                 data={"kind": kind, "members": [(u.username, p) for u, p in
                                                 _positions(kind, members)]})
    return committee


def _has_running_tenders(committee: Committee) -> bool:
    return committee.tenders.filter(status=Tender.Status.PUBLISHED).exists()


@transaction.atomic
def committee_update(
    *, actor: User, committee: Committee, name: str, members: Sequence[Member],
    decree_number: str = "", decree_date: date | None = None,
) -> Committee:
    """Change the name, decree or members. Members are frozen while one of the committee's
    tenders runs: the opening key of a published tender is shared among its members."""
    from lpse.tenders.access import access_committee_as_admin

    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    access_committee_as_admin(user=actor, committee=committee)
    members = _positions(committee.kind, members)
    _check_members(actor=actor, kind=committee.kind, members=members)
    old = sorted((m.user.username, m.position) for m in committee.members.select_related("user"))
    new = sorted((u.username, p) for u, p in members)
    if old != new and _has_running_tenders(committee):
        raise ValidationError({"members": _(
            "The members cannot change while one of the committee's tenders is running.")})
    if Committee.objects.filter(agency_id=committee.agency_id, name__iexact=name.strip()
                                ).exclude(pk=committee.pk).exists():
        raise ValidationError({"name": _("Your agency already has a committee of this name.")})
    committee.name, committee.decree_number = name.strip(), decree_number
    committee.decree_date = decree_date
    committee.full_clean()
    committee.save(update_fields=["name", "decree_number", "decree_date", "updated_at"])
    if old != new:
        committee.members.all().delete()
        for user, position in members:
            CommitteeMember.objects.create(committee=committee, user=user, position=position)
    audit_record(action="tenders.committee_updated", actor=actor, target=committee,
                 data={"members_before": old, "members_after": new})
    return committee


@transaction.atomic
def committee_set_active(*, actor: User, committee: Committee, active: bool) -> Committee:
    from lpse.tenders.access import access_committee_as_admin

    access_committee_as_admin(user=actor, committee=committee)
    if not active and _has_running_tenders(committee):
        raise ValidationError(_("A committee with a running tender cannot be deactivated."))
    committee.is_active = active
    committee.save(update_fields=["is_active", "updated_at"])
    audit_record(action="tenders.committee_activated" if active else
                 "tenders.committee_deactivated", actor=actor, target=committee)
    return committee
