"""Releases from the tenders' real services: one per change, with the right tags, immutable,
idempotent, and compiling to the tender's current state."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from lpse.audit.models import AuditEvent
from lpse.opendata import ocds, selectors
from lpse.opendata.mapping import load_history, release_for, snapshot, tenders_for_history
from lpse.opendata.models import ContractingProcess, PublishCursor, Release
from lpse.opendata.services import releases_backfill, releases_publish_pending, releases_sync
from lpse.opendata.tests import scenario
from lpse.tenders import services as tender_services
from lpse.tenders.models import Tender

pytestmark = pytest.mark.django_db


def _events(tender: Tender) -> list[tuple[str, list[str]]]:
    return list(Release.objects.filter(ocid=ocds.ocid_for(tender.code)).order_by(
        "date", "pk").values_list("event", "tags"))


def _releases(tender: Tender) -> list[dict]:
    return [r.data for r in Release.objects.filter(
        ocid=ocds.ocid_for(tender.code)).order_by("date", "pk")]


def test_every_change_is_one_release_with_its_tags(clock):
    s = scenario.published()
    assert [r.event for r in releases_sync(tender=s.tender)] == ["tender"]
    assert releases_sync(tender=s.tender) == [], "nothing new: nothing written"
    clock.shift(dt.timedelta(hours=2))
    scenario.addendum(s)
    [release] = releases_sync(tender=s.tender)
    assert release.tags == ["tenderAmendment"]
    [amendment] = release.data["tender"]["amendments"]
    assert amendment["rationale"] == scenario.ADDENDUM_REASON
    assert amendment["releaseID"] == release.release_id
    assert amendment["amendsReleaseID"] == f"{ocds.ocid_for(s.tender.code)}-tender"
    clock.shift(dt.timedelta(minutes=30))
    scenario.extend_upload(s)
    [release] = releases_sync(tender=s.tender)
    assert release.tags == ["tenderAmendment"]
    change = release.data["tender"]["amendments"][-1]
    assert change["rationale"] == scenario.SCHEDULE_REASON
    assert "Upload Dokumen Penawaran" in change["description"]
    assert release.data["tender"]["tenderPeriod"]["endDate"] == ocds.iso(
        s.tender.upload_ends_at)
    scenario.opened(s, clock)
    [release] = releases_sync(tender=s.tender)
    assert release.tags == ["tenderUpdate"]
    assert release.data["tender"]["numberOfTenderers"] == 3
    scenario.announced(s, clock)
    assert [r.tags for r in releases_sync(tender=s.tender)] == [["award"]]
    scenario.awarded(s, clock)
    assert [r.tags for r in releases_sync(tender=s.tender)] == [["awardUpdate"]]
    scenario.contracted(s, clock)
    assert [r.tags for r in releases_sync(tender=s.tender)] == [["contract"]]
    events = [event for event, _tags in _events(s.tender)]
    change_pk = s.tender.schedule_changes.get().pk
    assert events == ["tender", "addendum-2", f"schedule-change-{change_pk}", "bids-opened",
                      "award", "award-letter", "contract"]
    process = ContractingProcess.objects.get(tender=s.tender)
    assert process.release_count == 7
    assert process.ocid == "ocds-xxxxxx-sumedang-" + s.tender.code


def test_record_compiles_to_the_current_state_of_the_tender(clock):
    s = scenario.full(clock)
    releases_sync(tender=s.tender)
    tender = s.refresh()
    compiled = selectors.compiled_release(_releases(tender))
    assert compiled["tag"] == ["compiled"]
    current = snapshot(load_history(tenders_for_history().get(pk=tender.pk)))
    assert {k: v for k, v in compiled.items() if k not in {"tag", "id", "date", "ocid"}} \
        == current
    # … and that state is the tender's, field by field.
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["value"] == {"amount": int(tender.owner_estimate),
                                           "currency": "IDR"}
    assert compiled["planning"]["budget"]["amount"]["amount"] == int(tender.budget_ceiling)
    assert compiled["tender"]["tenderPeriod"] == {
        "startDate": ocds.iso(tender.upload_starts_at), "endDate": ocds.iso(tender.upload_ends_at)}
    assert {m["id"]: m["dueDate"] for m in compiled["tender"]["milestones"]} == {
        stage.code: ocds.iso(stage.ends_at) for stage in tender.stages.all()}
    assert [a["rationale"] for a in compiled["tender"]["amendments"]] == [
        scenario.ADDENDUM_REASON, scenario.SCHEDULE_REASON]
    assert [d["id"] for d in compiled["tender"]["documents"]] == [
        "tender-notice", "tender-documents-v1", "tender-documents-v2"]
    [award] = compiled["awards"]
    winner = tender.evaluations.get(award=0)
    assert award["status"] == "active"
    assert award["value"]["amount"] == int(tender.award_letter.amount)
    assert award["suppliers"] == [{"id": f"vendor-{winner.participant.vendor_id}",
                                   "name": winner.participant.vendor.name}]
    [contract] = compiled["contracts"]
    assert contract["value"]["amount"] == int(tender.contract.value)
    assert contract["title"] == f"Kontrak {tender.contract.number}"
    assert contract["awardID"] == award["id"]
    statistics = {s["measure"]: s["value"] for s in compiled["bids"]["statistics"]}
    assert statistics == {"bids": 3, "bidders": 3, "validBids": 2}
    assert {b["status"] for b in compiled["bids"]["details"]} == {"valid", "disqualified"}
    roles = {p["id"]: p["roles"] for p in compiled["parties"]}
    assert roles[f"agency-{tender.agency.code}"] == ["buyer"]
    assert roles[f"committee-{tender.committee_id}"] == ["procuringEntity"]
    assert roles[f"vendor-{winner.participant.vendor_id}"] == ["tenderer", "supplier"]
    assert compiled["tender"]["mainProcurementCategory"] == "works"
    assert compiled["tender"]["procurementMethod"] == "open"
    assert compiled["tender"]["procurementMethodDetails"].startswith("Tender, ")


def test_releases_written_late_equal_those_written_live(clock):
    """The backfill rebuilds each past state from the history (schedule changes undone,
    later addenda and results left out): its releases are the live ones."""
    s = scenario.published()
    releases_sync(tender=s.tender)
    clock.shift(dt.timedelta(hours=2))
    scenario.addendum(s)
    releases_sync(tender=s.tender)
    clock.shift(dt.timedelta(minutes=30))
    scenario.extend_upload(s)
    releases_sync(tender=s.tender)
    scenario.opened(s, clock)
    releases_sync(tender=s.tender)
    scenario.announced(s, clock)
    releases_sync(tender=s.tender)
    live = _releases(s.tender)
    history = load_history(tenders_for_history().get(pk=s.tender.pk))
    assert [release_for(history, event) for event in history.events] == live
    first = live[0]
    assert "amendments" not in first["tender"]
    assert "bids" not in first
    assert "awards" not in first
    assert first["tender"]["tenderPeriod"]["endDate"] != live[-1]["tender"]["tenderPeriod"][
        "endDate"], "the first release keeps the original upload deadline"


def test_a_reevaluation_cancels_the_award_and_a_new_one_follows(clock):
    """An upheld objection: the announced award stays in the record, cancelled; the
    re-evaluation's award is a new one; the releases written late equal the live ones."""
    s = scenario.published()
    releases_sync(tender=s.tender)
    scenario.opened(s, clock)
    releases_sync(tender=s.tender)
    scenario.announced(s, clock)
    releases_sync(tender=s.tender)
    first_winner = s.participants[1].vendor
    scenario.reevaluated(s, clock)
    written = releases_sync(tender=s.tender)
    reevaluation = s.tender.reevaluations.get()
    assert [(r.event, r.tags) for r in written] == [
        (f"schedule-change-{reevaluation.schedule_change_id}", ["tenderAmendment"]),
        ("reevaluation-2", ["awardCancellation"]),
        ("award-2", ["award"])]
    amendment = written[0].data["tender"]["amendments"][-1]
    assert scenario.REEVALUATION_REASON in amendment["rationale"]
    scenario.awarded(s, clock)
    releases_sync(tender=s.tender)
    tender = s.refresh()
    compiled = selectors.compiled_release(_releases(tender))
    current = snapshot(load_history(tenders_for_history().get(pk=tender.pk)))
    assert {k: v for k, v in compiled.items() if k not in {"tag", "id", "date", "ocid"}} \
        == current
    cancelled, active = compiled["awards"]
    assert (cancelled["id"], cancelled["status"]) == (f"{tender.code}-1", "cancelled")
    assert cancelled["suppliers"][0]["name"] == first_winner.name
    assert (active["id"], active["status"]) == (f"{tender.code}-2", "active")
    assert active["suppliers"][0]["name"] == s.participants[0].vendor.name
    assert active["value"]["amount"] == int(tender.award_letter.amount)
    statuses = {b["id"]: b["status"] for b in compiled["bids"]["details"]}
    assert statuses[f"bid-{s.participants[1].pk}"] == "disqualified"
    # Before the re-evaluation the withdrawn result was published with its own marks.
    live = _releases(tender)
    history = load_history(tenders_for_history().get(pk=tender.pk))
    assert [release_for(history, event) for event in history.events] == live
    first_award = next(r for r in live if r["id"].endswith("-award"))
    assert [a["suppliers"][0]["name"] for a in first_award["awards"]] == [first_winner.name]
    assert {b["id"]: b["status"] for b in first_award["bids"]["details"]}[
        f"bid-{s.participants[1].pk}"] == "valid"


def test_cancellation_and_failure_with_their_reasons_and_the_re_tender(clock):
    s = scenario.published()
    ppk = s.tender.package.ppk
    tender_services.tender_cancel(actor=ppk, tender=s.tender, reason="Anggaran dialihkan")
    releases_sync(tender=s.tender)
    assert _events(s.tender)[-1] == ("cancelled", ["tenderCancellation"])
    last = _releases(s.tender)[-1]
    assert last["tender"]["status"] == "cancelled"
    [reason] = [d for d in last["tender"]["documents"] if d["documentType"] ==
                "cancellationDetails"]
    assert reason["description"] == "Anggaran dialihkan"

    failed = scenario.published()
    scenario.opened(failed, clock)
    scenario.announced(failed, clock)
    tender_services.tender_fail(actor=failed.member, tender=failed.tender,
                                reason="Sanggah diterima")
    releases_sync(tender=failed.tender)
    assert _events(failed.tender)[-1] == ("failed", ["tenderUpdate", "awardCancellation"])
    last = _releases(failed.tender)[-1]
    assert last["tender"]["status"] == "unsuccessful"
    assert last["awards"][0]["status"] == "cancelled"

    retender = tender_services.tender_retender(actor=failed.member, tender=failed.tender)
    assert releases_sync(tender=retender) == [], "a draft is not published"
    clock.move_to(retender.created_at + dt.timedelta(minutes=1))
    from lpse.tenders.schedule import default_schedule
    from lpse.tenders.tests.factories import pdf_file

    tender_services.schedule_set(actor=failed.member, tender=retender,
                                 windows=default_schedule(retender.plan, clock_now()))
    source, name = pdf_file()
    tender_services.document_add(actor=failed.member, tender=retender, source=source,
                                 filename=name, title="Dokumen Pemilihan")
    tender_services.tender_publish(actor=failed.member, tender=retender)
    retender.refresh_from_db()
    written = releases_sync(tender=retender)
    assert [(r.ocid, r.event) for r in written] == [
        (ocds.ocid_for(retender.code), "tender"),
        (ocds.ocid_for(failed.tender.code), "replaced")]
    new = written[0].data["relatedProcesses"]
    old = written[1].data["relatedProcesses"]
    assert new == [{"id": "previous", "relationship": ["unsuccessfulProcess"],
                    "title": failed.tender.name, "scheme": "ocid",
                    "identifier": ocds.ocid_for(failed.tender.code),
                    "uri": ocds.absolute("api-ocds-record", ocds.ocid_for(failed.tender.code))}]
    assert old[0]["relationship"] == ["replacementProcess"]
    assert old[0]["identifier"] == ocds.ocid_for(retender.code)


def clock_now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def test_releases_are_immutable(clock):
    s = scenario.published()
    [release] = releases_sync(tender=s.tender)
    release.data = {}
    with pytest.raises(PermissionError):
        release.save()
    with pytest.raises(PermissionError):
        Release.objects.filter(pk=release.pk).update(tags=[])
    with pytest.raises(PermissionError):
        Release.objects.filter(pk=release.pk).delete()


def test_the_audit_log_drives_publication(clock, django_capture_on_commit_callbacks):
    """Publishing a tender enqueues the publisher on commit; it reads the audit log after
    its cursor and writes the releases."""
    with django_capture_on_commit_callbacks(execute=True):
        s = scenario.published()
    assert _events(s.tender) == [("tender", ["tender"])]
    cursor = PublishCursor.objects.get()
    assert cursor.last_seq == AuditEvent.objects.exclude(
        action="opendata.releases_published").order_by("-seq").first().seq or cursor.last_seq
    assert AuditEvent.objects.filter(action="opendata.releases_published").count() == 1
    # The periodic run finds nothing more to do, and advances over unrelated events.
    assert releases_publish_pending() == 0
    assert PublishCursor.objects.get().last_seq == AuditEvent.objects.order_by(
        "-seq").first().seq


def test_backfill_publishes_bulk_loaded_tenders_once(clock):
    scenario.published()
    scenario.published()
    result = releases_backfill()
    assert result == {"tenders": 2, "releases": 2}
    assert releases_backfill()["releases"] == 0
    assert PublishCursor.objects.get().last_seq >= AuditEvent.objects.filter(
        action__startswith="tenders.").order_by("-seq").first().seq
    assert AuditEvent.objects.filter(action="opendata.releases_backfilled").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_publishers_at_once_write_each_release_once(clock):
    from lpse.tenders.tests.conftest import _catalog_master_data  # noqa: F401

    s = scenario.published()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            barrier.wait()
            releases_sync(tender=Tender.objects.get(pk=s.tender.pk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Release.objects.filter(ocid=ocds.ocid_for(s.tender.code)).count() == 1
    assert ContractingProcess.objects.get().release_count == 1


def test_a_prequalification_publishes_its_qualification_then_its_selection_documents(clock):
    from lpse.tenders.models import TenderDocument
    from lpse.tenders.tests.factories import pdf_file

    s = scenario.published(prequalification=True, publish=False)
    s.tender.documents.filter(kind=TenderDocument.Kind.SELECTION).delete()
    tender_services.tender_publish(actor=s.member, tender=s.tender)
    assert [r.event for r in releases_sync(tender=s.refresh())] == ["tender"]
    clock.shift(dt.timedelta(hours=2))
    source, name = pdf_file("pemilihan.pdf")
    selection = tender_services.document_add(actor=s.member, tender=s.tender, source=source,
                                             filename=name, title="Dokumen Pemilihan")
    [release] = releases_sync(tender=s.tender)
    assert (release.event, release.tags) == (f"documents-{selection.version}", ["tenderUpdate"])
    types = {d["id"]: d["documentType"] for d in release.data["tender"]["documents"]}
    assert types == {"tender-notice": "tenderNotice",
                     "tender-documents-v1": "eligibilityCriteria",
                     f"tender-documents-v{selection.version}": "biddingDocuments"}
    live = _releases(s.tender)
    history = load_history(tenders_for_history().get(pk=s.tender.pk))
    assert [release_for(history, event) for event in history.events] == live
    assert "tender-documents-v2" not in {d["id"] for d in live[0]["tender"]["documents"]}
