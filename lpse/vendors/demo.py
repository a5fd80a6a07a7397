"""Demo vendors (active accounts able to take part in tenders)."""

from __future__ import annotations

from django.utils import timezone

from lpse.accounts.models import RoleAssignment, User
from lpse.accounts.roles import Role
from lpse.audit.services import audit_record
from lpse.core.demodata import DemoContext
from lpse.vendors.models import Vendor

ORDER = 20

VENDORS = [
    ("cv.mitra", Vendor.BusinessForm.CV, "Mitra Karya Sumedang", "012345678901000",
     "Ade Sutisna"),
    ("pt.tatar", Vendor.BusinessForm.PT, "Tatar Sunda Konstruksi", "023456789012000",
     "Ir. Dadang Hermawan"),
    ("pt.medika", Vendor.BusinessForm.PT, "Medika Priangan Sejahtera", "034567890123000",
     "Hj. Iis Sumiati"),
]


def seed(context: DemoContext) -> None:
    for username, form, name, npwp, director in VENDORS:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(username=username, full_name=director,
                        email=f"{username}@demo-vendor.example")
            user.set_password(context.password)
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.VENDOR)
            vendor = Vendor.objects.create(
                account=user, business_form=form, name=name, npwp=npwp, email=user.email,
                status=Vendor.Status.ACTIVE, verified_at=timezone.now(),
            )
            audit_record(action="vendor.created", actor=None, target=vendor,
                         data={"npwp": npwp, "source": "seed_demo"})
        context.users[username] = user
        context.remember_account(username, str(Role.VENDOR.label), name)
