"""Packages (paket): created by the PPK, handed to a committee or procurement officer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.catalog.selectors import method_applies_to
from lpse.core.calendar import localdate_wib
from lpse.tenders import notifications
from lpse.tenders.access import access_package_as_ppk
from lpse.tenders.models import Committee, Package, Tender
from lpse.tenders.services.common import next_code, require_text

if TYPE_CHECKING:
    from lpse.accounts.models import User, WorkUnit
    from lpse.catalog.models import (
        BusinessField,
        FundingSource,
        ProcurementCategory,
        SelectionMethod,
    )

PACKAGE_CODE = "PKT-{year}-{seq:05d}"
EDITABLE = ("name", "work_unit", "category", "method", "fiscal_year", "funding_source",
            "budget_ceiling", "owner_estimate", "location", "rup_code",
            "qualification_requirements")


def _validate(*, actor: User, package: Package, business_fields: Sequence[BusinessField]
              ) -> None:
    errors: dict[str, str] = {}
    if package.work_unit is not None and package.work_unit.agency_id != package.agency_id:
        errors["work_unit"] = _("The work unit belongs to another agency.")
    if package.budget_ceiling is not None and package.budget_ceiling <= 0:
        errors["budget_ceiling"] = _("The budget ceiling (pagu) must be more than zero.")
    if package.owner_estimate is not None and package.owner_estimate <= 0:
        errors["owner_estimate"] = _("The owner's estimate (HPS) must be more than zero.")
    elif package.owner_estimate is not None and package.budget_ceiling is not None \
            and package.owner_estimate > package.budget_ceiling:
        errors["owner_estimate"] = _("The owner's estimate (HPS) cannot exceed the budget "
                                     "ceiling (pagu).")
    if _rup_code_taken(package):
        errors["rup_code"] = _rup_code_message()
    if package.category_id and package.method_id and not method_applies_to(
            package.method, package.category):
        errors["method"] = _("This selection method does not apply to the category.")
    this_year = localdate_wib().year
    if not this_year - 1 <= package.fiscal_year <= this_year + 1:
        errors["fiscal_year"] = _("The fiscal year must be between %(a)s and %(b)s.") % {
            "a": this_year - 1, "b": this_year + 1}
    for name, model in (("category", package.category), ("method", package.method),
                        ("funding_source", package.funding_source)):
        if model is not None and not model.is_active and name not in errors:
            errors[name] = _("This entry is no longer active.")
    if any(not f.is_active for f in business_fields):
        errors["business_fields"] = _("One of the business fields is no longer active.")
    if errors:
        raise ValidationError(errors)
    package.full_clean(exclude=["code", "committee"])


def _rup_code_taken(package: Package) -> bool:
    return bool(package.rup_code) and Package.objects.filter(
        rup_code=package.rup_code, fiscal_year=package.fiscal_year).exclude(
        pk=package.pk).exists()


def _rup_code_message() -> str:
    return _("Another package of this fiscal year already has this RUP code.")


def _save(package: Package) -> None:
    """Save; another PPK saving the same RUP code at the same moment gets the field error,
    not a server error (the database constraint decides)."""
    try:
        with transaction.atomic():
            package.save()
    except IntegrityError as exc:
        if _rup_code_taken(package):
            raise ValidationError({"rup_code": _rup_code_message()}) from exc
        raise


@transaction.atomic
def package_create(
    *, actor: User, name: str, category: ProcurementCategory, method: SelectionMethod,
    fiscal_year: int, funding_source: FundingSource, budget_ceiling: Decimal,
    owner_estimate: Decimal, location: str, work_unit: WorkUnit | None = None,
    rup_code: str = "", business_fields: Sequence[BusinessField] = (),
    qualification_requirements: str = "",
) -> Package:
    if not has_perm(actor, Perm.MANAGE_PACKAGES) or actor.agency_id is None:
        raise PermissionDenied(_("Only a PPK of an agency creates packages."))
    package = Package(
        name=name.strip(), agency_id=actor.agency_id, work_unit=work_unit, category=category,
        method=method, fiscal_year=fiscal_year, funding_source=funding_source,
        budget_ceiling=budget_ceiling, owner_estimate=owner_estimate, location=location,
        rup_code=rup_code.strip(), qualification_requirements=qualification_requirements,
        ppk=actor,
    )
    _validate(actor=actor, package=package, business_fields=business_fields)
    package.code = next_code("package", fiscal_year, PACKAGE_CODE)
    _save(package)
    package.business_fields.set(business_fields)
    audit_record(action="tenders.package_created", actor=actor, target=package,
                 data={"budget_ceiling": budget_ceiling, "owner_estimate": owner_estimate,
                       "category": category.code, "method": method.code,
                       "fiscal_year": fiscal_year})
    return package


@transaction.atomic
def package_update(*, actor: User, package: Package,
                   business_fields: Sequence[BusinessField] | None = None,
                   **changes: object) -> Package:
    """Edit a package while it is a draft (it is locked once handed over)."""
    package = Package.objects.select_for_update().get(pk=package.pk)
    access_package_as_ppk(user=actor, package=package)
    if package.status != Package.Status.DRAFT:
        raise ValidationError(_("A package handed over to a committee can no longer be "
                                "edited."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = {field: getattr(package, field) for field in changes}
    for field, value in changes.items():
        setattr(package, field, value)
    fields = list(business_fields) if business_fields is not None else list(
        package.business_fields.all())
    _validate(actor=actor, package=package, business_fields=fields)
    _save(package)
    if business_fields is not None:
        package.business_fields.set(business_fields)
    audit_record(action="tenders.package_updated", actor=actor, target=package,
                 data={"before": before, "after": changes})
    return package


@transaction.atomic
def package_hand_over(*, actor: User, package: Package, committee: Committee) -> Package:
    """The PPK hands the package to a committee (or procurement officer) of its agency."""
    from lpse.tenders.selectors import committees_for_hand_over

    package = Package.objects.select_for_update().select_related("method").get(pk=package.pk)
    access_package_as_ppk(user=actor, package=package)
    if package.status != Package.Status.DRAFT:
        raise ValidationError(_("The package has already been handed over."))
    if not committees_for_hand_over(package).filter(pk=committee.pk).exists():
        raise ValidationError({"committee": _(
            "Choose an active committee (or procurement officer, as the method requires) "
            "of the package's agency.")})
    package.committee = committee
    package.status = Package.Status.HANDED_OVER
    package.handed_over_at = timezone.now()
    package.save(update_fields=["committee", "status", "handed_over_at", "updated_at"])
    audit_record(action="tenders.package_handed_over", actor=actor, target=package,
                 data={"committee": committee.pk, "committee_name": committee.name})
    notifications.notify_users(committee.member_users(), "package_handed_over",
                               {"package": package, "committee": committee})
    return package


@transaction.atomic
def package_cancel(*, actor: User, package: Package, reason: str) -> Package:
    package = Package.objects.select_for_update().get(pk=package.pk)
    access_package_as_ppk(user=actor, package=package)
    reason = require_text(reason, "reason", _("Give the reason for cancelling."))
    if package.status in (Package.Status.COMPLETED, Package.Status.CANCELLED):
        raise ValidationError(_("The package is already closed."))
    if package.tenders.filter(status__in=[Tender.Status.DRAFT, Tender.Status.PUBLISHED]
                              ).exists():
        raise ValidationError(_("Cancel the package's tender first (its page has the "
                                "button)."))
    package.status = Package.Status.CANCELLED
    package.cancelled_at = timezone.now()
    package.cancel_reason = reason
    package.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit_record(action="tenders.package_cancelled", actor=actor, target=package,
                 data={"reason": reason})
    return package
