"""Who may open which training page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from lpse.accounts.roles import Role
from lpse.core.testing.access import Access, check_matrix
from lpse.training import services
from lpse.training.models import Audience
from lpse.training.tests.factories import at, room, scheduled

pytestmark = pytest.mark.django_db

EVERYONE = set(Role)
STAFF = {Role.HEAD, Role.HELPDESK, Role.TRAINER, Role.AUDITOR}


@pytest.fixture
def objects(users_by_role):
    with time_machine.travel(at(date(2026, 11, 30), 8), tick=False):
        session = scheduled(users_by_role[Role.AGENCY_ADMIN], users_by_role[Role.HEAD],
                            users_by_role[Role.HELPDESK], day=date(2026, 12, 4))
        vendor_session = services.session_schedule(
            actor=users_by_role[Role.HELPDESK], title="Pelatihan penyedia",
            audience=Audience.VENDOR, starts_at=at(date(2026, 12, 2), 9),
            ends_at=at(date(2026, 12, 2), 13), room=room(), capacity=10, open_enrolment=True)
    session.trainer = users_by_role[Role.TRAINER]
    session.save(update_fields=["trainer"])
    return {"session": session, "request": session.request, "vendor_session": vendor_session}


MATRIX = [
    Access("/training/calendar/", allowed=EVERYONE, public=True),
    Access("/training/calendar.ics", allowed=EVERYONE, public=True),
    Access("/training/", allowed=STAFF | {Role.AGENCY_ADMIN}, denied=403),
    Access("/training/requests/new/", allowed={Role.AGENCY_ADMIN}, denied=403),
    Access(lambda o: f"/training/requests/{o['request'].pk}/",
           allowed=STAFF | {Role.AGENCY_ADMIN}, denied=404),
    Access(lambda o: f"/training/requests/{o['request'].pk}/confirm/",
           allowed={Role.HELPDESK}, denied=403),
    Access(lambda o: f"/training/requests/{o['request'].pk}/schedule/",
           allowed={Role.HELPDESK}, denied=403),
    Access(lambda o: f"/training/requests/{o['request'].pk}/reply-letter/",
           allowed={Role.HEAD}, denied=403),
    Access("/training/sessions/", allowed=EVERYONE),
    Access("/training/sessions/new/", allowed={Role.HELPDESK}, denied=403),
    Access(lambda o: f"/training/sessions/{o['session'].pk}/",
           allowed=STAFF | {Role.AGENCY_ADMIN}, denied=404),
    Access(lambda o: f"/training/sessions/{o['vendor_session'].pk}/",
           allowed=STAFF | {Role.AGENCY_ADMIN, Role.VENDOR}, denied=404),
    Access(lambda o: f"/training/sessions/{o['session'].pk}/trainer/",
           allowed={Role.HEAD}, denied=403),
    Access(lambda o: f"/training/sessions/{o['session'].pk}/attendance/",
           allowed={Role.HELPDESK, Role.TRAINER}, denied=(403, 404)),
    Access("/training/rooms/", allowed={Role.HELPDESK}, denied=403),
    Access("/training/rooms/new/", allowed={Role.HELPDESK}, denied=403),
]


def test_access_matrix(users_by_role, client_for, objects) -> None:
    check_matrix(MATRIX, users_by_role, client_for, objects)


def test_documents_and_letters_are_read_only_by_those_concerned(
        users_by_role, client_for, objects) -> None:
    request = objects["request"]
    letter_url = f"/files/{request.letter_id}/"
    for role, user in users_by_role.items():
        status = client_for(user).get(letter_url).status_code
        assert (status == 200) == (role in STAFF | {Role.AGENCY_ADMIN}), (role, status)


def test_session_list_query_count(users_by_role, client_for, objects,
                                  django_assert_max_num_queries) -> None:
    client = client_for(users_by_role[Role.HELPDESK])
    with django_assert_max_num_queries(15):
        assert client.get("/training/sessions/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/training/").status_code == 200
