"""The iCalendar feed of training sessions (RFC 5545), built with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from lpse.training.models import TrainingSession


def sessions_ical(sessions: Iterable[TrainingSession]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.LPSE_UNIT_NAME}//Pelatihan SPSE//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Pelatihan SPSE · {settings.LPSE_UNIT_NAME}")
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    for session in sessions:
        event = Event()
        event.add("uid", f"training-session-{session.pk}@{host}")
        event.add("summary", session.title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("last-modified", session.updated_at)
        event.add("location", f"{session.room.name} {session.room.location}".strip())
        event.add("description", f"{session.get_audience_display()} · "
                  f"{settings.SITE_URL}{reverse('training:session_detail', args=[session.pk])}")
        event.add("status", "CONFIRMED" if session.status != TrainingSession.Status.CANCELLED
                  else "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
