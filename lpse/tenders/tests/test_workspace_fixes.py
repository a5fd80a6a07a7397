"""Fixes from QA on the committee's and PPK's pages: a duplicate RUP code, the schedule on a
phone and before it is set, the documents form (addendum reason, held file), stage-bound
winner actions, technical weights of price-only methods, ended tenders in the workspace
list and header, and the home page's latest tenders on a phone.

Pages are read in English (`lpse_language` cookie): the new strings are not translated yet."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from lpse.catalog.models import EvaluationMethod, QualificationType
from lpse.core.testing.fixtures import browser_login
from lpse.tenders import services
from lpse.tenders.models import Package, Tender, TenderDocument
from lpse.tenders.schedule import default_schedule
from lpse.tenders.stages import StageCode, plan_for
from lpse.tenders.tests.factories import (
    PDF_BYTES,
    committee_member,
    inside,
    make_package,
    make_tender,
    pdf_file,
)

DB = pytest.mark.django_db


def _english(client):
    client.cookies["lpse_language"] = "en"
    return client


# --- 1. RUP code unique per year --------------------------------------------------------------


def _package_data(package: Package, **changes):
    data = {"name": "Rehabilitasi Jalan Ruas Lain", "category": package.category_id,
            "method": package.method_id, "fiscal_year": package.fiscal_year,
            "funding_source": package.funding_source_id, "budget_ceiling": "500000000",
            "owner_estimate": "450000000", "location": "Kecamatan Tanjungsari",
            "rup_code": package.rup_code}
    data.update(changes)
    return data


@DB
def test_a_rup_code_used_this_year_is_a_clear_field_error(clock, client_for):
    first = make_package(rup_code="41203377", hand_over=False)
    client = _english(client_for(first.ppk))
    response = client.post(reverse("tenders:package_create"), _package_data(first))
    assert response.status_code == 200
    body = response.content.decode()
    assert "package_rup_code_unique_per_year" not in body
    assert response.context["form"].errors["rup_code"] == [
        "Another package of this fiscal year already has this RUP code."]
    assert Package.objects.count() == 1
    # Another year, or the package keeping its own code when edited: accepted.
    other_year = client.post(reverse("tenders:package_create"), _package_data(
        first, fiscal_year=first.fiscal_year + 1))
    assert other_year.status_code == 302
    with translation.override("en"):
        services.package_update(actor=first.ppk, package=first, name="Nama baru",
                                rup_code="41203377")


@DB
def test_the_package_constraints_speak_to_the_user(clock):
    first = make_package(rup_code="41203377", hand_over=False)
    twin = Package(name="x", agency=first.agency, category=first.category, method=first.method,
                   fiscal_year=first.fiscal_year, funding_source=first.funding_source,
                   budget_ceiling=Decimal(0), owner_estimate=Decimal(0), location="x",
                   rup_code="41203377", ppk=first.ppk)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        twin.validate_constraints()
    messages = " ".join(caught.value.messages)
    assert "Constraint" not in messages
    assert "already has this RUP code" in messages
    assert "budget ceiling (pagu) must be more than zero" in messages
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.package_create(
            actor=first.ppk, name="x", category=first.category, method=first.method,
            fiscal_year=first.fiscal_year, funding_source=first.funding_source,
            budget_ceiling=Decimal(0), owner_estimate=Decimal(0), location="x")
    assert set(caught.value.message_dict) == {"budget_ceiling", "owner_estimate"}


# --- 2. Schedule ------------------------------------------------------------------------------


@DB
def test_a_new_tender_says_its_schedule_is_not_set(clock, client_for):
    package = make_package()
    member = package.committee.member_users()[0]
    tender = services.tender_create(actor=member, package=package)
    page = _english(client_for(member)).get(
        reverse("tenders:workspace", args=[tender.pk])).content.decode()
    assert 'data-testid="schedule-empty"' in page
    assert "The schedule has not been set yet." in page


# --- 3. Documents -----------------------------------------------------------------------------


@DB
def test_the_addendum_reason_is_asked_only_for_an_addendum(clock, client_for):
    draft = make_tender(publish=False)
    member = _english(client_for(committee_member(draft)))
    response = member.get(reverse("tenders:workspace", args=[draft.pk]))
    form = response.context["document_form"]
    assert "reason" not in form.fields
    assert "Publish the addendum" not in response.content.decode()

    published = make_tender()
    member = _english(client_for(committee_member(published)))
    response = member.get(reverse("tenders:workspace", args=[published.pk]))
    form = response.context["document_form"]
    assert form.is_addendum
    assert form.fields["reason"].required
    assert "Publish the addendum" in response.content.decode()


@DB
def test_a_refused_addendum_keeps_the_file_without_asking_the_browser_for_it(clock,
                                                                             client_for):
    tender = make_tender()
    member = _english(client_for(committee_member(tender)))
    url = reverse("tenders:document_upload", args=[tender.pk])
    refused = member.post(url, {"title": "Addendum I", "reason": "  ",
                                "file": SimpleUploadedFile("Addendum-I.pdf", PDF_BYTES)})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "An addendum needs its reason." in body
    assert "Addendum-I.pdf" in body
    file_input = re.search(r'<input[^>]*type="file"[^>]*>', body).group(0)
    assert "required" not in file_input, "the held file is used: the browser must not ask"
    held = refused.context["document_form"]["file__held"].value()
    done = member.post(url, {"title": "Addendum I", "reason": "Perubahan spesifikasi",
                             "file__held": held})
    assert done.status_code == 302
    assert tender.documents.get(version=2).is_addendum


@DB
def test_a_prequalifications_first_selection_documents_need_no_reason(clock, client_for):
    package = make_package()
    member = package.committee.member_users()[0]
    tender = services.tender_create(actor=member, package=package)
    services.tender_update_settings(
        actor=member, tender=tender, name=tender.name,
        qualification=QualificationType.objects.get(code="prakualifikasi"),
        file_method=tender.file_method, evaluation_method=tender.evaluation_method,
        requirements="")
    services.schedule_set(actor=member, tender=tender, windows=default_schedule(
        plan_for(package.method.code, prequalification=True), timezone.now()))
    source, name = pdf_file("kualifikasi.pdf")
    services.document_add(actor=member, tender=tender, source=source, filename=name,
                          title="Dokumen Kualifikasi", kind=TenderDocument.Kind.QUALIFICATION)
    services.tender_publish(actor=member, tender=tender)
    client = _english(client_for(member))
    response = client.get(reverse("tenders:workspace", args=[tender.pk]))
    form = response.context["document_form"]
    assert not form.is_addendum
    assert not form.fields["reason"].required
    assert "Only for an addendum" in response.content.decode()
    done = client.post(reverse("tenders:document_upload", args=[tender.pk]), {
        "kind": TenderDocument.Kind.SELECTION, "title": "Dokumen Pemilihan", "reason": "",
        "file": SimpleUploadedFile("pemilihan.pdf", PDF_BYTES)})
    assert done.status_code == 302
    assert not tender.documents.get(kind=TenderDocument.Kind.SELECTION).is_addendum


# --- 4. Stage-bound winner actions ------------------------------------------------------------


@DB
def test_winner_actions_wait_for_their_stage_and_say_when(clock, client_for):
    from lpse.core.templatetags.lpse import wib
    from lpse.tenders.tests.test_services import _opened, _pass_all

    tender, _participants, member = _opened(clock, ["900000000", "850000000"])
    _pass_all(member, tender)
    client = _english(client_for(member))
    workspace = reverse("tenders:workspace", args=[tender.pk])
    page = client.get(workspace).content.decode()
    assert reverse("tenders:winner_set", args=[tender.pk]) not in page
    decision = tender.stage_window(StageCode.WINNER_DECISION)
    assert (f"Available from {wib(decision.starts_at)}, in the winner determination stage."
            in page)
    assert re.search(r"<button[^>]*disabled[^>]*>Determine the winner and reserves", page)

    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    client = _english(client_for(member))  # a later day, a new session
    assert reverse("tenders:winner_set", args=[tender.pk]) in client.get(
        workspace).content.decode()
    services.tender_winner_set(actor=member, tender=tender)
    services.evaluation_minutes_issue(actor=member, tender=tender)
    page = client.get(workspace).content.decode()
    assert reverse("tenders:winner_announce", args=[tender.pk]) not in page
    announcement = tender.stage_window(StageCode.WINNER_ANNOUNCEMENT)
    assert (f"Available from {wib(announcement.starts_at)}, in the winner announcement stage."
            in page)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    client = _english(client_for(member))
    page = client.get(workspace).content.decode()
    assert reverse("tenders:winner_announce", args=[tender.pk]) in page
    assert 'data-testid="winner-announce-opens"' not in page


# --- 5. Technical weight and passing score ----------------------------------------------------


@DB
def test_a_price_only_method_refuses_a_technical_weight(clock, client_for):
    tender = make_tender(publish=False)
    member = committee_member(tender)
    lowest = EvaluationMethod.objects.get(code="harga_terendah")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.tender_update_settings(
            actor=member, tender=tender, name=tender.name, qualification=tender.qualification,
            file_method=tender.file_method, evaluation_method=lowest, requirements="",
            technical_weight=Decimal(30), technical_threshold=Decimal(60))
    errors = caught.value.message_dict
    assert "does not weigh the technical score" in errors["technical_weight"][0]
    assert "does not score the technical proposal" in errors["technical_threshold"][0]

    client = _english(client_for(member))
    response = client.post(reverse("tenders:settings", args=[tender.pk]), {
        "name": tender.name, "qualification": tender.qualification_id,
        "file_method": tender.file_method_id, "evaluation_method": lowest.pk,
        "technical_weight": "30", "requirements": ""})
    assert response.status_code == 200
    assert ("“Lowest price (pass/fail)” does not weigh the technical score against the price: "
            "leave the technical weight empty.") in response.content.decode()
    tender.refresh_from_db()
    assert tender.technical_weight is None
    # Without the weight it is saved.
    assert client.post(reverse("tenders:settings", args=[tender.pk]), {
        "name": tender.name, "qualification": tender.qualification_id,
        "file_method": tender.file_method_id, "evaluation_method": lowest.pk,
        "requirements": ""}).status_code == 302


# --- 6. Ended tenders in the workspace list and header ----------------------------------------


@DB
def test_tenders_not_running_show_their_status_and_no_upload_deadline(clock, client_for):
    running = make_tender(name="Berjalan")
    member = committee_member(running)
    committee = running.committee
    failed = make_tender(name="Gagal", package=make_package(ppk=running.package.ppk,
                                                           committee=committee))
    cancelled = make_tender(name="Batal", package=make_package(ppk=running.package.ppk,
                                                              committee=committee))
    draft = make_tender(name="Draf", publish=False, package=make_package(
        ppk=running.package.ppk, committee=committee))
    with translation.override("en"):
        services.tender_fail(actor=member, tender=failed, reason="Tidak ada penawaran")
        services.tender_cancel(actor=failed.package.ppk, tender=cancelled, reason="Refocusing")
    clock.move_to(inside(running, StageCode.ANNOUNCEMENT, minutes=30))
    client = _english(client_for(member))
    table = client.get(reverse("tenders:workspace_list")).context["table"]
    cells = {row.record.pk: (str(row.get_cell("stage")), str(row.get_cell("upload_ends_at")))
             for row in table.rows}
    assert cells[running.pk][0] == "Announcement"
    assert cells[running.pk][1].endswith("WIB")
    for tender, status in ((failed, "Failed"), (cancelled, "Cancelled"), (draft, "Draft")):
        stage, deadline = cells[tender.pk]
        assert status in stage, (tender.name, stage)
        assert deadline == "—", (tender.name, deadline)
    header = client.get(reverse("tenders:workspace", args=[failed.pk])).content.decode()
    assert 'data-testid="stage"' not in header
    header = client.get(reverse("tenders:workspace", args=[running.pk])).content.decode()
    assert 'data-testid="stage"' in header


# --- 7. Latest tenders on the home page -------------------------------------------------------


@DB
def test_latest_tenders_keep_rp_with_the_amount_and_let_the_stage_wrap(clock, client):
    tender = make_tender()
    clock.move_to(inside(tender, StageCode.AWARD_LETTER))
    body = client.get("/").content.decode()
    stage = re.search(r'<span class="([^"]*)" data-testid="latest-stage">([^<]*)<', body)
    assert stage is not None
    assert "text-nowrap" not in stage.group(1)
    assert stage.group(2).strip()
    assert '<span class="text-nowrap">Rp 950.000.000</span>' in body


# --- Browser: phones (390 px) and the held file ----------------------------------------------


def _scroll_width(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_schedule_and_home_fit_a_phone(new_page, clock):
    published = make_tender(name="Pembangunan Jembatan Gantung Desa Cibeureum Kecamatan "
                                 "Cimalaka Tahap Dua")
    draft = make_tender(publish=False, package=make_package(
        ppk=published.package.ppk, committee=published.committee))
    page = new_page()
    browser_login(page, committee_member(published).username)
    page.set_viewport_size({"width": 390, "height": 800})
    for tender in (published, draft):
        page.goto(f"/tenders/workspace/{tender.pk}/schedule/")
        assert _scroll_width(page) <= 390, tender.status
    clock.move_to(inside(published, StageCode.AWARD_LETTER))
    home = new_page()
    home.set_viewport_size({"width": 390, "height": 800})
    home.goto("/")
    assert home.get_by_test_id("latest-stage").first.inner_text().strip()
    assert _scroll_width(home) <= 390
    amount = home.locator("span.text-nowrap", has_text="Rp 950.000.000").first
    assert amount.evaluate("e => e.getClientRects().length") == 1, "Rp wraps from the amount"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_refused_addendum_is_sent_again_without_choosing_the_file(new_page, clock,
                                                                         tmp_path):
    tender = make_tender()
    page = new_page()
    browser_login(page, committee_member(tender).username)
    page.goto(f"/tenders/workspace/{tender.pk}/#documents")
    pdf = tmp_path / "Adendum-I.pdf"
    pdf.write_bytes(PDF_BYTES)
    form = page.locator("#documents form")
    form.get_by_label("Judul").fill("Adendum I")
    form.get_by_label("Berkas (PDF atau ZIP)").set_input_files(str(pdf))
    form.get_by_label("Alasan adendum").fill("   ")  # passes the browser, refused by the server
    form.get_by_role("button", name="Terbitkan adendum").click()
    page.wait_for_load_state()
    form = page.locator("#documents form")
    assert "Adendum-I.pdf" in form.inner_text()
    form.get_by_label("Alasan adendum").fill("Perubahan spesifikasi teknis")
    form.get_by_role("button", name="Terbitkan adendum").click()
    page.wait_for_load_state()
    document = Tender.objects.get(pk=tender.pk).documents.get(version=2)
    assert document.is_addendum
    assert document.file.original_name == "Adendum-I.pdf"
