"""Record e-mails saved as .eml files (e.g. exported from a mailbox) as helpdesk tickets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.helpdesk.services import ticket_from_email


class Command(BaseCommand):
    help = ("Record .eml files as helpdesk tickets (or as messages on the ticket named in the "
            "subject). Each Message-ID is recorded once, so running it twice is safe.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".eml files or folders holding them")
        parser.add_argument("--as", dest="username", required=True,
                            help="User ID of the helpdesk officer recording the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if actor is None or not has_perm(actor, Perm.HANDLE_TICKETS):
            raise CommandError("The user must be an active helpdesk officer.")
        files: list[Path] = []
        for name in options["paths"]:
            path = Path(name)
            files.extend(sorted(path.glob("*.eml")) if path.is_dir() else [path])
        for path in files:
            try:
                ticket, created = ticket_from_email(actor=actor, raw=path.read_bytes())
            except (OSError, ValidationError) as exc:
                self.stderr.write(f"{path}: {exc}")
                continue
            self.stdout.write(f"{path}: {ticket.number} {'created' if created else 'updated'}")
