from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.http import Http404

from lpse.core.files import can_read_file
from lpse.core.models import StoredFile

if TYPE_CHECKING:
    from lpse.accounts.models import User


def stored_file_for_download(*, user: User, file_id: uuid.UUID) -> StoredFile:
    """The stored file if its feature's access rule lets `user` read it; otherwise 404."""
    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None or not can_read_file(user, stored):
        raise Http404
    return stored
