"""Helpers shared by the vendors services (not part of the public service API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, has_perm
from lpse.core.files import delete_stored_content
from lpse.core.models import StoredFile
from lpse.vendors.models import Vendor

if TYPE_CHECKING:
    from lpse.accounts.models import User

SCAN_PURPOSE = "vendors.scan"
STATEMENT_PURPOSE = "vendors.email_statement"


def expired_licence_message(valid_until: date) -> str:
    """A licence whose validity already ended is not accepted (registration, maintenance)."""
    return _("This licence expired on %(date)s: enter a licence that is still valid.") % {
        "date": valid_until.strftime("%d-%m-%Y")}


def require(actor: User, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(perm.value)


def require_own(actor: User, vendor: Vendor) -> None:
    """Only the vendor's own account may do this."""
    if not actor.is_authenticated or not actor.is_active or actor.pk != vendor.account_id:
        raise PermissionDenied(_("Only the vendor itself can do this."))


def lock(vendor: Vendor) -> Vendor:
    """The vendor row, locked for the rest of the transaction (fresh from the database)."""
    return Vendor.objects.select_for_update().select_related("account").get(pk=vendor.pk)


class StoredFiles:
    """Files written to storage during a service call; removed again if the call fails,
    because storage does not roll back with the database."""

    def __init__(self) -> None:
        self.files: list[StoredFile] = []

    def add(self, stored: StoredFile) -> StoredFile:
        self.files.append(stored)
        return stored

    def discard(self) -> None:
        for stored in self.files:
            delete_stored_content(stored)
        self.files.clear()


@contextmanager
def files_removed_on_error() -> Iterator[StoredFiles]:
    tracker = StoredFiles()
    try:
        yield tracker
    except BaseException:
        tracker.discard()
        raise
