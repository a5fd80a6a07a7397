from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from lpse.core.demodata import DemoContext


class Command(BaseCommand):
    help = (
        "Load realistic demo data (agencies of Kabupaten Sumedang, one official per role, "
        "vendors, and whatever each app adds). Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Password of the demo accounts "
                            "(default: DEMO_PASSWORD or a fixed demo password).")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        context = DemoContext(password=options.get("password"), stdout=self.stdout)
        modules = []
        for config in apps.get_app_configs():
            if not config.name.startswith("lpse."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            modules.append(module)
        for module in sorted(modules, key=lambda m: getattr(m, "ORDER", 100)):
            with transaction.atomic():
                module.seed(context)
            if not options["quiet"]:
                self.stdout.write(f"  demo data: {module.__name__.rsplit('.', 2)[1]}")
        if not options["quiet"]:
            context.print_accounts()
