"""Versions of catalog records: a snapshot of `history_fields` after every change.

Services call `version_record(...)` in the same transaction as the change (and as its audit
event). Related records are stored by their stable code, many-to-many fields as sorted code
lists, money and dates as strings, so a version stays readable after its related records
change.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from lpse.accounts.models import User
from lpse.catalog.models import ChangeVersion


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value.pk)
    if isinstance(value, Decimal):
        # Same number, same text: 125.3 read back from the database is "125.3000".
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in getattr(obj, "history_fields", ()):
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(_plain(o) for o in getattr(obj, name).all())
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def version_record(
    *, obj: models.Model, actor: User | None, action: ChangeVersion.Action,
    before: dict[str, Any] | None,
) -> ChangeVersion:
    """Append the next version of `obj`. Callers hold a row lock on `obj` (select_for_update)."""
    content_type = ContentType.objects.get_for_model(obj)
    after = snapshot(obj)
    changes = {}
    if before is not None:
        changes = {
            name: [before.get(name), value]
            for name, value in after.items()
            if before.get(name) != value
        }
    last = (
        ChangeVersion.objects.filter(content_type=content_type, object_id=obj.pk)
        .order_by("-version").values_list("version", flat=True).first()
    )
    return ChangeVersion.objects.create(
        content_type=content_type, object_id=obj.pk, version=(last or 0) + 1, action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_repr=str(obj)[:250], changes=changes, snapshot=after,
    )


def versions_of(obj: models.Model) -> QuerySet[ChangeVersion]:
    content_type = ContentType.objects.get_for_model(obj)
    return ChangeVersion.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("actor").order_by("-version")


def field_labels(model: type[models.Model]) -> dict[str, str]:
    """Human names of the versioned fields, for the history table."""
    return {
        name: str(getattr(model._meta.get_field(name), "verbose_name", name))
        for name in getattr(model, "history_fields", ())
    }
