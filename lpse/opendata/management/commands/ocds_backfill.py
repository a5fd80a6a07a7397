"""Publish the OCDS releases every published tender is missing (after a bulk load such as
seed_volume, or when publication starts on existing data). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lpse.opendata.services import releases_backfill


class Command(BaseCommand):
    help = "Write the missing OCDS releases of every published tender."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            if not options["quiet"]:
                self.stdout.write(f"tenders: {done}/{total}")

        result = releases_backfill(progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"{result['releases']} releases written for {result['tenders']} tenders"))
