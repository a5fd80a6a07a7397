from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.registry import Panel, register_panel
from lpse.training.models import TrainingRequest, TrainingSession
from lpse.training.selectors import requests_visible_to, sessions_visible_to


def _training_summary(request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    requests = requests_visible_to(user)
    waiting: list[TrainingRequest] = []
    if has_perm(user, Perm.DISPOSE_TRAINING):
        waiting += list(requests.filter(status__in=[TrainingRequest.Status.SUBMITTED,
                                                    TrainingRequest.Status.SCHEDULED,
                                                    TrainingRequest.Status.REPLIED])[:5])
    if has_perm(user, Perm.MANAGE_TRAINING):
        waiting += list(requests.filter(status__in=[TrainingRequest.Status.DISPOSED,
                                                    TrainingRequest.Status.CONFIRMED])[:5])
    upcoming = sessions_visible_to(user).filter(
        status=TrainingSession.Status.SCHEDULED, starts_at__gte=timezone.now())
    if has_perm(user, Perm.DELIVER_TRAINING) and not has_perm(
            user, Perm.MANAGE_TRAINING):
        upcoming = upcoming.filter(trainer=user)
    return {"waiting": waiting, "upcoming": list(upcoming.order_by("starts_at")[:5])}


register_panel(Panel("training.summary", "training/panels/summary.html", _training_summary,
                     perm=Perm.VIEW_TRAINING, weight=35))
