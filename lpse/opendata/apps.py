from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _on_audit_event(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A tender changed (its service wrote the audit event): publish its releases as soon
    as the change commits. Only enqueues; the work happens in the task worker."""
    from lpse.opendata.mapping import TRIGGER_ACTIONS

    if not created or instance.action not in TRIGGER_ACTIONS:
        return

    def enqueue() -> None:
        from lpse.opendata.jobs import publish_releases

        publish_releases.enqueue()

    transaction.on_commit(enqueue)


class OpendataConfig(AppConfig):
    name = "lpse.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from lpse.audit.models import AuditEvent

        # The audit log is the outbox of tender changes (see services.py).
        post_save.connect(_on_audit_event, sender=AuditEvent,
                          dispatch_uid="opendata.publish_on_audit_event")
