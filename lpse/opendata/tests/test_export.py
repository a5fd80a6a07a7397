"""The bulk export: the whole history as one package, streamed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from lpse.opendata import selectors
from lpse.opendata.models import Release
from lpse.opendata.services import releases_backfill
from lpse.opendata.tests import scenario

pytestmark = pytest.mark.django_db


def test_export_writes_every_release_and_every_record(tmp_path, clock):
    scenario.full(clock)
    scenario.published()
    releases_backfill()
    target = tmp_path / "out" / "ocds.json"
    call_command("export_ocds", "--output", str(target), verbosity=0)
    package = json.loads(target.read_text(encoding="utf-8"))
    assert package["version"] == "1.1"
    assert [r["id"] for r in package["releases"]] == list(
        Release.objects.order_by("date", "pk").values_list("release_id", flat=True))
    call_command("export_ocds", "--records", "--output", str(target), verbosity=0)
    records = json.loads(target.read_text(encoding="utf-8"))["records"]
    assert len(records) == 2
    assert records[0]["compiledRelease"]["tag"] == ["compiled"]
    assert [p.name for p in target.parent.iterdir()] == ["ocds.json"], "no temporary left"


def test_streaming_reads_in_chunks_in_order(clock):
    for _ in range(3):
        scenario.published()
    releases_backfill()
    expected = list(Release.objects.order_by("date", "pk").values_list("release_id", flat=True))
    assert [r["id"] for r in selectors.iter_releases(chunk=2)] == expected
    assert len(list(selectors.iter_records(chunk=2))) == 3
