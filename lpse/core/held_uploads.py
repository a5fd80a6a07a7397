"""Uploads that survive a failed submission.

A browser cannot put a chosen file back into a file input, so a long form that is refused
for one wrong field (an NPWP check digit, say) would make the user pick every file again.
A form with `HeldUploadsMixin` keeps each file that arrived and passed its own checks in
storage under `held/`, and re-renders with a signed reference to it in a hidden field; the
next submission uses the held file unless the user chooses another one or removes it.

- A reference is signed with the form's *scope* (the caller binds it to one flow: a
  registration link, a user) and the field's name, and expires after HELD_MAX_AGE: it cannot
  be reused in another flow, field or form, and never names a path the server did not make.
- A held file is checked again like a new upload when it is used.
- Storage, not a local directory: the next request may reach another app server.
- After a successful submission the view calls `release_held()`; files nobody came back
  for are removed by the hourly job `core.held_uploads_sweep` once older than HELD_MAX_AGE.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

HELD_PREFIX = "held"
CHUNK_SIZE = 64 * 1024
HELD_MAX_AGE = timedelta(hours=24)
HELD_SUFFIX = "__held"
CLEAR_SUFFIX = "__held_clear"


@dataclass(frozen=True)
class HeldFile:
    storage_name: str
    name: str
    size: int
    content_type: str
    reference: str


def _salt(scope: str, field: str) -> str:
    return f"lpse.held-upload:{scope}:{field}"


def _load(reference: str, scope: str, field: str) -> HeldFile | None:
    if not reference:
        return None
    try:
        data = signing.loads(reference, salt=_salt(scope, field),
                             max_age=HELD_MAX_AGE)
        name = str(data["path"])
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not name.startswith(f"{HELD_PREFIX}/") or not default_storage.exists(name):
        return None
    return HeldFile(storage_name=name, name=str(data.get("name", "file")),
                    size=int(data.get("size", 0)), content_type=str(data.get("type", "")),
                    reference=reference)


def _hold(upload: Any, scope: str, field: str) -> HeldFile:
    upload.seek(0)
    storage_name = default_storage.save(f"{HELD_PREFIX}/{uuid.uuid4().hex}", upload)
    upload.seek(0)
    content_type = getattr(upload, "content_type", "") or ""
    reference = signing.dumps({"path": storage_name, "name": upload.name, "size": upload.size,
                               "type": content_type}, salt=_salt(scope, field))
    return HeldFile(storage_name=storage_name, name=upload.name, size=upload.size,
                    content_type=content_type, reference=reference)


class HeldUploadsMixin(forms.Form):
    """Pass `held_scope=` (one flow: a registration link, a user); without it the form
    behaves as a plain form."""

    def __init__(self, *args: Any, held_scope: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held_scope = held_scope
        #: Field name → the held file in use for it (shown next to the field).
        self.held: dict[str, HeldFile] = {}
        if not held_scope:
            return
        self._file_fields = [n for n, f in self.fields.items() if isinstance(f, forms.FileField)]
        for name in self._file_fields:
            self.fields[name + HELD_SUFFIX] = forms.CharField(required=False,
                                                              widget=forms.HiddenInput)
        if not self.is_bound:
            return
        for name in self._file_fields:
            if self.files.get(name) or self.data.get(name + CLEAR_SUFFIX):
                continue  # a new choice, or the held file removed
            held = _load(str(self.data.get(name + HELD_SUFFIX, "")), held_scope, name)
            if held is None:
                continue
            # Copied in chunks to a temporary file, as Django spools a large upload: a held
            # file (up to the tender documents' 50 MB) never sits whole in memory.
            upload = TemporaryUploadedFile(held.name, held.content_type, held.size, None)
            with default_storage.open(held.storage_name, "rb") as handle:
                for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
                    upload.write(chunk)
            upload.seek(0)
            files: MultiValueDict[str, Any] = MultiValueDict()
            files.update(self.files)
            files[name] = upload
            self.files = files
            self.held[name] = held

    def hold_uploads(self) -> None:
        """After a refused submission: keep every file that passed its own checks, and put
        the references into the form the page re-renders."""
        if not self.held_scope or not self.is_bound:
            return
        data = cast(Any, self.data).copy()  # a QueryDict: the copy is mutable
        cleaned = getattr(self, "cleaned_data", {})
        for name in self._file_fields:
            upload = cleaned.get(name)
            if name in self.errors or not upload:
                data[name + HELD_SUFFIX] = ""
                self.held.pop(name, None)
                continue
            if name not in self.held:
                self.held[name] = _hold(upload, self.held_scope, name)
            data[name + HELD_SUFFIX] = self.held[name].reference
        self.data = data

    def release_held(self) -> None:
        """After a successful submission: the held files have been stored for good."""
        for held in self.held.values():
            with contextlib.suppress(OSError):
                default_storage.delete(held.storage_name)
        self.held = {}


def held_uploads_sweep(now: Any = None) -> int:
    """Remove held files older than HELD_MAX_AGE (their references have expired)."""
    limit = (now or timezone.now()) - HELD_MAX_AGE
    try:
        _dirs, names = default_storage.listdir(HELD_PREFIX)
    except (FileNotFoundError, NotImplementedError):
        # Nothing held yet, or a storage backend that cannot list (Django's base Storage
        # raises NotImplementedError): nothing this job can sweep.
        return 0
    removed = 0
    for name in names:
        path = f"{HELD_PREFIX}/{name}"
        with contextlib.suppress(FileNotFoundError, OSError):
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed
