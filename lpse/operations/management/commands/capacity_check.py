from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lpse.operations.services import capacity_check_run


class Command(BaseCommand):
    help = ("Measure disks, memory, database size, growth, task queue and last backup; print "
            "JSON. Records samples and raises alerts unless --dry-run. Exit code 2 when a "
            "critical threshold is crossed, 1 for a warning.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Only measure: no samples, no alerts.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = capacity_check_run(record=not options["dry_run"])
        self.stdout.write(json.dumps(report, indent=2, default=str))
        if report["level"] == "critical":
            raise SystemExit(2)
        if report["level"] == "warning":
            raise SystemExit(1)
