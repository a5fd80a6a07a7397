import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.backups.keys import fingerprint, generate_keypair


class Command(BaseCommand):
    help = ("Create a backup key pair (age X25519, the same as age-keygen). The private key "
            "is written to FILE (keep it offline, away from the server); the public key is "
            "printed for BACKUP_RECIPIENTS.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the private key (new file).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        pair = generate_keypair()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists: refusing to overwrite a key.") from exc
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"# LPSE backup key, public key: {pair.recipient}\n"
                         f"{pair.identity}\n")
        self.stdout.write(f"Private key written to {path} — move it offline now.")
        self.stdout.write(f"Public key ({fingerprint(pair.recipient)}):")
        self.stdout.write(pair.recipient)
