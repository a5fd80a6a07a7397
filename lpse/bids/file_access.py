"""Who may download files stored by the sealed-bids module: the LKPP case package (sealed
segments, receipt, diagnostics) — LPSE examiners, case viewers, LKPP auditors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpse.accounts.roles import Perm, has_perm
from lpse.core.files import register_file_access

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.core.models import StoredFile


@register_file_access("bids.lkpp_package")
def _lkpp_package_rule(user: User, stored: StoredFile) -> bool:
    return has_perm(user, Perm.EXAMINE_BID_FILES) or has_perm(user, Perm.VIEW_BID_CASES)
