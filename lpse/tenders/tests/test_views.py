"""Pages: public list (filters, sorting, keyset pages, query counts), feed, announcement,
joining and downloads, the workspace and the schedule change pages."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.tenders.models import DocumentDownload, ScheduleChangeRequest, Tender
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    committee_member,
    inside,
    join,
    make_committee,
    make_package,
    make_tender,
    make_vendor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_tenders(clock):
    first = make_tender(name="Pembangunan Jembatan Cipeles")
    ppk, committee = first.package.ppk, first.committee
    tenders = [first]
    for i in range(1, 30):
        estimate = Decimal(100_000_000 + i * 10_000_000)
        package = make_package(ppk=ppk, committee=committee, name=f"Rehabilitasi Jalan Ruas {i}",
                               owner_estimate=estimate, budget_ceiling=estimate)
        tenders.append(make_tender(package=package))
    return tenders


def test_public_list_pages_with_keyset_cursors_and_constant_queries(
        client, many_tenders, django_assert_max_num_queries):
    url = reverse("tenders:public_list")
    with django_assert_max_num_queries(6):
        first = client.get(url)
    assert first.status_code == 200
    codes = re.findall(r'/tenders/(\d{10})/"', first.content.decode())
    assert len(codes) == 25
    after = re.search(r'after=([\w-]+)', first.content.decode()).group(1)
    with django_assert_max_num_queries(6):
        second = client.get(url, {"after": after})
    rest = re.findall(r'/tenders/(\d{10})/"', second.content.decode())
    assert len(rest) == 5
    assert not set(rest) & set(codes)
    before = re.search(r'before=([\w-]+)', second.content.decode()).group(1)
    back = client.get(url, {"before": before})
    assert re.findall(r'/tenders/(\d{10})/"', back.content.decode()) == codes


def test_public_list_search_filters_and_sorting(client, many_tenders, clock):
    url = reverse("tenders:public_list")
    body = client.get(url, {"q": "jembatan cipeles"}).content.decode()
    assert "Pembangunan Jembatan Cipeles" in body
    assert "Ruas 3" not in body
    body = client.get(url, {"value_min": "350000000", "value_max": "400000000",
                            "sort": "value_asc"}).content.decode()
    names = re.findall(r"Rehabilitasi Jalan Ruas (\d+)", body)
    assert names == ["25", "26", "27", "28", "29", "30"][: len(names)] or names == [
        "25", "26", "27", "28", "29"]
    clock.move_to(inside(many_tenders[0], StageCode.ANNOUNCEMENT, minutes=60))
    assert client.get(url, {"stage": "announcement"}).content.decode().count("/tenders/20") \
        == 25
    assert "Tidak ada tender" in client.get(url, {"stage": "contract_signing"}).content.decode()
    bad = client.get(url, {"value_min": "abc"})
    assert bad.status_code == 200


def test_feed_is_atom(client, many_tenders):
    response = client.get(reverse("tenders:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.count(b"<entry>") == 30


def test_announcement_join_and_logged_download(clock, client, client_for):
    tender = make_tender()
    url = reverse("tenders:public_detail", args=[tender.code])
    body = client.get(url).content.decode()
    assert "Rp 950.000.000" in body
    assert "documents/1/" not in body
    vendor = make_vendor()
    vendor_client = client_for(vendor.account)
    assert "Ikut" in vendor_client.get(url).content.decode()
    join_url = reverse("tenders:join", args=[tender.code])
    page = vendor_client.get(join_url).content.decode()
    assert "PAKTA INTEGRITAS" in page
    refused = vendor_client.post(join_url, {})
    assert refused.status_code == 200
    assert "pakta integritas" in refused.content.decode().lower()
    assert vendor_client.post(join_url, {"accept_pact": "on"}).status_code == 302
    download = reverse("tenders:document_download", args=[tender.code, 1])
    assert client_for(make_vendor().account).get(download).status_code == 404
    response = vendor_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(
        b"%PDF")
    assert DocumentDownload.objects.filter(user=vendor.account, participant__isnull=False
                                           ).count() == 1


def test_workspace_and_package_lists_have_constant_queries(
        client_for, many_tenders, django_assert_max_num_queries):
    member = committee_member(many_tenders[0])
    client = client_for(member)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("tenders:workspace_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/workspace/") >= 25
    ppk_client = client_for(many_tenders[0].package.ppk)
    with django_assert_max_num_queries(12):
        response = ppk_client.get(reverse("tenders:package_list"))
    assert response.status_code == 200


def test_schedule_change_through_the_pages(clock, client_for):
    tender = make_tender()
    join(tender)
    member = committee_member(tender)
    client = client_for(member)
    url = reverse("tenders:schedule", args=[tender.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {}
    for stage, window in tender.schedule().items():
        data[f"{stage}_start"] = window.starts_at.astimezone(
            __import__("lpse.core.calendar", fromlist=["WIB"]).WIB).strftime("%Y-%m-%dT%H:%M")
        data[f"{stage}_end"] = window.ends_at.astimezone(
            __import__("lpse.core.calendar", fromlist=["WIB"]).WIB).strftime("%Y-%m-%dT%H:%M")
    # Without a reason nothing is saved.
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ScheduleChangeRequest.objects.exists()
    # Objection end one week later (still a working day at the same hour).
    end = tender.stage_window(StageCode.OBJECTION).ends_at + timedelta(days=7)
    data["objection_end"] = end.astimezone(
        __import__("lpse.core.calendar", fromlist=["WIB"]).WIB).strftime("%Y-%m-%dT%H:%M")
    for stage in ("award_letter", "contract_signing"):
        window = tender.stage_window(StageCode(stage))
        for part, moment in (("start", window.starts_at), ("end", window.ends_at)):
            data[f"{stage}_{part}"] = (moment + timedelta(days=7)).astimezone(
                __import__("lpse.core.calendar", fromlist=["WIB"]).WIB).strftime(
                "%Y-%m-%dT%H:%M")
    data["reason"] = "Masa sanggah bertepatan dengan cuti bersama"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ScheduleChangeRequest.objects.get()
    assert change.items.count() == 3
    appadmin = make_user(Role.APPADMIN)
    admin_client = client_for(appadmin)
    detail = reverse("tenders:change_detail", args=[change.pk])
    assert admin_client.post(detail, {"action": "receive"}).status_code == 302
    assert admin_client.post(detail, {"action": "apply"}).status_code == 302
    change.refresh_from_db()
    assert change.status == "applied"
    public = client_for(None).get(reverse("tenders:public_schedule", args=[tender.code]))
    assert "Masa sanggah bertepatan dengan cuti bersama" in public.content.decode()


def test_workspace_walks_opening_to_announcement(clock, client_for):
    tender = make_tender()
    a, b = join(tender), join(tender)
    member = committee_member(tender)
    clock.move_to(inside(tender, StageCode.OPENING))
    # Sessions of officials end after 15 idle minutes: log in again after each jump.
    client = client_for(member)
    for participant, amount in ((a, "900000000"), (b, "800000000")):
        url = reverse("tenders:offer_record", args=[tender.pk, participant.pk])
        assert client.post(url, {"amount": amount}).status_code == 302
    client.post(reverse("tenders:evaluation_start", args=[tender.pk]))
    tender.refresh_from_db()
    for evaluation in tender.evaluations.all():
        url = reverse("tenders:evaluation_edit", args=[tender.pk, evaluation.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"administrative_passed": "1", "technical_passed": "1",
                                     "price_passed": "1", "qualification_passed": "1",
                                     "corrected_price": str(evaluation.offer_amount)})
        assert response.status_code == 302
    clock.move_to(inside(tender, StageCode.WINNER_DECISION))
    client = client_for(member)
    for name in ("winner_set", "evaluation_minutes"):
        response = client.post(reverse(f"tenders:{name}", args=[tender.pk]), follow=True)
        assert "alert-danger" not in response.content.decode(), name
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    client = client_for(member)
    response = client.post(reverse("tenders:winner_announce", args=[tender.pk]), follow=True)
    assert "alert-danger" not in response.content.decode()
    tender.refresh_from_db()
    assert tender.winner_announced_at is not None
    body = client_for(None).get(reverse("tenders:public_detail", args=[tender.code])
                                ).content.decode()
    assert "Rp 800.000.000" in body
    assert "Pemenang" in body
    assert client.get(reverse("tenders:workspace", args=[tender.pk])).status_code == 200


def test_committee_pages(clock, client_for):
    committee = make_committee(__import__(
        "lpse.accounts.tests.factories", fromlist=["AgencyFactory"]).AgencyFactory())
    admin = committee.created_by
    client = client_for(admin)
    assert client.get(reverse("tenders:committee_list")).status_code == 200
    assert client.get(reverse("tenders:committee_detail", args=[committee.pk])).status_code \
        == 200
    new = client.get(reverse("tenders:committee_create"))
    assert new.status_code == 200
    people = [m.user for m in committee.members.all()]
    response = client.post(reverse("tenders:committee_create"), {
        "kind": "committee", "name": "Pokja Dua", "members": [people[0].pk, people[1].pk]})
    assert "ganjil" in response.content.decode()
    assert Tender.objects.count() == 0


def test_cached_public_page_carries_each_visitors_own_csrf_token(
        clock, django_capture_on_commit_callbacks):
    from django.test import Client

    make_tender(name="Pembangunan Jembatan Cipeles")
    url = reverse("tenders:public_list") + "?q=cipeles"
    first = Client(enforce_csrf_checks=True)
    assert "Cipeles" in first.get(url).content.decode()
    visitor = Client(enforce_csrf_checks=True)
    body = visitor.get(url).content.decode()  # served from the cache
    assert "__lpse_csrf_token__" not in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = visitor.post(reverse("set_language"), {"language": "en", "next": url,
                                                      "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    # A new publication shows at once: the cache is flushed.
    with django_capture_on_commit_callbacks(execute=True):
        make_tender(name="Pembangunan Jembatan Cipeles Hilir")
    assert "Cipeles Hilir" in Client().get(url).content.decode()


def test_a_refused_addendum_keeps_its_title_and_file(clock, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lpse.tenders.tests.factories import PDF_BYTES

    tender = make_tender()
    member = client_for(committee_member(tender))
    url = reverse("tenders:document_upload", args=[tender.pk])
    refused = member.post(url, {"title": "Addendum I", "reason": "",
                                "file": SimpleUploadedFile("Addendum-I.pdf", PDF_BYTES)})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Adendum wajib disertai alasan." in body
    assert "Addendum-I.pdf" in body
    assert 'value="Addendum I"' in body
    assert tender.documents.count() == 1
    held = refused.context["document_form"]["file__held"].value()
    done = member.post(url, {"title": "Addendum I", "reason": "Perubahan spesifikasi",
                             "file__held": held})
    assert done.status_code == 302
    addendum = tender.documents.get(version=2)
    assert addendum.is_addendum
    assert addendum.file.original_name == "Addendum-I.pdf"


def test_the_workspace_offers_only_what_can_be_done(clock, client_for):
    """No button or form that the service would refuse anyway."""
    tender = make_tender()
    member = committee_member(tender)
    workspace = reverse("tenders:workspace", args=[tender.pk])
    upload = reverse("tenders:document_upload", args=[tender.pk])
    minutes = reverse("tenders:clarification_minutes", args=[tender.pk])
    clock.move_to(inside(tender, StageCode.DOWNLOAD))
    page = client_for(member).get(workspace).content.decode()
    assert upload in page
    assert minutes not in page, "the clarification has not ended"
    clock.move_to(inside(tender, StageCode.OPENING))
    page = client_for(member).get(workspace).content.decode()
    assert minutes in page
    assert upload not in page, "the upload has closed: no addendum"
    cancelled = make_tender()
    from lpse.tenders import services

    services.tender_cancel(actor=cancelled.package.ppk, tender=cancelled, reason="Refocusing")
    page = client_for(committee_member(cancelled)).get(
        reverse("tenders:workspace", args=[cancelled.pk])).content.decode()
    assert 'id="opening"' not in page


def test_an_objection_answer_needs_an_explicit_outcome(clock, client_for):
    from lpse.tenders import services
    from lpse.tenders.models import Objection
    from lpse.tenders.tests.test_services import _announced

    tender, (loser, _winner), member = _announced(clock)
    clock.move_to(inside(tender, StageCode.OBJECTION))
    objection = services.objection_file(actor=loser.vendor.account, tender=tender, text="x")
    client = client_for(member)
    page = client.get(reverse("tenders:workspace", args=[tender.pk])).content.decode()
    assert re.search(r'<option value="" selected>— pilih —</option>', page)
    url = reverse("tenders:objection_answer", args=[tender.pk, objection.pk])
    client.post(url, {"answer": "Jawaban"})
    objection.refresh_from_db()
    assert objection.outcome == ""
    client.post(url, {"answer": "Jawaban", "outcome": Objection.Outcome.REJECTED})
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.REJECTED


def test_the_committee_panel_links_to_every_tender(clock, client_for, many_tenders):
    member = committee_member(many_tenders[0])
    page = client_for(member).get(reverse("core:dashboard")).content.decode()
    assert reverse("tenders:workspace_list") in page
    assert "Semua 30 tender" in page
