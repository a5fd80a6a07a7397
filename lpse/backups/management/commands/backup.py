from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.backups import services
from lpse.backups.models import BackupRun


class Command(BaseCommand):
    help = ("Back up the database (one consistent snapshot) and every stored file into one "
            "archive encrypted to BACKUP_RECIPIENTS, written to BACKUP_LOCAL_DIR (or --output) "
            "and to S3 when configured; each copy is read back and verified.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Directory to write the archive to "
                            "(default: BACKUP_LOCAL_DIR, the portable drive).")
        parser.add_argument("--local-only", action="store_true",
                            help="Do not copy to object storage.")
        parser.add_argument("--no-retention", action="store_true",
                            help="Keep every older archive.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = services.backup_run(actor=None, trigger=BackupRun.Trigger.COMMAND,
                                      output_dir=options["output"],
                                      remote=not options["local_only"],
                                      retention=not options["no_retention"])
        except services.BackupBusy as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for copy in run.copies.all():
            state = "verified" if copy.verified_at else f"FAILED: {copy.error}"
            self.stdout.write(f"{copy.location}: {copy.size or 0} bytes, {state}")
        for warning in run.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if run.status == BackupRun.Status.VERIFIED:
            self.stdout.write(self.style.SUCCESS(
                f"Backup verified: {run.archive_name} ({run.file_count} files, "
                f"{run.table_count} tables, {run.row_count} rows)."))
            return
        raise CommandError(f"Backup {run.status}: {run.error}")
