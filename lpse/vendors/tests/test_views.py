"""Pages and API of the vendors app: forms, errors in the user's language, lists, files."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lpse.accounts.roles import Role
from lpse.accounts.services import api_token_create
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.testing.fixtures import login
from lpse.vendors import services
from lpse.vendors.models import (
    BlacklistEntry,
    EmailChangeRequest,
    RegistrationLink,
    Vendor,
    VerificationSession,
)
from lpse.vendors.services.registration import registration_token
from lpse.vendors.tests.factories import (
    EXE_BYTES,
    PDF_BYTES,
    approve,
    link_for,
    make_vendor,
    register,
    valid_nik,
    valid_npwp,
)

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    return login(client, user) if user is not None else client


def _form_post(**overrides):
    data = {
        "business_form": "cv", "name": "Karya Mandiri", "npwp": valid_npwp(),
        "nib": "9120123456789", "address": "Jl. Angkrek 3", "province": "Jawa Barat",
        "regency": "Sumedang", "postal_code": "45323", "phone": "0261 202020",
        "director_name": "Asep Sunandar", "director_position": "Direktur",
        "director_nik": valid_nik(), "establishment_number": "12",
        "establishment_date": "2015-03-09", "establishment_notary": "Notaris A, S.H.",
        "amendment_number": "", "amendment_date": "", "amendment_notary": "",
        "user_id": "karya.mandiri",
        "licences-TOTAL_FORMS": "3", "licences-INITIAL_FORMS": "0",
        "licences-MIN_NUM_FORMS": "1", "licences-MAX_NUM_FORMS": "10",
        "licences-0-kind": "nib", "licences-0-number": "9120123456789",
        "licences-0-issued_by": "OSS", "licences-0-valid_from": "", "licences-0-valid_until": "",
        "licences-1-kind": "", "licences-1-number": "", "licences-2-kind": "",
        "licences-2-number": "",
    }
    data.update(overrides)
    return data


def _upload(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


# --- Registration pages ------------------------------------------------------------------------


def test_register_page_gives_the_same_answer_for_known_and_unknown_addresses():
    vendor = make_vendor()
    client = _client()
    page = client.get("/vendors/register/")
    assert page.status_code == 200
    assert "E-mail perusahaan" in page.content.decode()
    known = client.post("/vendors/register/", {"email": vendor.email})
    unknown = client.post("/vendors/register/", {"email": "baru@karya.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/vendors/register/sent/"
    assert RegistrationLink.objects.filter(email="baru@karya.test").exists()
    assert not RegistrationLink.objects.filter(email=vendor.email).exists()


def test_register_page_limits_requests_per_ip(settings):
    settings.VENDOR_REGISTRATION_LIMIT_PER_IP = 2
    client = _client()
    for i in range(2):
        assert client.post("/vendors/register/", {"email": f"a{i}@x.test"}).status_code == 302
    response = client.post("/vendors/register/", {"email": "a3@x.test"})
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


@pytest.mark.parametrize(("make_token", "text"), [
    (lambda: "rusak", "tidak sah"),
    (lambda: registration_token(register().registration_link), "sudah digunakan"),
])
def test_unusable_links_explain_why(make_token, text):
    response = _client().get(f"/vendors/register/{make_token()}/")
    assert response.status_code == 400
    assert text in response.content.decode()


def test_registration_through_the_form_then_done_page_and_pdf(smtp):
    link = link_for("form@karya.test")
    client = _client()
    url = f"/vendors/register/{registration_token(link)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "form@karya.test" in page.content.decode()
    link.refresh_from_db()
    assert link.opened_at is not None
    response = client.post(url, {**_form_post(), "scan_ktp": _upload(PDF_BYTES, "ktp.pdf")})
    errors = re.findall(r"(?:invalid-feedback[^>]*>|alert-danger[^>]*>)([^<]*)",
                        response.content.decode())
    assert response.status_code == 302, errors
    vendor = Vendor.objects.get()
    done = client.get(response["Location"])
    body = done.content.decode()
    assert vendor.registration_number in body
    assert "karya.mandiri" in body
    pdf = client.get("/vendors/register/done/form.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert _client().get("/vendors/register/done/form.pdf").status_code == 404  # other session


def test_form_errors_are_shown_field_by_field_in_indonesian_and_nothing_is_saved():
    link = link_for("salah@karya.test")
    url = f"/vendors/register/{registration_token(link)}/"
    response = _client().post(url, {
        **_form_post(npwp="12.345", director_nik="12345", user_id="X!",
                     **{"licences-0-number": ""}),
        "scan_ktp": _upload(EXE_BYTES, "ktp.pdf"),
        "scan_npwp": _upload(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "npwp.pdf"),
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "NPWP harus terdiri dari 15 atau 16 digit" in html
    assert "NIK harus tepat 16 digit" in html
    assert "ID Pengguna" in html
    assert "Jenis berkas ini tidak diterima" in html
    assert "melebihi batas" in html
    assert 'aria-invalid="true"' in html
    assert not Vendor.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_duplicate_user_id_through_the_form():
    register(user_id="sudah.ada")
    link = link_for("dup@karya.test")
    response = _client().post(f"/vendors/register/{registration_token(link)}/",
                              _form_post(user_id="sudah.ada"))
    assert response.status_code == 200
    assert "ID Pengguna ini sudah dipakai" in response.content.decode()
    assert Vendor.objects.count() == 1


# --- Officers' pages -------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the caches (holidays, banners) first
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_queue_is_searchable_and_its_query_count_does_not_grow(django_assert_max_num_queries):
    verifier = make_user(Role.VERIFIER)
    vendors = [register(name=f"Queue Test {i}") for i in range(3)]
    client = _client(verifier)
    few = _queries(client, "/vendors/queue/")
    vendors += [register(name=f"Queue Test {i}") for i in range(3, 9)]
    assert _queries(client, "/vendors/queue/") == few
    with django_assert_max_num_queries(20):
        response = client.get("/vendors/queue/")
    for v in vendors:
        assert v.registration_number in response.content.decode()
    target = vendors[3]
    for query in (target.registration_number, target.registered_user_id, target.npwp[3:12],
                  "Queue Test 3"):
        html = client.get("/vendors/queue/", {"q": query}).content.decode()
        assert target.registration_number in html, query
        assert vendors[0].registration_number not in html, query


def test_list_query_counts_do_not_grow_with_the_rows(django_assert_max_num_queries):
    client = _client(make_user(Role.APPADMIN))

    def add_rows(n: int) -> None:
        for _ in range(n):
            vendor = make_vendor()
            services.email_change_file(vendor=vendor, actor=vendor.account,
                                       new_email=f"new-{vendor.pk}@x.test",
                                       statement=_upload(PDF_BYTES, "s.pdf"))
            services.blacklist_add(actor=make_user(Role.APPADMIN), company_name=vendor.name,
                                   npwp=vendor.npwp, nik="", source_reference="SK",
                                   starts_on=vendor.created_at.date(), ends_on=None)

    urls = ("/vendors/", "/vendors/email-changes/", "/vendors/blacklist/")
    add_rows(1)
    few = [_queries(client, url) for url in urls]
    add_rows(6)
    assert [_queries(client, url) for url in urls] == few
    with django_assert_max_num_queries(20):
        assert client.get("/vendors/").status_code == 200
    assert client.get("/vendors/", {"status": "active"}).status_code == 200


def test_desk_pages_open_check_correct_and_approve(smtp):
    verifier = make_user(Role.VERIFIER)
    vendor = register()
    client = _client(verifier)
    detail = client.get(f"/vendors/{vendor.pk}/")
    assert "Buka berkas" in detail.content.decode()
    response = client.post(f"/vendors/{vendor.pk}/verify/")
    session = VerificationSession.objects.get()
    assert response["Location"] == f"/vendors/verification/{session.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="timer"' in page
    client.post(f"/vendors/verification/{session.pk}/correct/",
                {"field": "phone", "value": "0261-777", "reason": "Nomor kantor baru"})
    vendor.refresh_from_db()
    assert vendor.phone == "0261-777"
    # Approving with an unticked checklist keeps the session open and says why.
    refused = client.post(f"/vendors/verification/{session.pk}/", {"outcome": "approved"})
    assert refused.status_code == 200
    assert "Belum lengkap" in refused.content.decode()
    ticks = {}
    for check in session.checks.all():
        ticks[f"seen_{check.item}"] = ticks[f"match_{check.item}"] = "on"
    done = client.post(f"/vendors/verification/{session.pk}/", {**ticks, "outcome": "approved"})
    assert done.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE
    page = client.get(done["Location"]).content.decode()
    assert "BAV/" in page
    assert client.post(f"/vendors/{vendor.pk}/resend-link/").status_code == 302


def test_scans_are_personal_data_and_every_view_is_audited():
    verifier = make_user(Role.VERIFIER)
    vendor = approve(register(scans={"ktp": _upload(PDF_BYTES, "ktp.pdf")}), verifier)
    scan = vendor.documents.get()
    url = f"/files/{scan.file_id}/"
    for user, status in ((vendor.account, 200), (verifier, 200),
                         (make_user(Role.APPADMIN), 200), (make_user(Role.HELPDESK), 404),
                         (make_user(Role.HEAD), 404), (make_vendor().account, 404)):
        assert _client(user).get(url).status_code == status, user
    assert AuditEvent.objects.filter(action="file.personal_data_viewed",
                                     object_id=str(scan.file_id)).count() == 3
    # The NIK is masked for officers without the personal-data permission.
    helpdesk_page = _client(make_user(Role.HELPDESK)).get(f"/vendors/{vendor.pk}/")
    assert vendor.director_nik not in helpdesk_page.content.decode()
    assert vendor.director_nik in _client(verifier).get(
        f"/vendors/{vendor.pk}/").content.decode()


def test_records_are_readable_by_the_vendor_and_officers_only():
    verifier = make_user(Role.VERIFIER)
    vendor = approve(register(), verifier)
    record = VerificationSession.objects.get(vendor=vendor).record
    url = f"/files/{record.file_id}/"
    assert _client(vendor.account).get(url).status_code == 200
    assert _client(make_user(Role.HELPDESK)).get(url).status_code == 200
    assert _client(make_vendor().account).get(url).status_code == 404
    assert _client(make_user(Role.PPK)).get(url).status_code == 404


def test_vendor_pages_profile_edit_and_export():
    vendor = approve(register(), make_user(Role.VERIFIER))
    client = _client(vendor.account)
    response = client.get("/vendors/me/")
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert vendor.registration_number in page
    assert vendor.director_nik in page
    response = client.post("/vendors/me/contact/", {
        "address": "Jl. Baru", "province": "Jawa Barat", "regency": "Sumedang",
        "postal_code": "", "phone": "0261-1"})
    assert response.status_code == 302
    response = client.post("/vendors/me/legal/", {
        "business_form": "cv", "name": vendor.name, "npwp": "123", "nib": vendor.nib,
        "director_name": vendor.director_name, "director_position": "Direktur",
        "director_nik": vendor.director_nik})
    assert "NPWP harus terdiri" in response.content.decode()
    export = client.get("/vendors/me/export/")
    assert export["Content-Type"] == "application/zip"
    assert _client(make_user(Role.APPADMIN)).get("/vendors/me/").status_code == 404


def test_email_change_pages_through_the_three_actors(smtp):
    vendor = approve(register(email="lama@x.test"), make_user(Role.VERIFIER))
    response = _client(vendor.account).post("/vendors/me/email-change/", {
        "new_email": "baru@x.test", "statement": _upload(PDF_BYTES, "surat.pdf"), "note": ""})
    change = EmailChangeRequest.objects.get()
    assert response["Location"] == f"/vendors/email-changes/{change.pk}/"
    verifier = _client(make_user(Role.VERIFIER))
    assert "Mulai pemeriksaan" in verifier.get(response["Location"]).content.decode()
    verifier.post(f"/vendors/email-changes/{change.pk}/check/")
    verifier.post(f"/vendors/email-changes/{change.pk}/verify/", {
        "statement_signed": "on", "ktp_original_seen": "on", "deed_seen": "on"})
    admin = _client(make_user(Role.APPADMIN))
    admin.post(f"/vendors/email-changes/{change.pk}/receive/")
    admin.post(f"/vendors/email-changes/{change.pk}/apply/")
    vendor.refresh_from_db()
    assert vendor.email == "baru@x.test"
    assert _client(make_vendor().account).get(response["Location"]).status_code == 404


def test_email_change_refused_for_the_address_keeps_the_statement(smtp):
    """The statement letter survives a refused address: the vendor does not attach it again,
    and the request filed afterwards holds that letter."""
    vendor = approve(register(email="lama@x.test"), make_user(Role.VERIFIER))
    client = _client(vendor.account)
    refused = client.post("/vendors/me/email-change/", {
        "new_email": "bukan-alamat", "statement": _upload(PDF_BYTES, "surat.pdf"), "note": ""})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Terlampir: surat.pdf" in page
    held = re.search(r'name="statement__held" value="([^"]+)"', page)
    assert held is not None
    assert not EmailChangeRequest.objects.exists()
    filed = client.post("/vendors/me/email-change/", {
        "new_email": "baru@x.test", "statement__held": held.group(1), "note": ""})
    change = EmailChangeRequest.objects.get()
    assert filed["Location"] == f"/vendors/email-changes/{change.pk}/"
    assert change.statement_letter.original_name == "surat.pdf"
    # Another vendor cannot use that reference.
    other = _client(approve(register(email="lain@x.test"), make_user(Role.VERIFIER)).account)
    again = other.post("/vendors/me/email-change/", {
        "new_email": "baru2@x.test", "statement__held": held.group(1), "note": ""})
    assert again.status_code == 200
    assert EmailChangeRequest.objects.count() == 1


def test_blacklist_pages():
    admin = make_user(Role.APPADMIN)
    client = _client(admin)
    vendor = make_vendor()
    response = client.post("/vendors/blacklist/new/", {
        "company_name": vendor.name, "npwp": "12", "nik": "", "source_reference": "SK 1",
        "starts_on": "2026-01-01", "ends_on": "", "notes": ""})
    assert "NPWP harus terdiri" in response.content.decode()
    response = client.post("/vendors/blacklist/new/", {
        "company_name": vendor.name, "npwp": vendor.npwp, "nik": vendor.director_nik,
        "source_reference": "SK 1", "starts_on": "2026-01-01", "ends_on": "", "notes": ""})
    assert response.status_code == 302
    entry = BlacklistEntry.objects.get()
    html = _client(make_user(Role.HELPDESK)).get("/vendors/blacklist/").content.decode()
    assert "SK 1" in html
    assert vendor.director_nik not in html  # masked without the personal-data permission
    assert vendor.director_nik in client.get("/vendors/blacklist/").content.decode()
    client.post(f"/vendors/blacklist/{entry.pk}/revoke/", {"reason": "Dicabut"})
    entry.refresh_from_db()
    assert entry.revoked_at is not None


def test_reports_and_csv_export():
    verifier = make_user(Role.VERIFIER)
    approve(register(), verifier)
    register()
    client = _client(make_user(Role.HEAD))
    page = client.get("/vendors/reports/")
    assert page.status_code == 200
    response = client.get("/vendors/reports/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "month"
    assert sum(int(r[1]) for r in rows[1:]) == 2  # registrations
    assert sum(int(r[2]) for r in rows[1:]) == 1  # verifications
    bad = client.get("/vendors/reports/export.csv", {"start": "2026-05-01",
                                                     "end": "2026-04-01"})
    assert bad.status_code == 400


# --- API ---------------------------------------------------------------------------------------


def test_api_own_status_and_verifier_queue():
    verifier = make_user(Role.VERIFIER)
    vendor = approve(register(), verifier)
    pending = register()
    with transaction.atomic():
        _token, key = api_token_create(user=vendor.account, name="test")
    me = Client().get("/api/v1/vendors/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert me.json()["status"] == "active"
    assert me.json()["may_participate"] is True
    queue = Client().get("/api/v1/vendors/queue/", HTTP_AUTHORIZATION=f"Token {key}")
    assert queue.status_code == 403
    with transaction.atomic():
        _token, verifier_key = api_token_create(user=verifier, name="desk")
    queue = Client().get("/api/v1/vendors/queue/",
                         HTTP_AUTHORIZATION=f"Token {verifier_key}").json()
    assert [row["registration_number"] for row in queue["results"]] == [
        pending.registration_number]
    assert queue["results"][0]["working_days_left"] >= 6
    not_vendor = Client().get("/api/v1/vendors/me/",
                              HTTP_AUTHORIZATION=f"Token {verifier_key}")
    assert not_vendor.status_code == 404


# --- Presentation: ids, times, numbers ---------------------------------------------------------


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_desk_forms_have_distinct_ids_and_labels_point_at_their_own_field(smtp):
    verifier = make_user(Role.VERIFIER)
    vendor = register()
    client = _client(verifier)
    client.post(f"/vendors/{vendor.pk}/verify/")
    session = VerificationSession.objects.get()
    html = client.get(f"/vendors/verification/{session.pk}/").content.decode()
    ids = _ids(html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    outcome = re.search(r'<label class="form-label" for="([^"]+)">Alasan/kekurangan dokumen', html)
    correction = re.search(r'<label class="form-label" for="([^"]+)">Alasan perbaikan', html)
    assert outcome is not None
    assert correction is not None
    assert outcome.group(1) != correction.group(1)
    assert re.search(rf'<textarea name="reason"[^>]* id="{outcome.group(1)}"', html)
    assert re.search(rf'<input type="text" name="reason"[^>]* id="{correction.group(1)}"', html)
    # The field names are unchanged: both forms still post "reason".
    client.post(f"/vendors/verification/{session.pk}/correct/",
                {"field": "phone", "value": "0261-888", "reason": "Nomor baru"})
    vendor.refresh_from_db()
    assert vendor.phone == "0261-888"
    done = client.post(f"/vendors/verification/{session.pk}/",
                       {"outcome": "incomplete", "reason": "Akta belum dibawa"})
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.reason == "Akta belum dibawa"


def test_queue_times_are_in_wib():
    from lpse.core.templatetags.lpse import wib

    vendor = register()
    html = _client(make_user(Role.VERIFIER)).get("/vendors/queue/").content.decode()
    assert wib(vendor.created_at) in html or wib(vendor.verification_deadline) in html
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d WIB", html)


def test_reports_show_a_zero_average_as_a_number():
    verifier = make_user(Role.VERIFIER)
    approve(register(), verifier)  # verified at once: 0 minutes
    html = _client(make_user(Role.HEAD)).get("/vendors/reports/").content.decode()
    rows = [re.findall(r"<td>([^<]*)</td>", row)
            for row in re.findall(r"<tr><td>\d\d-\d{4}</td>(.*?)</tr>", html, re.S)]
    verified = [cells for cells in rows if cells[1] == "1"]  # this month: one verification
    assert len(verified) == 1
    assert verified[0][5] == "0,0"  # average minutes, not "—"
    assert all(cells[5] == "—" for cells in rows if cells[1] == "0")  # no verification


@pytest.mark.parametrize("role", [Role.HEAD, Role.SYSADMIN, Role.AUDITOR])
def test_sop_report_links_of_vendor_cases_open_for_every_reader(role):
    from datetime import timedelta

    from django.db.models import F
    from django.utils import timezone

    from lpse.vendors.models import ProcedureStep

    verifier = make_user(Role.VERIFIER)
    for _ in range(2):
        approve(register(), verifier)
    # The desk service (1.2 step 9, 15–30 minutes) took 45 minutes: a breach, listed and linked.
    assert ProcedureStep.objects.filter(procedure="1.2", step=9, session__isnull=False).update(
        started_at=F("finished_at") - timedelta(minutes=45)) == 2
    today = timezone.localdate()
    client = _client(make_user(role))
    html = client.get("/operations/sop-report/", {"start": today.replace(day=1).isoformat(),
                                                  "end": today.isoformat()}).content.decode()
    links = set(re.findall(r'<a href="(/vendors/[^"]+)">', html))
    assert len(links) == 2
    assert not [link for link in links if link.startswith("/vendors/verification/")]
    for link in links:
        assert client.get(link).status_code == 200, link
