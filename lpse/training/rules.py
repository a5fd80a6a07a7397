"""The regulation's scheduling rules for training (Lampiran II 2.3 table a, step 7).

Vendor training: Wednesday and Thursday, 09:00–13:00 WIB. Agency training (agency admin,
PPK, committees): Monday, Tuesday and Friday, 09:00–15:00 WIB ("or another day": an
override with a reason). Always on a working day, within the room's capacity, without
double-booking the room or the trainer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.core.calendar import holiday_name, is_working_day, to_wib
from lpse.training.models import Audience, Room, TrainingSession


@dataclass(frozen=True)
class Window:
    weekdays: frozenset[int]
    start: time
    end: time


WINDOWS: dict[str, Window] = {
    Audience.VENDOR: Window(frozenset({2, 3}), time(9, 0), time(13, 0)),
    Audience.AGENCY: Window(frozenset({0, 1, 4}), time(9, 0), time(15, 0)),
}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def _day_names(days: frozenset[int]) -> str:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
             _("Saturday"), _("Sunday")]
    return ", ".join(names[d] for d in sorted(days))


def schedule_problems(
    *,
    audience: str,
    starts_at: datetime,
    ends_at: datetime,
    room: Room,
    capacity: int,
    trainer: User | None = None,
    exclude: TrainingSession | None = None,
) -> list[Problem]:
    """Rules a planned session breaks (each may be overridden with a reason)."""
    problems: list[Problem] = []
    start, end = to_wib(starts_at), to_wib(ends_at)
    window = WINDOWS[audience]
    if not is_working_day(start.date()):
        problems.append(Problem("working_day", _("%(day)s is not a working day%(name)s.") % {
            "day": start.strftime("%d-%m-%Y"),
            "name": f" ({holiday_name(start.date())})" if holiday_name(start.date()) else ""}))
    if start.weekday() not in window.weekdays:
        problems.append(Problem("weekday", _(
            "Training for this audience is held on %(days)s.") % {
            "days": _day_names(window.weekdays)}))
    if start.time() < window.start or end.time() > window.end or end.date() != start.date():
        problems.append(Problem("hours", _(
            "Training for this audience is held between %(start)s and %(end)s WIB.") % {
            "start": window.start.strftime("%H:%M"), "end": window.end.strftime("%H:%M")}))
    if capacity > room.capacity:
        problems.append(Problem("capacity", _(
            "%(room)s has %(seats)s seats; %(wanted)s are planned.") % {
            "room": room.name, "seats": room.capacity, "wanted": capacity}))
    clashes = TrainingSession.objects.filter(
        starts_at__lt=ends_at, ends_at__gt=starts_at, status=TrainingSession.Status.SCHEDULED)
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.filter(room=room).exists():
        problems.append(Problem("room_busy", _("The room is already booked at that time.")))
    if trainer is not None and clashes.filter(trainer=trainer).exists():
        problems.append(Problem("trainer_busy", _(
            "The trainer already gives another training at that time.")))
    return problems
