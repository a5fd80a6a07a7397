from __future__ import annotations

from datetime import date

import pytest
import time_machine

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.training import services
from lpse.training.models import Audience
from lpse.training.tests.factories import at, room

pytestmark = pytest.mark.django_db
WED = date(2026, 12, 2)


@pytest.fixture
def vendor_session():
    helpdesk = make_user(Role.HELPDESK)
    with time_machine.travel(at(date(2026, 11, 30), 8), tick=False):
        return services.session_schedule(
            actor=helpdesk, title="Pelatihan penyedia Desember", audience=Audience.VENDOR,
            starts_at=at(WED, 9), ends_at=at(WED, 13), room=room(), capacity=5,
            open_enrolment=True)


def test_calendar_and_feed_are_public(client_for, vendor_session) -> None:
    anonymous = client_for(None)
    page = anonymous.get("/training/calendar/?month=2026-12").content.decode()
    assert "Pelatihan penyedia Desember" in page
    feed = anonymous.get("/training/calendar.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Pelatihan penyedia Desember" in feed.content


def test_vendor_enrols_from_the_session_page(client_for, vendor_session, smtp,
                                             django_capture_on_commit_callbacks) -> None:
    vendor = make_user(Role.VENDOR, email="ade@mitra.test")
    with time_machine.travel(at(date(2026, 12, 1), 10), tick=False):
        client = client_for(vendor)
        assert "Daftar" in client.get(f"/training/sessions/{vendor_session.pk}/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/training/sessions/{vendor_session.pk}/enrol/",
                                   follow=True)
    assert "Anda terdaftar pada sesi ini." in response.content.decode()
    assert smtp.to("ade@mitra.test")
    assert vendor_session.participants.filter(user=vendor).exists()


def test_schedule_form_explains_broken_rules(client_for) -> None:
    helpdesk = make_user(Role.HELPDESK)
    hall = room()
    with time_machine.travel(at(date(2026, 11, 30), 8), tick=False):
        client = client_for(helpdesk)
        response = client.post("/training/sessions/new/", {
            "title": "Penyedia", "audience": "vendor", "date": "2026-12-04",
            "start_time": "09:00", "end_time": "15:00", "room": hall.pk, "capacity": 30})
    page = response.content.decode()
    assert "Pelatihan untuk peserta ini dilaksanakan pada hari Rabu, Kamis." in page
    assert "Pelatihan untuk peserta ini dilaksanakan pukul 09:00–13:00 WIB." in page
    # The room's name already says "room": the message does not repeat the word.
    assert f"{hall.name} memiliki 20 kursi" in page or f"{hall.name} has 20 seats" in page
    assert f"Ruang {hall.name}" not in page
    assert f"room {hall.name}" not in page
    assert "isi alasan pengecualian" in page


def test_dashboard_panels_for_the_head(client_for, vendor_session) -> None:
    head = make_user(Role.HEAD)
    page = client_for(head).get("/dashboard/").content.decode()
    assert "Sesi mendatang" in page
    assert "Tiket terbuka" in page


def test_a_refused_training_request_keeps_its_letter(client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lpse.accounts.tests.factories import AgencyFactory
    from lpse.training.models import TrainingRequest

    admin = make_user(Role.AGENCY_ADMIN, agency=AgencyFactory())
    page = client_for(admin)
    data = {"letter_number": "005/123/DPUTR", "letter_date": "2026-11-20",
            "audience": "agency", "topic": "", "participants": "12",
            "contact_name": "Ade", "contact_phone": "0812345678"}
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 200
    refused = page.post("/training/requests/new/",
                        {**data, "letter": SimpleUploadedFile("surat.pdf", pdf)})
    assert refused.status_code == 200
    assert "surat.pdf" in refused.content.decode()
    held = refused.context["form"]["letter__held"].value()
    done = page.post("/training/requests/new/",
                     {**data, "topic": "SPSE untuk PPK", "letter__held": held})
    assert done.status_code == 302
    assert TrainingRequest.objects.get().letter.original_name == "surat.pdf"
