"""Packages (PPK), committees (agency admin) and schedule change requests (application
administrator)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.core.calendar import localdate_wib
from lpse.core.tables import FilteredTableView
from lpse.tenders import selectors, services
from lpse.tenders.access import is_committee_member
from lpse.tenders.forms import (
    CommitteeForm,
    HandOverForm,
    PackageForm,
    ReasonForm,
    RejectForm,
    add_service_errors,
)
from lpse.tenders.models import Committee, Package, ScheduleChangeRequest, SopStepTiming, Tender
from lpse.tenders.tables import (
    ChangeRequestFilter,
    ChangeRequestTable,
    CommitteeFilter,
    CommitteeTable,
    PackageFilter,
    PackageTable,
)
from lpse.tenders.views.common import run_service

# --- Packages -------------------------------------------------------------------------------


def _may_see_packages(request: HttpRequest) -> None:
    user = request_user(request)
    if not any(has_perm(user, p) for p in (Perm.MANAGE_PACKAGES, Perm.VIEW_ALL_TENDERS,
                                           Perm.VIEW_AGENCY_TENDERS, Perm.RUN_TENDERS)):
        raise PermissionDenied


@method_decorator(login_required, name="dispatch")
class PackageListView(FilteredTableView):
    table_class = PackageTable
    filterset_class = PackageFilter
    template_name = "tenders/package_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        _may_see_packages(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Package]:
        return selectors.packages_visible_to(request_user(self.request)).order_by(
            "-created_at", "-pk")


PACKAGE_FIELDS = ("name", "work_unit", "category", "method", "fiscal_year", "funding_source",
                  "budget_ceiling", "owner_estimate", "location", "rup_code",
                  "qualification_requirements")


@perm_required(Perm.MANAGE_PACKAGES)
def package_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = PackageForm(request.POST or None, agency_id=user.agency_id,
                       initial={"fiscal_year": localdate_wib().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            package = services.package_create(
                actor=user, business_fields=list(data["business_fields"]),
                **{f: data[f] for f in PACKAGE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Package %(code)s has been created.")
                             % {"code": package.code})
            return redirect("tenders:package_detail", pk=package.pk)
    return render(request, "tenders/package_form.html", {"form": form, "package": None})


@login_required
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    package = get_object_or_404(selectors.packages_visible_to(user), pk=pk)
    is_ppk = has_perm(user, Perm.MANAGE_PACKAGES) and package.ppk_id == user.pk
    member = is_committee_member(user, package.committee_id)
    tenders = package.tenders.order_by("created_at")
    active = tenders.filter(status__in=[Tender.Status.DRAFT, Tender.Status.PUBLISHED]).first()
    return render(request, "tenders/package_detail.html", {
        "package": package, "is_ppk": is_ppk, "member": member, "tenders": tenders,
        "active_tender": active,
        "hand_over_form": HandOverForm(queryset=selectors.committees_for_hand_over(package))
        if is_ppk and package.status == Package.Status.DRAFT else None,
        "reason_form": ReasonForm(),
        "business_fields": package.business_fields.order_by("code"),
    })


@login_required
def package_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    package = get_object_or_404(selectors.packages_visible_to(user), pk=pk)
    if not (has_perm(user, Perm.MANAGE_PACKAGES) and package.ppk_id == user.pk):
        raise PermissionDenied
    initial = {f: getattr(package, f) for f in PACKAGE_FIELDS}
    initial["business_fields"] = list(package.business_fields.all())
    form = PackageForm(request.POST or None, agency_id=package.agency_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.package_update(actor=user, package=package,
                                    business_fields=list(data["business_fields"]),
                                    **{f: data[f] for f in PACKAGE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The package has been saved."))
            return redirect("tenders:package_detail", pk=package.pk)
    return render(request, "tenders/package_form.html", {"form": form, "package": package})


@require_POST
@login_required
def package_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    package = get_object_or_404(selectors.packages_visible_to(user), pk=pk)
    form = HandOverForm(request.POST, queryset=selectors.committees_for_hand_over(package))
    if not form.is_valid():
        messages.error(request, _("Choose a committee or procurement officer."))
        return redirect("tenders:package_detail", pk=pk)
    return run_service(request, lambda: services.package_hand_over(
        actor=user, package=package, committee=form.cleaned_data["committee"]),
        _("The package has been handed over."), reverse("tenders:package_detail", args=[pk]))


@require_POST
@login_required
def package_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    package = get_object_or_404(selectors.packages_visible_to(user), pk=pk)
    reason = request.POST.get("reason", "")
    return run_service(request, lambda: services.package_cancel(
        actor=user, package=package, reason=reason), _("The package has been cancelled."),
        reverse("tenders:package_detail", args=[pk]))


@require_POST
@login_required
def tender_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee starts preparing the tender of a package handed to it."""
    user = request_user(request)
    package = get_object_or_404(selectors.packages_visible_to(user), pk=pk)
    try:
        tender = services.tender_create(actor=user, package=package)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("tenders:package_detail", pk=pk)
    messages.success(request, _("Tender %(code)s is being prepared.") % {"code": tender.code})
    return redirect("tenders:workspace", pk=tender.pk)


# --- Committees ---------------------------------------------------------------------------


@method_decorator(login_required, name="dispatch")
class CommitteeListView(FilteredTableView):
    table_class = CommitteeTable
    filterset_class = CommitteeFilter
    template_name = "tenders/committee_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request_user(request)
        if not any(has_perm(user, p) for p in (Perm.MANAGE_COMMITTEES, Perm.VIEW_ALL_TENDERS,
                                               Perm.VIEW_AGENCY_TENDERS, Perm.RUN_TENDERS,
                                               Perm.MANAGE_PACKAGES)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Committee]:
        return selectors.committees_visible_to(request_user(self.request)).order_by("name")


@perm_required(Perm.MANAGE_COMMITTEES)
def committee_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CommitteeForm(request.POST or None, agency_id=user.agency_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.committee_create(
                actor=user, kind=data["kind"], name=data["name"],
                members=form.member_positions(), decree_number=data["decree_number"],
                decree_date=data["decree_date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has been formed.") % {"name": committee.name})
            return redirect("tenders:committee_detail", pk=committee.pk)
    return render(request, "tenders/committee_form.html", {"form": form, "committee": None})


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = get_object_or_404(selectors.committees_visible_to(user), pk=pk)
    manageable = has_perm(user, Perm.MANAGE_COMMITTEES) and user.agency_id == \
        committee.agency_id
    tenders = committee.tenders.order_by("-created_at")[:20]
    return render(request, "tenders/committee_detail.html",
                  {"committee": committee, "manageable": manageable, "tenders": tenders})


@perm_required(Perm.MANAGE_COMMITTEES)
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = get_object_or_404(selectors.committees_visible_to(user), pk=pk,
                                  agency_id=user.agency_id)
    members = list(committee.members.all())
    chair = next((m.user for m in members if m.position == "chair"), None)
    initial = {"kind": committee.kind, "name": committee.name,
               "decree_number": committee.decree_number, "decree_date": committee.decree_date,
               "members": [m.user for m in members], "chair": chair}
    form = CommitteeForm(request.POST or None, agency_id=user.agency_id, editing=True,
                         initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.committee_update(actor=user, committee=committee, name=data["name"],
                                      members=form.member_positions(),
                                      decree_number=data["decree_number"],
                                      decree_date=data["decree_date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The committee has been saved."))
            return redirect("tenders:committee_detail", pk=committee.pk)
    return render(request, "tenders/committee_form.html", {"form": form,
                                                           "committee": committee})


@require_POST
@perm_required(Perm.MANAGE_COMMITTEES)
def committee_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = get_object_or_404(selectors.committees_visible_to(user), pk=pk)
    return run_service(request, lambda: services.committee_set_active(
        actor=user, committee=committee, active=not committee.is_active),
        _("The committee has been updated."), reverse("tenders:committee_detail", args=[pk]))


# --- Schedule change requests (Lampiran III 3.5–3.6) -----------------------------------------


class ChangeListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.APPLY_SCHEDULE_CHANGE
    table_class = ChangeRequestTable
    filterset_class = ChangeRequestFilter
    template_name = "tenders/change_list.html"

    def get_queryset(self) -> QuerySet[ScheduleChangeRequest]:
        return selectors.schedule_changes_visible_to(request_user(self.request)).order_by(
            "-requested_at", "-pk")


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    change = get_object_or_404(selectors.schedule_changes_visible_to(user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        back = reverse("tenders:change_detail", args=[pk])
        if action == "receive":
            return run_service(request, lambda: services.schedule_change_receive(
                actor=user, request=change), _("The request has been received."), back)
        if action == "apply":
            return run_service(request, lambda: services.schedule_change_apply(
                actor=user, request=change), _("The schedule has been changed; every "
                                               "participant has been e-mailed."), back)
        if action == "reject":
            form = RejectForm(request.POST)
            reason = form.data.get("rejection_reason", "")
            return run_service(request, lambda: services.schedule_change_reject(
                actor=user, request=change, reason=reason), _("The request has been "
                                                              "rejected."), back)
        if action == "withdraw":
            return run_service(request, lambda: services.schedule_change_withdraw(
                actor=user, request=change), _("The request has been withdrawn."), back)
        raise Http404
    steps = SopStepTiming.objects.filter(subject_type="tenders.schedulechangerequest",
                                         subject_id=str(change.pk)).select_related("actor")
    return render(request, "tenders/change_detail.html", {
        "change": change, "items": change.items.all(), "steps": steps,
        "can_apply": has_perm(user, Perm.APPLY_SCHEDULE_CHANGE) and change.is_open,
        "can_withdraw": is_committee_member(user, change.tender.committee_id)
        and change.status == ScheduleChangeRequest.Status.SUBMITTED,
        "reject_form": RejectForm(), "now": timezone.now()})
