"""The per-IP cap that complements django-axes' per (user ID, IP) lockout.

Axes locks one user ID from one address after LOGIN_FAILURE_LIMIT failures, so an attacker
elsewhere cannot lock the real user out. This cap stops a single address from guessing
across many user IDs: after LOGIN_IP_FAILURE_CAP failures within the cool-off period, every
login from that address is refused until the period has passed.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def ip_failures(ip: str | None) -> int:
    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


def ip_is_capped(ip: str | None) -> bool:
    return ip_failures(ip) >= settings.LOGIN_IP_FAILURE_CAP
