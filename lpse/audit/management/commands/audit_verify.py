from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lpse.audit.verify import chain_check_run


class Command(BaseCommand):
    help = "Walk the audit chain; exit 0 when intact, otherwise name the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        check = chain_check_run()
        if check.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {check.checked} events."))
            return
        raise CommandError(
            f"Audit chain BROKEN at sequence number {check.first_broken_seq}: {check.reason} "
            f"({check.checked} events verified before it)."
        )
