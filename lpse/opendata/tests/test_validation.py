"""lib-cove-ocds (the community's validator) finds nothing wrong in what we publish: the
demo data, a generated volume set, and every end state a tender can reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from lpse.opendata import ocds, packages, selectors
from lpse.opendata.models import Release
from lpse.opendata.services import releases_backfill
from lpse.opendata.tests import scenario
from lpse.opendata.tests.ocds_validator import problems, validate
from lpse.tenders import services as tender_services

pytestmark = pytest.mark.django_db

CLEAN = {"validation_errors": [], "closed_codelist_values": {}, "additional_fields": [],
         "invalid_extensions": {}, "json_deref_error": None}


def _release_package() -> dict:
    return packages.release_package(list(selectors.iter_releases()),
                                    uri=ocds.absolute("api-ocds-releases"), published=None)


def _record_package() -> dict:
    return packages.record_package(list(selectors.iter_records()),
                                   uri=ocds.absolute("api-ocds-records"), published=None)


def _assert_valid(tmp_path: Path) -> dict:
    releases = validate(_release_package(), tmp_path / "releases")
    assert problems(releases) == CLEAN
    records = validate(_record_package(), tmp_path / "records")
    assert problems(records) == CLEAN
    assert releases["extensions"]["is_extended_schema"], "the bid extension was applied"
    return releases


def test_demo_data_validates(tmp_path):
    call_command("seed_demo", "--quiet")
    releases_backfill()
    context = _assert_valid(tmp_path)
    tags = {tag for tags in Release.objects.values_list("tags", flat=True) for tag in tags}
    assert {"tender", "tenderUpdate", "tenderCancellation", "award", "awardUpdate",
            "contract"} <= tags
    assert context["count"] == Release.objects.count()


def test_volume_data_validates(tmp_path):
    call_command("seed_volume", "--tenders", "40", "--vendors", "15", verbosity=0)
    result = releases_backfill()
    assert result["tenders"] == 40
    _assert_valid(tmp_path)


def test_every_end_state_validates(tmp_path, clock):
    scenario.full(clock)
    cancelled = scenario.published()
    tender_services.tender_cancel(actor=cancelled.tender.package.ppk, tender=cancelled.tender,
                                  reason="Anggaran dialihkan")
    failed = scenario.published()
    scenario.opened(failed, clock)
    scenario.announced(failed, clock)
    tender_services.tender_fail(actor=failed.member, tender=failed.tender, reason="Sanggah")
    reevaluated = scenario.published()
    scenario.opened(reevaluated, clock)
    scenario.announced(reevaluated, clock)
    scenario.reevaluated(reevaluated, clock)
    scenario.awarded(reevaluated, clock)
    releases_backfill()
    _assert_valid(tmp_path)


def test_the_offline_validator_reports_mistakes(tmp_path, clock):
    """The vendored schema and extension are really used: broken data is reported."""
    s = scenario.published()
    releases_backfill()
    package = _release_package()
    release = package["releases"][0]
    release["tender"]["status"] = "open for bids"
    release["tender"]["nickname"] = "x"
    release["bids"] = {"statistics": [{"id": "1", "measure": "bids"}]}
    found = problems(validate(package, tmp_path))
    messages = " ".join(str(e) for e in found["validation_errors"])
    assert "'value' is missing" in messages, "the bid extension's schema is applied"
    assert found["closed_codelist_values"]["releases/tender/status"]["values"] == [
        "open for bids"]
    assert [f["field"] for f in found["additional_fields"]] == ["nickname"]
    del s
