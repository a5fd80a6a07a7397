from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Prepare the embedded installation: migrate, collect static files, first admin, demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("bootstrap_admin")
        if not options["no_demo"]:
            call_command("seed_demo")
        # The web server of Procfile.embedded binds 127.0.0.1:$LPSE_PORT (settings.LPSE_PORT).
        self.stdout.write(self.style.SUCCESS(
            f"Starting web server, task worker and scheduler: "
            f"http://127.0.0.1:{settings.LPSE_PORT}/ (Ctrl-C stops all three)"
        ))
