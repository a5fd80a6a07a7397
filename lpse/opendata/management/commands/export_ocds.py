"""Write the whole OCDS history to a file: one release package with every release (or,
with --records, one record package with every record), streamed in constant memory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lpse.opendata import ocds, packages, selectors
from lpse.opendata.models import ContractingProcess, Release


class Command(BaseCommand):
    help = "Export every OCDS release (or record) to a JSON package file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True,
                            help="File to write (written to a temporary file, then renamed).")
        parser.add_argument("--records", action="store_true",
                            help="A record package (releases embedded, compiled release) "
                                 "instead of a release package.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]).resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        _latest, published = selectors.latest_change()
        if options["records"]:
            key, items, total = "records", selectors.iter_records(), \
                ContractingProcess.objects.count()
            uri = ocds.absolute("api-ocds-records")
        else:
            key, items, total = "releases", selectors.iter_releases(), Release.objects.count()
            uri = ocds.absolute("api-ocds-releases")

        def progress(count: int) -> None:
            self.stdout.write(f"{key}: {count}/{total}")

        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".ocds-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                count = packages.write_package(out, items, key=key, uri=uri,
                                               published=published, progress=progress)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"{count} {key} written to {output}"))
