"""Reads of accounts, scoped to the user asking."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lpse.accounts.models import Agency, ApiToken, RoleAssignment, User, WorkUnit
from lpse.accounts.roles import AGENCY_ROLES, GRANTABLE_BY, Perm, Role, has_perm, roles_of


def _with_roles(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.select_related("agency", "work_unit").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    )


def users_visible_to(user: User) -> QuerySet[User]:
    """Accounts the user may look at: all for LPSE officers who need it, own agency for
    an agency administrator, nothing otherwise."""
    if not user.is_authenticated:
        return User.objects.none()
    qs = User.objects.all()
    if has_perm(user, Perm.VIEW_USERS) and roles_of(user) - {Role.AGENCY_ADMIN}:
        return _with_roles(qs)
    if Role.AGENCY_ADMIN in roles_of(user) and user.agency_id:
        return _with_roles(qs.filter(agency_id=user.agency_id))
    return User.objects.none()


def users_manageable_by(actor: User) -> QuerySet[User]:
    """Accounts whose details, roles and status `actor` may change."""
    roles = roles_of(actor)
    parts: list[Q] = []
    if Role.SYSADMIN in roles:
        managed = GRANTABLE_BY[Role.SYSADMIN]
        parts.append(Q(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"),
                                                            role__in=managed))))
    if Role.AGENCY_ADMIN in roles and actor.agency_id:
        managed = GRANTABLE_BY[Role.AGENCY_ADMIN]
        parts.append(
            Q(agency_id=actor.agency_id)
            & Q(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role__in=managed)))
            & ~Q(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"),
                                                      role=Role.AGENCY_ADMIN)))
        )
    if not parts:
        return User.objects.none()
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return _with_roles(User.objects.filter(condition).exclude(pk=actor.pk))


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    if (has_perm(user, Perm.MANAGE_AGENCIES) or has_perm(user, Perm.VIEW_USERS)) and (
        roles_of(user) - {Role.AGENCY_ADMIN}
    ):
        return Agency.objects.all()
    if roles_of(user) & AGENCY_ROLES and user.agency_id:
        return Agency.objects.filter(pk=user.agency_id)
    return Agency.objects.none()


def work_units_for(agency: Agency) -> QuerySet[WorkUnit]:
    return WorkUnit.objects.filter(agency=agency, is_active=True)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
