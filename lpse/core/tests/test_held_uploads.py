"""Files that survive a refused form (lpse.core.held_uploads), in real storage."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from lpse.core.held_uploads import HeldUploadsMixin, held_uploads_sweep

PDF = b"%PDF-1.4\n" + b"x" * 2000


class LetterForm(HeldUploadsMixin):
    title = forms.CharField(max_length=20)
    letter = forms.FileField(required=False)

    def clean_letter(self) -> Any:
        upload = self.cleaned_data.get("letter")
        if upload is not None and not upload.read(5).startswith(b"%PDF"):
            raise forms.ValidationError("PDF only")
        if upload is not None:
            upload.seek(0)
        return upload


def _post(data: dict[str, str], files: dict[str, Any] | None = None, *,
          scope: str = "flow-1") -> LetterForm:
    query = QueryDict(mutable=True)
    query.update(data)
    return LetterForm(query, MultiValueDict({k: [v] for k, v in (files or {}).items()}),
                      held_scope=scope)


def _held_names(media_root: Path) -> list[str]:
    folder = media_root / "held"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_refused_form_keeps_the_file_and_the_next_submission_uses_it(settings):
    first = _post({"title": "x" * 30}, {"letter": SimpleUploadedFile("surat.pdf", PDF)})
    assert not first.is_valid()
    assert "title" in first.errors
    first.hold_uploads()
    assert first.held["letter"].name == "surat.pdf"
    assert first.held["letter"].size == len(PDF)
    reference = first.data["letter__held"]
    assert reference
    assert len(_held_names(Path(settings.MEDIA_ROOT))) == 1
    # The page re-renders the reference in a hidden field and says the file is kept.
    assert f'value="{reference}"' in str(first["letter__held"])

    second = _post({"title": "Surat", "letter__held": reference})
    assert second.is_valid(), second.errors
    assert second.cleaned_data["letter"].name == "surat.pdf"
    assert second.cleaned_data["letter"].read() == PDF
    second.release_held()
    assert _held_names(Path(settings.MEDIA_ROOT)) == []


def test_a_new_choice_replaces_the_held_file_and_remove_drops_it():
    first = _post({"title": "x" * 30}, {"letter": SimpleUploadedFile("lama.pdf", PDF)})
    first.is_valid()
    first.hold_uploads()
    reference = first.data["letter__held"]
    newer = _post({"title": "Surat", "letter__held": reference},
                  {"letter": SimpleUploadedFile("baru.pdf", PDF + b"2")})
    assert newer.is_valid()
    assert newer.cleaned_data["letter"].name == "baru.pdf"
    removed = _post({"title": "Surat", "letter__held": reference, "letter__held_clear": "1"})
    assert removed.is_valid()
    assert removed.cleaned_data["letter"] is None


def test_a_reference_works_only_in_its_own_flow_and_unaltered():
    first = _post({"title": "x" * 30}, {"letter": SimpleUploadedFile("surat.pdf", PDF)})
    first.is_valid()
    first.hold_uploads()
    reference = first.data["letter__held"]
    other_flow = _post({"title": "Surat", "letter__held": reference}, scope="flow-2")
    assert other_flow.is_valid()
    assert other_flow.cleaned_data["letter"] is None
    tampered = _post({"title": "Surat", "letter__held": reference[:-3] + "abc"})
    assert tampered.is_valid()
    assert tampered.cleaned_data["letter"] is None


def test_a_file_refused_by_its_own_checks_is_not_kept(settings):
    form = _post({"title": "x" * 30}, {"letter": SimpleUploadedFile("a.exe", b"MZ\x90\x00")})
    assert not form.is_valid()
    assert "letter" in form.errors
    form.hold_uploads()
    assert form.held == {}
    assert form.data["letter__held"] == ""
    assert _held_names(Path(settings.MEDIA_ROOT)) == []


def test_sweep_removes_held_files_after_a_day(settings):
    old = default_storage.save("held/old", SimpleUploadedFile("old", PDF))
    fresh = default_storage.save("held/fresh", SimpleUploadedFile("fresh", PDF))
    day_ago = time.time() - 25 * 3600
    os.utime(default_storage.path(old), (day_ago, day_ago))
    assert held_uploads_sweep() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
    assert held_uploads_sweep(timezone.now() + timedelta(hours=25)) == 1
    assert _held_names(Path(settings.MEDIA_ROOT)) == []
