"""python manage.py verify_receipt FILE — exit 0 when the receipt is valid."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lpse.bids import receipts
from lpse.bids.views.public import on_record


class Command(BaseCommand):
    help = "Verify a bid receipt (JSON) against this server's signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the receipt JSON file ('-' for standard input)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read() if options["file"] == "-" else \
            Path(options["file"]).read_bytes()
        result = receipts.verify(receipts.parse(raw))
        for reason in result.reasons:
            self.stdout.write(reason)
        if not result.valid:
            self.stderr.write("INVALID")
            sys.exit(1)
        recorded = on_record(receipts.parse(raw))
        if recorded is False:
            self.stdout.write("Warning: it differs from the receipt recorded for this bid.")
        self.stdout.write("VALID")
