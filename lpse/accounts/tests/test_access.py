"""Who may open each page of accounts, audit and core (role × URL)."""

from __future__ import annotations

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.core.testing.access import Access, check_matrix

pytestmark = pytest.mark.django_db

ALL = set(Role)
OFFICIAL_VIEWERS = {Role.SYSADMIN, Role.APPADMIN, Role.HEAD, Role.AUDITOR, Role.AGENCY_ADMIN,
                    Role.HELPDESK}

MATRIX = [
    Access("/", allowed=ALL, public=True),
    Access("/dashboard/", allowed=ALL),
    Access("/accounts/profile/", allowed=ALL),
    Access("/accounts/users/", allowed=OFFICIAL_VIEWERS),
    Access("/accounts/users/new/", allowed={Role.SYSADMIN, Role.AGENCY_ADMIN}),
    Access("/accounts/agencies/", allowed=OFFICIAL_VIEWERS),
    Access("/accounts/agencies/new/", allowed={Role.SYSADMIN}),
    Access("/audit/", allowed={Role.HEAD, Role.SYSADMIN, Role.AUDITOR}),
    Access("/audit/export.csv", allowed={Role.HEAD, Role.SYSADMIN, Role.AUDITOR}),
    Access("/holidays/", allowed={Role.SYSADMIN, Role.APPADMIN}),
    # An agency admin sees only officials of its own agency: others are 404.
    Access(lambda o: f"/accounts/users/{o['foreign_ppk'].pk}/",
           allowed=OFFICIAL_VIEWERS - {Role.AGENCY_ADMIN}),
    Access(lambda o: f"/accounts/users/{o['own_ppk'].pk}/", allowed=OFFICIAL_VIEWERS),
    Access(lambda o: f"/accounts/users/{o['own_ppk'].pk}/edit/", allowed={Role.AGENCY_ADMIN}),
    Access(lambda o: f"/accounts/agencies/{o['foreign_agency'].pk}/",
           allowed=OFFICIAL_VIEWERS - {Role.AGENCY_ADMIN}),
    Access(lambda o: f"/accounts/agencies/{o['foreign_agency'].pk}/edit/",
           allowed={Role.SYSADMIN}),
    Access(lambda o: f"/accounts/users/{o['own_ppk'].pk}/disable/", allowed=set(),
           method="post"),  # no reason given: refused for everyone, nothing changes
    Access("/api/v1/users/", allowed=OFFICIAL_VIEWERS),
    Access("/api/v1/me/", allowed=ALL),
    Access("/api/v1/audit/events/", allowed={Role.HEAD, Role.SYSADMIN, Role.AUDITOR}),
    Access("/api/v1/openapi.json", allowed=ALL, public=True),
]


def test_access_matrix(users_by_role, client_for) -> None:
    agency = users_by_role[Role.AGENCY_ADMIN].agency
    objects = {
        "own_ppk": users_by_role[Role.PPK],
        "foreign_ppk": make_user(Role.PPK, agency=AgencyFactory()),
        "foreign_agency": AgencyFactory(),
    }
    assert objects["own_ppk"].agency == agency
    check_matrix([e for e in MATRIX if e.method == "get"], users_by_role, client_for, objects)


def test_disable_without_reason_changes_nothing(users_by_role, client_for) -> None:
    ppk = users_by_role[Role.PPK]
    client_for(users_by_role[Role.AGENCY_ADMIN]).post(f"/accounts/users/{ppk.pk}/disable/", {})
    ppk.refresh_from_db()
    assert ppk.is_active
    response = client_for(users_by_role[Role.VENDOR]).post(f"/accounts/users/{ppk.pk}/disable/",
                                                            {"reason": "x"})
    assert response.status_code == 404
    ppk.refresh_from_db()
    assert ppk.is_active


def test_user_list_query_count(users_by_role, client_for, django_assert_max_num_queries) -> None:
    for _ in range(30):
        make_user(Role.PPK, agency=users_by_role[Role.AGENCY_ADMIN].agency)
    client = client_for(users_by_role[Role.SYSADMIN])
    with django_assert_max_num_queries(14):
        response = client.get("/accounts/users/")
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/accounts/users/?q=user&sort=-username", HTTP_HX_REQUEST="true"
                          ).status_code == 200
