from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.backups import keys, services


class Command(BaseCommand):
    help = ("Decrypt an archive and check every entry against its manifest; exit 0 only "
            "when all match, otherwise name each bad or missing file.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", "-i", help="age identity file with the backup "
                            "private key (asked for when omitted).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            identities = keys.load_identities(options["identity"])
        except keys.KeyProblem as exc:
            raise CommandError(str(exc)) from exc
        report = services.archive_verify(path=path, identities=identities)
        manifest = report.manifest or {}
        if report.ok:
            self.stdout.write(self.style.SUCCESS(
                f"OK: {len(report.seen)} entries match the manifest "
                f"({manifest.get('files', {}).get('count', 0)} files, "
                f"{len(manifest.get('database', {}).get('tables', {}))} tables, "
                f"created {manifest.get('created_at')})."))
            return
        for line in report.problems():
            self.stderr.write(line)
        raise CommandError(f"Verification FAILED: {path}")
