from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lpse.accounts.models import RoleAssignment
from lpse.accounts.roles import Role
from lpse.accounts.services import bootstrap_admin_create


class Command(BaseCommand):
    help = (
        "Create the first system administrator if there is none. Credentials come from "
        "LPSE_ADMIN_USERNAME / LPSE_ADMIN_EMAIL / LPSE_ADMIN_PASSWORD, or are generated "
        "and printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=os.environ.get("LPSE_ADMIN_USERNAME", "admin"))
        parser.add_argument("--email", default=os.environ.get("LPSE_ADMIN_EMAIL",
                                                              "admin@lpse.localhost"))

    def handle(self, *args: Any, **options: Any) -> None:
        if RoleAssignment.objects.filter(role=Role.SYSADMIN).exists():
            self.stdout.write("A system administrator exists already; nothing to do.")
            return
        password = os.environ.get("LPSE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user = bootstrap_admin_create(
            username=options["username"], email=options["email"], password=password,
            full_name="Administrator LPSE",
        )
        self.stdout.write(self.style.SUCCESS("First system administrator created."))
        self.stdout.write(f"  user ID:  {user.username}")
        if "LPSE_ADMIN_PASSWORD" not in os.environ:
            self.stdout.write(f"  password: {password}   (shown only now — write it down)")
        self.stdout.write("  At the first login you will set up two-factor authentication.")
