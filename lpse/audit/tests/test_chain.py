from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from lpse.audit.services import audit_record, canonical_payload, compute_hash
from lpse.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _record(n: int) -> list[AuditEvent]:
    actor = make_user(Role.SYSADMIN)
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(audit_record(action="test.event", actor=actor, object_type="x",
                                       object_id=str(i), data={"i": i, "amount": "1500000.00"}))
    return events


def _tamper(sql: str, params: list[object]) -> None:
    """Change a row behind the application's back (as an attacker with DB access would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for a session: the chain still tells.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_events_are_chained() -> None:
    before = AuditEvent.objects.count()
    events = _record(3)
    assert [e.seq for e in events] == [before + 1, before + 2, before + 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].hash == compute_hash(events[1].hash, events[2])
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[2].seq, events[2].hash)


def test_hash_is_over_canonical_json_and_survives_reload() -> None:
    event = _record(1)[0]
    reloaded = AuditEvent.objects.get(seq=event.seq)
    assert canonical_payload(reloaded) == canonical_payload(event)
    assert compute_hash(reloaded.prev_hash, reloaded) == reloaded.hash
    assert b'"amount":"1500000.00"' in canonical_payload(reloaded)


def test_verify_intact_chain() -> None:
    _record(5)
    report = verify_chain()
    assert report.ok
    assert report.checked == AuditEvent.objects.count()


def test_first_event_links_to_genesis() -> None:
    first = _record(1)[0] if not AuditEvent.objects.exists() else AuditEvent.objects.order_by(
        "seq").first()
    assert first is not None
    if first.seq == 1:
        assert first.prev_hash == GENESIS_HASH


def test_altered_row_is_named_by_audit_verify(capsys: pytest.CaptureFixture[str]) -> None:
    events = _record(5)
    victim = events[2]
    _tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["forged", victim.seq])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    assert f"sequence number {victim.seq}" in str(excinfo.value)
    assert "content does not match" in str(excinfo.value)


def test_deleted_row_is_named() -> None:
    events = _record(4)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == events[1].seq


def test_deleted_tail_is_detected() -> None:
    events = _record(3)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == events[-1].seq


def test_intact_chain_command_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    _record(2)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_application_refuses_update_and_delete() -> None:
    event = _record(1)[0]
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=event.seq).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=event.seq).delete()
    event.action = "x"
    with pytest.raises(PermissionError):
        event.save()


def test_database_refuses_raw_update_on_postgresql() -> None:
    """PostgreSQL's trigger refuses even raw SQL; on SQLite only the chain check catches it."""
    from django.db import DatabaseError

    event = _record(1)[0]
    if connection.vendor == "postgresql":
        for sql in ("UPDATE audit_auditevent SET action = 'x' WHERE seq = %s",
                    "DELETE FROM audit_auditevent WHERE seq = %s"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                    connection.cursor() as cursor:
                cursor.execute(sql, [event.seq])
        assert verify_chain().ok
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE seq = %s", [event.seq])
        assert verify_chain().first_broken_seq == event.seq


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain() -> None:
    """Writers in parallel threads: no fork, no duplicate sequence number."""
    actor = make_user(Role.SYSADMIN)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(action="race", actor=actor, object_id=f"{k}-{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(action="race").count() == 40
    assert verify_chain().ok
