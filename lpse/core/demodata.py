"""Shared state for `seed_demo`: each app's `demo.py` has `ORDER` and `seed(context)`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.management.base import OutputWrapper

    from lpse.accounts.models import Agency, User

DEFAULT_DEMO_PASSWORD = "Sumedang-Demo-2026"  # noqa: S105 - documented demo credential


@dataclass
class DemoContext:
    password: str | None = None
    stdout: OutputWrapper | None = None
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.password = self.password or os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD

    def remember_account(self, username: str, role: str, note: str = "") -> None:
        self.accounts.append((username, role, note))

    def print_accounts(self) -> None:
        if self.stdout is None:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {self.password}):")
        for username, role, note in self.accounts:
            self.stdout.write(f"  {username:<22} {role:<34} {note}")
        self.stdout.write(
            "Officials confirm logins with a code: run "
            "`python manage.py demo_totp <user ID>` to print the current one (DEBUG only)."
        )
