from __future__ import annotations

from django.tasks import task

from lpse.vendors.services import registrations_expire


@task()
def expire_registrations() -> dict[str, int]:
    """Expire registrations not verified within the deadline and tell the vendors."""
    return {"expired": registrations_expire()}
