"""Reads of the training service, scoped to the user asking."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.training.models import Audience, Room, TrainingRequest, TrainingSession


def can_view_all(user: User) -> bool:
    return has_perm(user, Perm.VIEW_TRAINING)


def requests_visible_to(user: User) -> QuerySet[TrainingRequest]:
    """LPSE staff and the auditor see every request; an agency admin sees its agency's."""
    qs = TrainingRequest.objects.select_related("agency", "requested_by", "disposed_to")
    if not user.is_authenticated:
        return qs.none()
    if can_view_all(user):
        return qs
    if has_perm(user, Perm.REQUEST_TRAINING) and user.agency_id:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def sessions_visible_to(user: User) -> QuerySet[TrainingSession]:
    """Staff see all; an agency admin its agency's sessions and vendor sessions; a vendor
    the vendor sessions; a participant the sessions they take part in."""
    qs = TrainingSession.objects.select_related("room", "trainer", "request__agency")
    if not user.is_authenticated:
        return qs.none()
    if can_view_all(user):
        return qs
    condition = Q(participants__user=user)
    if user.is_vendor_user:
        condition |= Q(audience=Audience.VENDOR)
    if has_perm(user, Perm.REQUEST_TRAINING) and user.agency_id:
        condition |= Q(request__agency_id=user.agency_id) | Q(audience=Audience.VENDOR)
    return qs.filter(condition).distinct()


def calendar_sessions() -> QuerySet[TrainingSession]:
    """What the public calendar and iCalendar feed show (no participant data)."""
    return TrainingSession.objects.exclude(status=TrainingSession.Status.CANCELLED
                                           ).select_related("room")


def open_vendor_sessions() -> QuerySet[TrainingSession]:
    from django.utils import timezone

    return TrainingSession.objects.filter(
        audience=Audience.VENDOR, open_enrolment=True,
        status=TrainingSession.Status.SCHEDULED, starts_at__gt=timezone.now(),
    ).select_related("room")


def active_rooms() -> QuerySet[Room]:
    return Room.objects.filter(is_active=True)


def trainers() -> QuerySet[User]:
    return User.objects.filter(is_active=True,
                               role_assignments__role__in=Perm.DELIVER_TRAINING.roles
                               ).distinct().order_by("full_name")


def helpdesk_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True,
                               role_assignments__role__in=Perm.MANAGE_TRAINING.roles
                               ).distinct().order_by("full_name")
