"""The HTTP side: raw-body segment upload, receipts and their verification (page, command,
offline script), the opening, opened documents, the LPSE case pages, diagnostics, API."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.bids import serverkeys
from lpse.bids.models import Bid, BidFile, BidSegment, Opening, UnopenableCase, UploadAttempt
from lpse.bids.tests.factories import (
    committed,
    in_opening,
    in_upload,
    open_envelope,
    passphrase_of,
    pdf_bytes,
    sealed_tender,
    upload_bid,
)
from lpse.core.testing.access import Access, check_matrix
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import join, make_vendor, window

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _upload_over_http(client: Client, tender: Any, data: bytes, name: str = "a.pdf",
                      amount: str = "900000000") -> dict[str, Any]:
    start = client.post(f"/bids/tender/{tender.code}/upload/").json()
    info = client.post(start["urls"]["files"], json.dumps(
        {"name": name, "size": len(data), "envelope": 1, "last_modified": 1}),
        content_type="application/json").json()
    response = client.put(f"{start['urls']['files']}{info['id']}/segments/0/", data,
                          content_type="application/octet-stream",
                          headers={"X-Segment-SHA256": hashlib.sha256(data).hexdigest()})
    assert response.status_code == 200, response.content
    done = client.post(f"{start['urls']['files']}{info['id']}/complete/", json.dumps(
        {"sha256": hashlib.sha256(data).hexdigest(),
         "md5": hashlib.md5(data, usedforsecurity=False).hexdigest()}),
        content_type="application/json")
    assert done.status_code == 200, done.content
    with committed():
        submitted = client.post(start["urls"]["submit"], json.dumps({"offer_amount": amount}),
                                content_type="application/json",
                                headers={"Accept": "application/json"})
    assert submitted.status_code == 200, submitted.content
    return dict(submitted.json())


def _participant_client(clock: Any, client_for: Any) -> tuple[Any, Any, Client]:
    """A sealed tender in its upload stage, a vendor that joined it, and its logged-in
    client."""
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    vendor = make_vendor()
    join(tender, vendor)
    return tender, vendor, client_for(vendor.account)


def test_access_matrix(users_by_role: Any, client_for: Any) -> None:
    everyone = set(Role)
    check_matrix([
        Access("/bids/receipt-key/", allowed=everyone, public=True),
        Access("/bids/receipts/verify/", allowed=everyone, public=True),
        Access("/bids/opening-key/", allowed={Role.COMMITTEE, Role.PROCUREMENT_OFFICER},
               denied=403),
        Access("/bids/cases/", allowed={Role.HEAD, Role.HELPDESK, Role.SYSADMIN, Role.APPADMIN,
                                        Role.AUDITOR, Role.COMMITTEE,
                                        Role.PROCUREMENT_OFFICER}, denied=403),
        Access("/bids/upload-attempts/", allowed={Role.HELPDESK, Role.SYSADMIN, Role.APPADMIN,
                                                  Role.AUDITOR}, denied=403),
    ], users_by_role, client_for)


def test_upload_receipt_and_verification(clock: Any, client_for: Any, tmp_path: Path) -> None:
    tender, _vendor, client = _participant_client(clock, client_for)
    page = client.get(f"/bids/tender/{tender.code}/")
    assert page.status_code == 200
    assert b"countdown" in page.content
    data = pdf_bytes(size=30_000)
    result = _upload_over_http(client, tender, data)
    bid = Bid.objects.get(status=Bid.Status.SUBMITTED)
    assert result["audit_seq"] == bid.receipt.audit_seq
    assert set(UploadAttempt.objects.filter(ok=True).values_list("action", flat=True)) == {
        "start", "declare", "segment", "complete", "submit"}
    # The receipt as the vendor downloads it.
    raw = client.get(result["receipt"]).content
    receipt = json.loads(raw)
    assert receipt["receipt"]["envelopes"][0]["files"][0]["sha256"] == \
        hashlib.sha256(data).hexdigest()
    # The public verification page: valid, then an altered copy is refused with the reason.
    anonymous = Client()
    answer = anonymous.post("/bids/receipts/verify/", {
        "receipt": SimpleUploadedFile("r.json", raw, "application/json")})
    assert "Valid" in answer.content.decode() or "Sah" in answer.content.decode()
    altered = json.loads(raw)
    altered["receipt"]["envelopes"][0]["files"][0]["size"] += 1
    altered_raw = json.dumps(altered).encode()
    answer = anonymous.post("/bids/receipts/verify/", {
        "receipt": SimpleUploadedFile("r.json", altered_raw, "application/json")})
    assert answer.context["result"].valid is False
    assert "altered" in " ".join(answer.context["result"].reasons) or \
        "diubah" in " ".join(answer.context["result"].reasons)
    # The management command: exit 0 valid, non-zero otherwise.
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(raw)
    bad.write_bytes(altered_raw)
    call_command("verify_receipt", str(good))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_receipt", str(bad))
    assert exit_info.value.code == 1
    # The single-file offline script, with the published key (PEM).
    pem = tmp_path / "key.pem"
    pem.write_text(Client().get("/bids/receipt-key/?format=pem").content.decode())
    script = str(ROOT / "tools" / "verify_receipt.py")
    ok = subprocess.run([sys.executable, script, str(good), "--key", str(pem)],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "VALID" in ok.stdout
    ko = subprocess.run([sys.executable, script, str(bad), "--key", str(pem)],
                        capture_output=True, text=True, check=False)
    assert ko.returncode == 1
    assert "altered" in ko.stdout
    # A receipt signed by another key is refused (the script with the right key).
    other = tmp_path / "other.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    wrong = subprocess.run([sys.executable, script, str(good), "--key", str(other)],
                           capture_output=True, text=True, check=False)
    assert wrong.returncode == 1
    assert "another key" in wrong.stdout
    # The API says the same.
    api = anonymous.post("/api/v1/bids/receipts/verify/", raw, content_type="application/json")
    assert api.json()["valid"] is True
    assert api.json()["on_record"] is True
    key = anonymous.get("/api/v1/bids/receipt-key/").json()
    assert key["key_id"] == serverkeys.key_id()


def test_segment_after_deadline_over_http(clock: Any, client_for: Any) -> None:
    tender, vendor, client = _participant_client(clock, client_for)
    start = client.post(f"/bids/tender/{tender.code}/upload/").json()
    data = pdf_bytes()
    info = client.post(start["urls"]["files"], json.dumps(
        {"name": "a.pdf", "size": len(data), "envelope": 1}),
        content_type="application/json").json()
    clock.move_to(window(tender, StageCode.UPLOAD).ends_at + timedelta(seconds=1))
    client = client_for(vendor.account)  # a fresh session (the idle timeout has passed)
    response = client.put(f"{start['urls']['files']}{info['id']}/segments/0/", data,
                          content_type="application/octet-stream")
    assert response.status_code == 409
    assert response.json()["stage"] == "deadline"
    assert not BidSegment.objects.exists()
    attempt = UploadAttempt.objects.get(action="segment")
    assert (attempt.ok, attempt.stage, attempt.code) == (False, "deadline", "deadline_passed")
    assert attempt.bytes_expected == len(data)
    assert attempt.file_name == "a.pdf"
    # A wrong length is a validation error, recorded too.
    clock.move_to(in_upload(tender))
    client = client_for(vendor.account)
    response = client.put(f"{start['urls']['files']}{info['id']}/segments/0/", data[:10],
                          content_type="application/octet-stream")
    assert response.status_code == 400
    # Another vendor cannot write into this bid.
    intruder = client_for(make_vendor().account)
    response = intruder.put(f"{start['urls']['files']}{info['id']}/segments/0/", data,
                            content_type="application/octet-stream")
    assert response.status_code == 404


def test_last_segment_completes_the_file(clock: Any, client_for: Any, settings: Any) -> None:
    """The last segment carries the whole file's hashes and completes the file in the same
    request; hashes on an earlier segment are ignored; wrong ones leave the segment stored
    and the file open, and the explicit `complete` call then says why."""
    settings.BIDS_SEGMENT_BYTES = 64 * 1024
    tender, _vendor, client = _participant_client(clock, client_for)
    start = client.post(f"/bids/tender/{tender.code}/upload/").json()
    base = start["urls"]["files"]

    def declare(data: bytes, name: str) -> dict[str, Any]:
        return dict(client.post(base, json.dumps({"name": name, "size": len(data),
                                                  "envelope": 1}),
                                content_type="application/json").json())

    def put(info: dict[str, Any], index: int, data: bytes, whole: bytes) -> Any:
        piece = data[index * 65536:(index + 1) * 65536]
        return client.put(f"{base}{info['id']}/segments/{index}/", piece,
                          content_type="application/octet-stream", headers={
                              "X-Segment-SHA256": hashlib.sha256(piece).hexdigest(),
                              "X-File-SHA256": hashlib.sha256(whole).hexdigest(),
                              "X-File-MD5": hashlib.md5(whole, usedforsecurity=False)
                              .hexdigest()})

    data = pdf_bytes(size=150_000)  # three segments
    info = declare(data, "a.pdf")
    assert info["segment_count"] == 3
    for index in range(2):
        answer = put(info, index, data, data)
        assert answer.status_code == 200
        assert answer.json()["file_status"] == "uploading"
    answer = put(info, 2, data, data)
    assert answer.status_code == 200, answer.content
    assert answer.json()["file_status"] == "complete"
    file = BidFile.objects.get(uuid=info["id"])
    assert file.status == BidFile.Status.COMPLETE
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert UploadAttempt.objects.filter(action="complete", ok=True, file=file).count() == 1
    # A retry of the last segment (its answer lost) is still a success.
    again = put(info, 2, data, data)
    assert again.status_code == 200
    assert again.json()["file_status"] == "complete"

    # Wrong whole-file hashes: the segment is kept, the file stays open.
    other = pdf_bytes(size=40_000)
    info = declare(other, "b.pdf")
    answer = put(info, 0, other, b"something else")
    assert answer.status_code == 200
    body = answer.json()
    assert body["file_status"] == "uploading"
    assert "SHA-256" in body["complete_error"]
    assert BidSegment.objects.filter(file__uuid=info["id"]).count() == 1
    failed = UploadAttempt.objects.get(action="complete", ok=False)
    assert (failed.stage, failed.code) == ("integrity", "file_hash")
    done = client.post(f"{base}{info['id']}/complete/", json.dumps(
        {"sha256": hashlib.sha256(other).hexdigest(),
         "md5": hashlib.md5(other, usedforsecurity=False).hexdigest()}),
        content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "complete"
    with committed():
        submitted = client.post(start["urls"]["submit"], json.dumps(
            {"offer_amount": "900000000"}), content_type="application/json",
            headers={"Accept": "application/json"})
    assert submitted.status_code == 200, submitted.content
    receipt = Bid.objects.get(status=Bid.Status.SUBMITTED).receipt.document["receipt"]
    assert [f["name"] for f in receipt["envelopes"][0]["files"]] == ["a.pdf", "b.pdf"]
    assert len(receipt["envelopes"][0]["files"][0]["sealed"]["segments"]) == 3


def test_bid_page_lists_earlier_submissions_apart_from_the_current(
        clock: Any, client_for: Any) -> None:
    tender, _vendor, client = _participant_client(clock, client_for)
    _upload_over_http(client, tender, pdf_bytes(), amount="900000000")
    assert list(client.get(f"/bids/tender/{tender.code}/").context["history"]) == []
    _upload_over_http(client, tender, pdf_bytes(size=4000), amount="800000000")
    page = client.get(f"/bids/tender/{tender.code}/")
    current = page.context["current"]
    assert current.status == Bid.Status.SUBMITTED
    assert [b.status for b in page.context["history"]] == [Bid.Status.SUPERSEDED]
    assert current not in page.context["history"]


def test_opening_pages_and_opened_documents(clock: Any, client_for: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    data = pdf_bytes(author="Budi", size=20_000)
    upload_bid(tender, files={"teknis.pdf": data})
    members = tender.committee.member_users()
    clock.move_to(in_opening(tender))
    first = client_for(members[0])
    page = first.get(f"/bids/opening/{tender.pk}/")
    assert page.status_code == 200
    response = first.post(f"/bids/opening/{tender.pk}/envelope/1/unlock/",
                          {"passphrase": passphrase_of(members[0])})
    assert response.status_code == 302
    second = client_for(members[1])
    with committed():
        second.post(f"/bids/opening/{tender.pk}/envelope/1/unlock/",
                    {"passphrase": passphrase_of(members[1])})
    assert Opening.objects.get().status == Opening.Status.DONE
    file = BidFile.objects.get()
    url = f"/bids/opened/{file.uuid}/"
    body = b"".join(first.get(url).streaming_content)
    assert body == data
    assert AuditEvent.objects.filter(action="bids.document_viewed").count() == 1
    auditor = client_for(make_user(Role.AUDITOR))
    assert b"".join(auditor.get(url).streaming_content) == data
    assert auditor.get(f"/bids/opening/{tender.pk}/").status_code == 200
    for outsider in (make_user(Role.COMMITTEE), make_user(Role.HEAD),
                     file.bid.participant.vendor.account):
        assert client_for(outsider).get(url).status_code == 404
    # The API: the committee and the auditor see the results; a vendor does not.
    api = auditor.get(f"/api/v1/bids/tenders/{tender.code}/").json()
    assert api[0]["files"][0]["result"] == "ok"
    assert client_for(file.bid.participant.vendor.account).get(
        f"/api/v1/bids/tenders/{tender.code}/").status_code == 404
    # The tender pages show the fingerprint and link to the opening.
    public = Client().get(f"/tenders/{tender.code}/").content.decode()
    assert tender.bid_keys.get().fingerprint in public
    workspace = first.get(f"/tenders/workspace/{tender.pk}/").content.decode()
    assert f"/bids/opening/{tender.pk}/" in workspace


def test_case_flow_over_http(clock: Any, client_for: Any, smtp: Any, settings: Any) -> None:
    settings.BIDS_LKPP_EMAIL = "helpdesk@lkpp.test"
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    bid = upload_bid(tender, files={"rusak.pdf": pdf_bytes()}).bid
    segment = BidSegment.objects.get()
    path = Path(settings.MEDIA_ROOT, segment.storage_name)
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    path.write_bytes(bytes(raw))
    clock.move_to(in_opening(tender))
    open_envelope(tender)
    member_user = tender.committee.member_users()[0]
    member = client_for(member_user)
    admin = make_user(Role.APPADMIN)
    file = BidFile.objects.get()
    with committed():
        response = member.post(f"/bids/opening/{tender.pk}/cases/{bid.uuid}/new/",
                               {"bid_files": [file.pk], "description": "File tidak bisa dibuka."})
    case = UnopenableCase.objects.get()
    assert response.status_code == 302
    assert case.request_letter is not None
    admin_client = client_for(admin)
    assert smtp.to(admin.email)
    with committed():
        admin_client.post(f"/bids/cases/{case.pk}/examine/")
        admin_client.post(f"/bids/cases/{case.pk}/conclude/", {
            "outcome": "unreadable", "finding": "Berkas rusak: autentikasi gagal."})
        admin_client.post(f"/bids/cases/{case.pk}/witness/")
        admin_client.post(f"/bids/cases/{case.pk}/prepare/")
        admin_client.post(f"/bids/cases/{case.pk}/forward/")
    case.refresh_from_db()
    assert case.status == UnopenableCase.Status.FORWARDED
    assert case.diagnostics["files"][0]["decrypts"] is False
    assert smtp.to("helpdesk@lkpp.test")
    # The committee cannot run the case's LPSE steps.
    assert member.post(f"/bids/cases/{case.pk}/examine/").status_code == 302
    assert case.examiner == admin
    # The SOP report (lpse.operations) reads the step timings of Lampiran III 3.2.
    from lpse.operations.hooks import Period, sop_source

    period = Period(case.filed_at - timedelta(days=1), case.filed_at + timedelta(days=1))
    for step, actor in (("1", member_user.username), ("2", admin.username),
                        ("3", admin.username)):
        source = sop_source("3.2", step)
        assert source is not None
        cases = source(period)
        assert [c.actor for c in cases] == [actor]
        assert cases[0].finished_at >= cases[0].started_at


def test_list_query_counts(clock: Any, client_for: Any,
                           django_assert_max_num_queries: Any) -> None:
    tender = sealed_tender()
    clock.move_to(in_upload(tender))
    for _ in range(3):
        vendor = make_vendor()
        join(tender, vendor)
        _upload_over_http(client_for(vendor.account), tender, pdf_bytes())
    helpdesk = client_for(make_user(Role.HELPDESK))
    with django_assert_max_num_queries(12):
        assert helpdesk.get("/bids/upload-attempts/").status_code == 200
    assert helpdesk.get("/bids/upload-attempts/?q=penawaran").status_code == 200
    head = client_for(make_user(Role.HEAD))
    with django_assert_max_num_queries(12):
        assert head.get("/bids/cases/").status_code == 200
    api = helpdesk.get("/api/v1/bids/upload-attempts/?failed=0").json()
    assert len(api) == 3 * 5
    assert client_for(make_vendor().account).get(
        "/api/v1/bids/upload-attempts/").status_code == 403


def test_opening_key_page(client_for: Any) -> None:
    member = make_user(Role.COMMITTEE)
    client = client_for(member)
    phrase = "lampu merah sawah hijau 42"
    response = client.post("/bids/opening-key/", {"action": "enrol", "enrol-passphrase": phrase,
                                                  "enrol-passphrase_again": phrase})
    assert response.status_code == 302
    assert member.opening_keys.filter(revoked_at__isnull=True).exists()
    response = client.post("/bids/opening-key/", {
        "action": "change", "change-passphrase": "wrong passphrase here",
        "change-new_passphrase": "x", "change-new_passphrase_again": "x"})
    assert response.status_code == 200
    assert response.context["change_form"].errors
    assert settings.BIDS_ARGON2_MEMORY_KIB > 0


def test_bench_ceilings_only_when_enabled(settings: Any, tmp_path: Path) -> None:
    """The benchmark's two ceilings (raw bytes to disk; bytes sealed as a segment is) answer
    only with BIDS_BENCH_ENDPOINTS; the raw one only writes the bytes (no hashing: it is the
    ceiling), the sealed one hashes as a segment does; both keep what they wrote, on disk
    as a bid's segments are (the benchmark clears them after each phase)."""
    body = pdf_bytes(size=300_000)
    client = Client()
    settings.BIDS_BENCH_ENDPOINTS = False
    for name in ("raw", "sealed"):
        response = client.put(f"/bids/bench/{name}-upload/", body, "application/octet-stream")
        assert response.status_code == 404
    settings.BIDS_BENCH_ENDPOINTS = True
    settings.BIDS_SPOOL_DIR = tmp_path / "spool"
    raw = client.put("/bids/bench/raw-upload/", body, "application/octet-stream")
    assert raw.status_code == 200
    assert raw.json() == {"received": len(body)}
    response = client.put("/bids/bench/sealed-upload/", body, "application/octet-stream")
    assert response.status_code == 200
    answer = response.json()
    assert answer["received"] == len(body)
    assert answer["sha256"] == hashlib.sha256(body).hexdigest()
    assert len(answer["sealed_sha256"]) == 64
    assert answer["sealed_sha256"] != answer["sha256"]
    kept = list((tmp_path / "spool").iterdir())
    assert [p.name.startswith("bench-raw-") for p in kept] == [True]
    assert kept[0].read_bytes() == body
    sealed = list(Path(settings.MEDIA_ROOT, "bench").iterdir())
    assert len(sealed) == 1
    assert hashlib.sha256(sealed[0].read_bytes()).hexdigest() == answer["sealed_sha256"]
