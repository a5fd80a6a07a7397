from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (only with DEBUG on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Only available with DEBUG=true (demo installations).")
        device = TOTPDevice.objects.filter(
            user__username__iexact=options["username"], name="demo", confirmed=True
        ).first()
        if device is None:
            raise CommandError("No demo authenticator for this user.")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
