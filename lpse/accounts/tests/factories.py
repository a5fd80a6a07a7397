from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from lpse.accounts.models import Agency, RoleAssignment, User, WorkUnit
from lpse.accounts.roles import AGENCY_ROLES, Role

TEST_PASSWORD = "Correct-Horse-Battery-9"
# Hash once: Argon2 is deliberately slow, and the suite creates many users.
_PASSWORD_HASH = make_password(TEST_PASSWORD)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    kind = Agency.Kind.OFFICE


class WorkUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"WU{n:03d}")
    name = factory.Sequence(lambda n: f"Bidang {n}")


def _nip(n: int) -> str:
    return f"19800101200501{1 + n % 2}{(n % 999) + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = _PASSWORD_HASH

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=Role(role))
        self.__dict__.pop("role_set", None)


_counter = iter(range(1, 10**6))


def make_user(role: Role | None = None, *, agency: Agency | None = None,
              two_factor: bool = True, **fields: Any) -> User:
    """A user with one role; agency officials get an agency, officials a TOTP device."""
    n = next(_counter)
    roles = [role] if role else []
    if role in AGENCY_ROLES and agency is None:
        agency = AgencyFactory()
    if role is not None and role != Role.VENDOR:
        fields.setdefault("nip", _nip(n))
    user = UserFactory(roles=roles, agency=agency, **fields)
    if role is not None and role != Role.VENDOR and two_factor:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user
