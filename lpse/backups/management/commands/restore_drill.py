from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.backups import keys, services
from lpse.backups.models import DrillRun


class Command(BaseCommand):
    help = ("Restore an archive into a scratch database and directory, compare per-table row "
            "counts and checksums and every file with the source, check the audit chain and "
            "the checks other apps registered (sealed bids), print a report and record it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", "-i", help="age identity file with the backup "
                            "private key (asked for when omitted).")
        parser.add_argument("--keep", type=Path, help="Keep the scratch copy in this "
                            "directory (and, on PostgreSQL, the scratch database).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            identities = keys.load_identities(options["identity"])
        except keys.KeyProblem as exc:
            raise CommandError(str(exc)) from exc
        drill, report = services.drill_run(path=path, identities=identities,
                                           keep=options["keep"])
        assert report is not None
        for line in report.lines():
            self.stdout.write(line)
        if drill.status != DrillRun.Status.PASSED:
            raise CommandError("Restore drill FAILED.")
