from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from lpse.core import scheduler


class Command(BaseCommand):
    help = "Run the periodic-job scheduler (one leader at a time across all machines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        holder = scheduler.new_holder_id()
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {holder}: {len(scheduler.jobs())} jobs registered")
        was_leader = False
        try:
            while not stopping:
                close_old_connections()
                leader = scheduler.acquire_lease(holder)
                if leader and not was_leader:
                    self.stdout.write(f"Scheduler {holder} is the leader")
                    scheduler.prime(holder)
                if leader:
                    for run in scheduler.enqueue_due(holder):
                        self.stdout.write(f"enqueued {run.job} ({run.slot:%Y-%m-%d %H:%M})")
                was_leader = leader
                if options["once"]:
                    break
                time.sleep(options["interval"])
        finally:
            if was_leader:
                scheduler.release_lease(holder)
