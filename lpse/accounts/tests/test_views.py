"""Account pages: the greeting, the user list and the user page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from lpse.accounts.models import User, first_name_of
from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.templatetags.lpse import wib

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("full_name", "first"), [
    ("Asep Suryana", "Asep"),
    ("H. Ahmad Fauzi", "Ahmad"),
    ("Hj. Euis Komariah", "Euis"),
    ("Drs. Dedi Mulyadi", "Dedi"),
    ("Dra. Neneng Hasanah, M.Si.", "Neneng"),
    ("Ir. Sutarno, M.T.", "Sutarno"),
    ("dr. Siti Rahmawati, Sp.A.", "Siti"),
    ("drg. Rina Marlina", "Rina"),
    ("Prof. Dr. Ir. H. Bambang Wijaya, M.Sc.", "Bambang"),
    ("Prof.Dr.H.Iwan Setiawan", "Iwan"),
    ("K.H. Abdullah Gymnastiar", "Abdullah"),
    ("KH Maimun Zubair", "Maimun"),
    ("Hj Nani Suryani", "Nani"),
    ("M. Rizki Ramadhan", "Rizki"),
    ("Moh. Hatta", "Hatta"),
    ("Dedi, S.T.", "Dedi"),
    ("Dedi Kurniawan S.E.", "Dedi"),
    ("  Tatang   Sutarman ", "Tatang"),
    ("Drs. H.", ""),
    ("Ir., M.T.", ""),
    ("", ""),
])
def test_first_name_skips_honorifics_and_degrees(full_name: str, first: str) -> None:
    assert first_name_of(full_name) == first


def test_short_name_falls_back_to_the_user_id() -> None:
    assert User(username="ppk.dputr", full_name="Dr. H., M.Si.").get_short_name() == "ppk.dputr"
    assert User(username="ppk.dputr", full_name="").get_short_name() == "ppk.dputr"
    assert User(username="x", full_name="Hj. Euis Komariah").get_short_name() == "Euis"


def test_dashboard_greets_by_first_name(client_for) -> None:
    user = make_user(Role.HEAD, full_name="Drs. H. Asep Suryana, M.Si.")
    html = client_for(user).get("/dashboard/").content.decode()
    assert "Selamat datang, Asep" in html
    assert "Selamat datang, Drs." not in html


def test_user_list_shows_last_login_in_wib(client_for) -> None:
    admin = make_user(Role.SYSADMIN)
    other = make_user(Role.HELPDESK)
    other.last_login = timezone.now()
    other.save(update_fields=["last_login"])
    html = client_for(admin).get("/accounts/users/").content.decode()
    assert wib(other.last_login) in html


def test_user_page_reason_fields_have_distinct_ids(client_for) -> None:
    admin = make_user(Role.SYSADMIN)
    account = make_user(Role.HELPDESK)
    html = client_for(admin).get(f"/accounts/users/{account.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    labels = re.findall(r'<label class="form-label" for="([^"]+)">', html)
    assert "disable-reason" in labels
    assert "reset-2fa-reason" in labels
    assert 'name="reason"' in html


def test_new_official_form_roles_are_a_fieldset_and_a_bad_nip_gets_one_error(client_for) -> None:
    admin = make_user(Role.AGENCY_ADMIN)
    client = client_for(admin)
    html = client.get("/accounts/users/new/").content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Peran", html)
    assert "— pilih —" in html  # the work unit's empty choice, in Indonesian
    assert "Select an option" not in html
    response = client.post("/accounts/users/new/", {
        "username": "ppk.baru", "full_name": "Ppk Baru", "email": "ppk.baru@example.go.id",
        "nip": "12345", "roles": [Role.PPK.value]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "NIP harus terdiri atas tepat 18 digit." in html
    assert "NIP wajib diisi untuk pejabat instansi." not in html
    assert 'value="ppk.baru"' in html


def test_agency_panel_links_the_whole_list_of_officials(client_for) -> None:
    admin = make_user(Role.AGENCY_ADMIN)
    for _ in range(6):
        make_user(Role.PPK, agency=admin.agency)
    html = client_for(admin).get("/dashboard/").content.decode()
    assert re.search(r'<a href="/accounts/users/">7 pejabat</a>', html)
    assert "Baru ditambahkan:" in html


def test_a_taken_user_id_is_one_error_shown_with_the_others(client_for) -> None:
    admin = make_user(Role.AGENCY_ADMIN)
    existing = make_user(Role.PPK, agency=admin.agency)
    response = client_for(admin).post("/accounts/users/new/", {
        "username": existing.username.upper(), "full_name": "", "email": "baru@example.go.id",
        "nip": "", "roles": [Role.PPK.value]})
    html = response.content.decode()
    assert html.count("ID Pengguna ini sudah digunakan.") == 1
    assert "sudah ada" not in html
    assert "NIP wajib diisi untuk pejabat instansi." in html
