"""Writing audit events: `audit_record` is the only way in."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import rfc8785
from django.db import models, transaction
from django.utils import timezone

from lpse.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from lpse.core.request_context import current_ip

if TYPE_CHECKING:
    from lpse.accounts.models import User


def jsonable(value: Any) -> Any:
    """Convert a value to what canonical JSON can hold (no floats: money stays exact)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def canonical_payload(event: AuditEvent) -> bytes:
    """The bytes that are hashed for an event: RFC 8785 canonical JSON of its fields."""
    return rfc8785.dumps(
        {
            "seq": event.seq,
            "at": jsonable(event.occurred_at),
            "actor_id": event.actor_id,
            "actor": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object": event.object_repr,
            "data": event.data,
            "ip": event.ip_address,
        }
    )


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_payload(event)).hexdigest()


def _normalise_ip(ip: str | None) -> str | None:
    # Hash exactly what the database will hold (IPv6 addresses are normalised on save).
    return AuditEvent._meta.get_field("ip_address").get_prep_value(ip) if ip else None


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-seq").first()
        AuditChainHead.objects.get_or_create(
            pk=1,
            defaults={"seq": last.seq if last else 0, "hash": last.hash if last else GENESIS_HASH},
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    action: str,
    actor: User | None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    data: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event inside the caller's transaction.

    Call it from the service that changes state, in the same transaction, so the change
    and its record commit or roll back together. Appends are serialised on the chain head.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor=actor_obj,
            actor_label=actor_obj.get_username() if actor_obj else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:300],
            data=jsonable(dict(data or {})),
            ip_address=_normalise_ip(ip_address if ip_address is not None else current_ip()),
            prev_hash=head.hash,
        )
        event.hash = compute_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
