from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.backups import keys, services
from lpse.backups.restore import RestoreError


class Command(BaseCommand):
    help = ("Restore an archive into the configured (empty) database and file storage, "
            "check the audit chain and record the restore in the audit log. With --replace "
            "a database or storage that holds data is replaced, and what it held is kept.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", "-i", help="age identity file with the backup "
                            "private key (asked for when omitted).")
        parser.add_argument("--replace", action="store_true",
                            help="Replace existing data (it is kept aside, not deleted).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            identities = keys.load_identities(options["identity"])
            result = services.archive_restore(path=path, identities=identities,
                                              replace=options["replace"])
        except (keys.KeyProblem, RestoreError) as exc:
            raise CommandError(str(exc)) from exc
        for line in result.kept:
            self.stdout.write(f"Kept: {line}")
        self.stdout.write(f"Files restored: {result.files_restored}")
        if result.chain is not None:
            self.stdout.write(
                f"Audit chain: {'intact' if result.chain.ok else 'BROKEN'} "
                f"({result.chain.checked} events)"
                + ("" if result.chain.ok else
                   f" at #{result.chain.first_broken_seq}: {result.chain.reason}"))
        for line in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {line}"))
        for line in result.report.problems():
            self.stderr.write(line)
        if not result.database_restored:
            raise CommandError("Restore FAILED (see above): nothing was restored; the database "
                               "and storage are as empty as before. Nothing replaced was lost.")
        if not result.ok:
            raise CommandError("Restored, but the audit chain does NOT verify (see above).")
        self.stdout.write(self.style.SUCCESS(
            f"Restored {path.name}. Next: python manage.py migrate (applies migrations newer "
            "than the backup, if any)."))
