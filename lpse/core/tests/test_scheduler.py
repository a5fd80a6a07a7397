from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import task

from lpse.core import scheduler
from lpse.core.calendar import WIB
from lpse.core.models import ScheduledRun, SchedulerLease

pytestmark = pytest.mark.django_db

RAN: list[str] = []


@task()
def _probe() -> str:
    RAN.append("ran")
    return "ok"


@pytest.fixture
def job():
    job = scheduler.register("test.probe", "30 1 * * *", _probe)
    yield job
    scheduler._jobs.pop("test.probe", None)


def test_cron_is_evaluated_in_wib(job) -> None:
    now = datetime(2026, 11, 25, 2, 0, tzinfo=WIB)
    assert job.previous_slot(now) == datetime(2026, 11, 25, 1, 30, tzinfo=WIB)
    assert job.next_slot(now) == datetime(2026, 11, 26, 1, 30, tzinfo=WIB)


def test_invalid_cron_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid cron"):
        scheduler.register("test.bad", "61 * * * *", _probe)


def test_only_one_leader_and_takeover_after_expiry(settings) -> None:
    settings.SCHEDULER_LEASE_SECONDS = 30
    now = datetime(2026, 11, 25, 10, 0, tzinfo=WIB)
    assert scheduler.acquire_lease("a", now)
    assert not scheduler.acquire_lease("b", now + timedelta(seconds=10))
    assert scheduler.acquire_lease("a", now + timedelta(seconds=20))  # renewal
    assert not scheduler.acquire_lease("b", now + timedelta(seconds=45))
    assert scheduler.acquire_lease("b", now + timedelta(seconds=51))  # a stopped renewing
    assert SchedulerLease.objects.get().holder == "b"
    assert not scheduler.acquire_lease("a", now + timedelta(seconds=52))


def test_each_slot_is_enqueued_exactly_once_even_by_two_leaders(job) -> None:
    RAN.clear()
    now = datetime(2026, 11, 25, 2, 0, tzinfo=WIB)
    first = scheduler.enqueue_due("a", now)
    second = scheduler.enqueue_due("b", now + timedelta(minutes=5))
    assert [r.job for r in first if r.job == "test.probe"] == ["test.probe"]
    assert [r for r in second if r.job == "test.probe"] == []
    assert RAN == ["ran"]
    later = scheduler.enqueue_due("b", now + timedelta(days=1))
    assert [r.job for r in later if r.job == "test.probe"] == ["test.probe"]
    assert ScheduledRun.objects.filter(job="test.probe").count() == 2


def test_downtime_collapses_missed_slots_into_one_run(job) -> None:
    RAN.clear()
    scheduler.prime("a", datetime(2026, 11, 1, 2, 0, tzinfo=WIB))
    scheduler.enqueue_due("a", datetime(2026, 11, 25, 2, 0, tzinfo=WIB))
    assert RAN == ["ran"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_elect_one_leader() -> None:
    now = datetime(2026, 11, 25, 10, 0, tzinfo=WIB)
    results: dict[str, bool] = {}
    barrier = threading.Barrier(4)

    def contender(name: str) -> None:
        try:
            barrier.wait()
            results[name] = scheduler.acquire_lease(name, now)
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(f"s{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [False, False, False, True]


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_once_command(job, capsys) -> None:
    call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert "is the leader" in out
    assert SchedulerLease.objects.count() == 0  # released on exit
    assert ScheduledRun.objects.filter(job="test.probe").exists()
